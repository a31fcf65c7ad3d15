namespace Devmem.Kernel.DmaBufs;

/// <summary>
/// Makes a CUDA context current on the calling thread for the length of a <c>using</c> block
/// (<c>cuCtxPushCurrent</c> ... <c>cuCtxPopCurrent</c>): CUDA contexts are per thread, and .NET code may run
/// on any thread.
/// </summary>
internal readonly ref struct CudaContextScope
{
    private CudaContextScope(bool pushed) => Pushed = pushed;

    private bool Pushed { get; }

    public static CudaContextScope Enter(nint context)
    {
        int result = CudaDriver.CtxPushCurrent(context);
        return result == CudaDriver.Success
            ? new CudaContextScope(true)
            : throw CudaErrors.Failure(result, "cuCtxPushCurrent");
    }

    public unsafe void Dispose()
    {
        if (Pushed)
        {
            // Popping the context this scope pushed fails only with a broken driver, which the next call reports.
            nint popped;
            _ = CudaDriver.CtxPopCurrent(&popped);
        }
    }
}
