namespace Devmem;

/// <summary>What one receive delivered.</summary>
/// <param name="Bytes">Stream bytes consumed: linear bytes plus fragment bytes; 0 at end of stream.</param>
/// <param name="LinearBytes">Bytes copied into the caller's ordinary buffer.</param>
/// <param name="FragmentCount">Records written to the caller's fragment span: device fragments and linear records.</param>
/// <param name="Kind">
/// Whether the bytes came from device memory (the flow was steered to a bound queue) or are ordinary readable
/// data; one receive never mixes the two.
/// </param>
public readonly record struct DevmemReceiveResult(int Bytes, int LinearBytes, int FragmentCount, DevmemDataKind Kind)
{
    /// <summary>True when the peer closed its side and everything before was read.</summary>
    public bool IsEndOfStream => Bytes == 0;
}
