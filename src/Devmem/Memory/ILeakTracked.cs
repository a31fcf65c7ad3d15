using System.Text;

namespace Devmem.Memory;

/// <summary>Something a <see cref="MemoryLeakScope"/> checks: an area of chunks or a page pool.</summary>
internal interface ILeakTracked
{
    /// <summary>Appends one line per problem (chunks not back, accounting off); appends nothing when clean.</summary>
    void DescribeLeaks(StringBuilder report);
}
