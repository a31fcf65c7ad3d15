namespace Devmem.Stack.Tcp;

/// <summary>
/// A TCP sequence number (RFC 9293 §3.4): a 32-bit value compared modulo 2^32. <c>a &lt; b</c> means b lies
/// less than 2^31 ahead of a, RFC 1982's serial-number arithmetic with SERIAL_BITS = 32; the distance
/// between two numbers is a signed 32-bit difference. The order is not transitive across more than half the
/// space, which is why this type offers operators and no <see cref="IComparable{T}"/>: sorting sequence
/// numbers only makes sense within one window.
/// </summary>
/// <param name="Value">The number as it is on the wire.</param>
public readonly record struct SeqNumber(uint Value)
{
    /// <summary>The number <paramref name="count"/> octets further (wrapping).</summary>
    public static SeqNumber operator +(SeqNumber seq, int count) => new(unchecked(seq.Value + (uint)count));

    /// <summary>The number <paramref name="count"/> octets back (wrapping).</summary>
    public static SeqNumber operator -(SeqNumber seq, int count) => new(unchecked(seq.Value - (uint)count));

    /// <summary>The signed distance from <paramref name="right"/> to <paramref name="left"/>.</summary>
    public static int operator -(SeqNumber left, SeqNumber right) => unchecked((int)(left.Value - right.Value));

    /// <summary>Whether <paramref name="left"/> comes before <paramref name="right"/>.</summary>
    public static bool operator <(SeqNumber left, SeqNumber right) => left - right < 0;

    /// <summary>Whether <paramref name="left"/> comes after <paramref name="right"/>.</summary>
    public static bool operator >(SeqNumber left, SeqNumber right) => left - right > 0;

    /// <summary>Whether <paramref name="left"/> is <paramref name="right"/> or before it.</summary>
    public static bool operator <=(SeqNumber left, SeqNumber right) => left - right <= 0;

    /// <summary>Whether <paramref name="left"/> is <paramref name="right"/> or after it.</summary>
    public static bool operator >=(SeqNumber left, SeqNumber right) => left - right >= 0;

    /// <summary>The later of two numbers.</summary>
    public static SeqNumber Max(SeqNumber left, SeqNumber right) => left > right ? left : right;

    /// <summary>The earlier of two numbers.</summary>
    public static SeqNumber Min(SeqNumber left, SeqNumber right) => left < right ? left : right;

    /// <summary>Named form of <c>+</c>.</summary>
    public SeqNumber Add(int count) => this + count;

    /// <summary>Named form of the distance operator.</summary>
    public int Subtract(SeqNumber other) => this - other;

    /// <summary>
    /// Whether this number lies in [<paramref name="start"/>, <paramref name="end"/>): at or after start and
    /// before end, the half-open ranges RFC 9293 §3.4 writes as <c>start =&lt; x &lt; end</c>.
    /// </summary>
    public bool IsInRange(SeqNumber start, SeqNumber end) => this >= start && this < end;

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
