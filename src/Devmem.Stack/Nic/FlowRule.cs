namespace Devmem.Stack.Nic;

/// <summary>An installed <c>ethtool -N</c> rule: its location (the rule id), its match and its <c>action</c> queue.</summary>
/// <param name="Location">The rule's slot (<c>loc</c>), which is also its id; lower locations are matched first.</param>
/// <param name="Match">The flow it steers.</param>
/// <param name="Queue">The RX queue it steers to (<c>action</c>).</param>
public sealed record FlowRule(int Location, FlowMatch Match, int Queue)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Match} action {Queue} loc {Location}";
}
