namespace Devmem.Benchmarks.Links;

/// <summary>
/// Two namespaces joined by a veth pair with TSO/GRO at the kernel's defaults: <see cref="Left"/> holds
/// <see cref="LeftEnd"/>, <see cref="Right"/> holds <see cref="RightEnd"/>. Addresses are the caller's (a
/// kernel receiver gives the right end one; our engine drives it through AF_PACKET without one). Disposing
/// deletes both namespaces, and the pair with them.
/// </summary>
internal sealed class VethPair : IDisposable
{
    public const string LeftEnd = "dmb0";
    public const string RightEnd = "dmb1";

    private VethPair(BenchNamespace left, BenchNamespace right)
    {
        Left = left;
        Right = right;
    }

    public BenchNamespace Left { get; }

    public BenchNamespace Right { get; }

    public static VethPair Create()
    {
        BenchNamespace left = BenchNamespace.Create();
        BenchNamespace? right = null;
        try
        {
            right = BenchNamespace.Create();
            left.Ip("link", "add", LeftEnd, "type", "veth", "peer", "name", RightEnd, "netns", right.Name);
            left.Ip("link", "set", LeftEnd, "up");
            right.Ip("link", "set", RightEnd, "up");
            return new VethPair(left, right);
        }
        catch
        {
            right?.Dispose();
            left.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Right.Dispose();
        }
        finally
        {
            Left.Dispose();
        }
    }
}
