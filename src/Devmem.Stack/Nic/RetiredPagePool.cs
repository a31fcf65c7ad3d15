using Devmem.Memory;

namespace Devmem.Stack.Nic;

/// <summary>
/// A page pool a queue restart destroyed, kept for <c>page-pool-get</c> until its last chunk in flight comes
/// home, with what it served (the binding may be gone by then, so its id is kept here).
/// </summary>
internal readonly record struct RetiredPagePool(PagePool Pool, int Queue, uint? DmabufId);
