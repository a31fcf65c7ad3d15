using System.Globalization;

namespace Devmem.Cli.Validation;

/// <summary>
/// ncdevmem's <c>-v N</c> check of received bytes (DEVMEM.md section 10): a running counter <c>seed</c>
/// starts at 1 and carries over from one call to the next, so a stream can be checked in whatever pieces
/// it arrives; the expected byte is <c>seed</c>, or <c>'\n'</c> when it is 0; after each byte <c>seed</c>
/// goes up by one and back to 0 when it reaches N. More than 20 mismatches in total fail the run.
/// </summary>
/// <remarks>
/// <c>seed</c> is a byte, as ncdevmem's <c>unsigned char</c> is: for N above 255 it wraps to 0 by itself and
/// the reset never fires, and for N = 1 it counts through 255 before wrapping, after which every byte is a
/// newline. Reproducing that keeps a stream produced for ncdevmem valid here and the other way round.
/// </remarks>
internal sealed class NcdevmemValidator
{
    /// <summary>Mismatches tolerated in total; one more fails the run.</summary>
    public const int MaxErrors = 20;

    private readonly long _period;
    private readonly TextWriter _errors;
    private byte _seed = 1;

    /// <param name="period">ncdevmem's N (<c>-v N</c>), at least 1.</param>
    /// <param name="errors">Where each mismatch is reported, in ncdevmem's words (its stderr).</param>
    public NcdevmemValidator(long period, TextWriter errors)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        ArgumentNullException.ThrowIfNull(errors);
        _period = period;
        _errors = errors;
    }

    /// <summary>Mismatches seen so far.</summary>
    public int Errors { get; private set; }

    /// <summary>Whether more than <see cref="MaxErrors"/> mismatches were seen.</summary>
    public bool Failed => Errors > MaxErrors;

    /// <summary>Bytes checked so far.</summary>
    public long Validated { get; private set; }

    /// <summary>
    /// Checks the next <paramref name="buffer"/> of the stream; false once the run has failed (ncdevmem's
    /// <c>validate_buffer</c> returning -1), after which the caller reports <c>validation failed</c> and stops.
    /// </summary>
    public bool Validate(ReadOnlySpan<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            byte expected = _seed != 0 ? _seed : (byte)'\n';
            if (buffer[i] != expected)
            {
                _errors.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Failed validation: expected={expected}, actual={buffer[i]}, index={i}"));
                if (++Errors > MaxErrors)
                {
                    Validated += i + 1;
                    return false;
                }
            }

            _seed++;
            if (_seed == _period)
            {
                _seed = 0;
            }
        }

        Validated += buffer.Length;
        return true;
    }
}
