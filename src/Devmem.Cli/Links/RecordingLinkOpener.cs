using Devmem.Stack.Link;
using Devmem.Stack.Link.Pcap;

namespace Devmem.Cli.Links;

/// <summary>
/// <c>--pcap FILE</c>: opens the link through <paramref name="inner"/> and records both directions into a
/// classic pcap file (device payload included, since the emulated NIC's memory is host-visible), for
/// Wireshark or tshark. The file is complete once the engine and its link are disposed.
/// </summary>
internal sealed class RecordingLinkOpener(ILinkOpener inner, string path) : ILinkOpener
{
    public ILink Open(string interfaceName)
    {
        ILink link = inner.Open(interfaceName);
        try
        {
            return new PcapLink(link, PcapWriter.Create(path));
        }
        catch
        {
            (link as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>Wraps <paramref name="opener"/> when a path was given.</summary>
    public static ILinkOpener For(ILinkOpener opener, string? path) => string.IsNullOrEmpty(path) ? opener : new RecordingLinkOpener(opener, path);
}
