namespace Devmem.Stack.Link.Interop;

/// <summary>
/// One reference on a <see cref="DescriptorHandle"/> held for as long as a raw descriptor number is used
/// outside a marshalled call (in a <c>struct pollfd</c>), so that a concurrent dispose cannot close the number
/// and let another open reuse it underneath.
/// </summary>
internal sealed class SafeHandleReference : IDisposable
{
    private readonly DescriptorHandle _handle;
    private bool _released;

    public SafeHandleReference(DescriptorHandle handle)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
        Number = handle.Number;
    }

    /// <summary>The descriptor number, valid until this reference is disposed.</summary>
    public int Number { get; }

    public void Dispose()
    {
        if (!_released)
        {
            _released = true;
            _handle.DangerousRelease();
        }
    }
}
