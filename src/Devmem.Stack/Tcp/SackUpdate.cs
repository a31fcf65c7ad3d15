namespace Devmem.Stack.Tcp;

/// <summary>What one ACK's SACK option told the <see cref="SackScoreboard"/>.</summary>
/// <param name="NewlySackedBytes">Bytes SACKed for the first time: what makes the ACK a duplicate ACK under RFC 6675 §2.</param>
/// <param name="DuplicateReported">The first block was a D-SACK (RFC 2883 §4): the peer received something twice.</param>
/// <param name="RejectedBlocks">Blocks ignored: beyond what was sent, inverted, or no room left on the scoreboard.</param>
public readonly record struct SackUpdate(int NewlySackedBytes, bool DuplicateReported, int RejectedBlocks);
