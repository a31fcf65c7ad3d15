namespace Devmem.Kernel.DmaBufs;

/// <summary>
/// Makes a CUDA context current on the calling thread for the length of a <c>using</c> block
/// (<c>cuCtxPushCurrent</c> ... <c>cuCtxPopCurrent</c>): CUDA contexts are per thread, and .NET code may run
/// on any thread. A thread with no context at all gets this one bound for good (<c>cuCtxSetCurrent</c>), as the
/// CUDA runtime binds the primary context to any thread that calls it; from then on, as on a thread whose
/// current context already is this one, nothing is pushed: the NIC writes once per buffer on the engine's
/// thread, and a push and a pop around each write would triple the driver calls of the data path. A thread
/// that holds another context gets ours pushed and popped, so its own stays as it was.
/// </summary>
internal readonly ref struct CudaContextScope
{
    private CudaContextScope(bool pushed) => Pushed = pushed;

    private bool Pushed { get; }

    public static unsafe CudaContextScope Enter(nint context)
    {
        nint current;
        if (CudaDriver.CtxGetCurrent(&current) == CudaDriver.Success &&
            (current == context || (current == 0 && CudaDriver.CtxSetCurrent(context) == CudaDriver.Success)))
        {
            return new CudaContextScope(false);
        }

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
