using Devmem.Cli.Validation;

namespace Devmem.Cli.Transfer;

/// <summary>What a <see cref="DevmemStreamConsumer"/> does with the bytes it receives.</summary>
internal sealed record ConsumerOptions
{
    /// <summary>Checks every byte against ncdevmem's pattern (<c>-v N</c>); null: no check.</summary>
    public NcdevmemValidator? Validator { get; init; }

    /// <summary>
    /// Count fragments and return their tokens without reading the payload (<c>--sink</c>): device memory
    /// is then never copied, which is what a GPU consumer of the bytes would see.
    /// </summary>
    public bool Sink { get; init; }

    /// <summary>Fail on any linear record (ncdevmem's <c>-L</c>): the NIC must have split every payload.</summary>
    public bool FailOnLinear { get; init; }

    /// <summary>Where the stream's bytes go, in order (ncdevmem without <c>-v</c> prints them); null: nowhere.</summary>
    public Stream? Output { get; init; }

    /// <summary>Told of every call and fragment; null: nobody.</summary>
    public IReceiveTrace? Trace { get; init; }
}
