namespace Devmem.Memory;

/// <summary>Chunks of device or host memory were not returned: <see cref="MemoryLeakScope.AssertNoLeaks"/> failed.</summary>
public sealed class MemoryLeakException : Exception
{
    public MemoryLeakException()
    {
    }

    public MemoryLeakException(string message)
        : base(message)
    {
    }

    public MemoryLeakException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
