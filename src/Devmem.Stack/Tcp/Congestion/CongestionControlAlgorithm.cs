namespace Devmem.Stack.Tcp.Congestion;

/// <summary>The congestion controllers a connection can use (Linux's <c>TCP_CONGESTION</c> names in brackets).</summary>
public enum CongestionControlAlgorithm
{
    /// <summary>CUBIC (RFC 9438), the default, as on Linux ("cubic").</summary>
    Cubic,

    /// <summary>NewReno (RFC 5681 window growth, RFC 6582 recovery), Linux's "reno".</summary>
    NewReno,
}
