using Devmem.Stack.Link;

namespace Devmem.Cli.Links;

/// <summary>
/// Turns ncdevmem's <c>-f IFNAME</c> into the link the user-space engine drives. The seam where TAP and
/// AF_PACKET links plug in; tests plug memory links in.
/// </summary>
internal interface ILinkOpener
{
    /// <summary>
    /// Opens <paramref name="interfaceName"/>; the engine owns the link from then on (the caller disposes it
    /// after the engine when it is <see cref="IDisposable"/>). Throws <see cref="Uapi.DevmemException"/> with
    /// what is wrong and what to do.
    /// </summary>
    ILink Open(string interfaceName);
}
