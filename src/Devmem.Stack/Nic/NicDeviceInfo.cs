namespace Devmem.Stack.Nic;

/// <summary>The device as netdev <c>dev-get</c> and <c>ethtool -g/-l</c> describe it.</summary>
/// <param name="Ifindex">The interface index.</param>
/// <param name="Name">The device name.</param>
/// <param name="RxQueues">RX queues now.</param>
/// <param name="MaxRxQueues">RX queues at most.</param>
/// <param name="TcpDataSplit">Whether header split is on.</param>
/// <param name="HdsThreshold">Frames no longer than this are not split.</param>
/// <param name="HdsThresholdMax">The largest threshold accepted.</param>
/// <param name="RxBufferLength">Bytes per receive buffer.</param>
public sealed record NicDeviceInfo(
    int Ifindex, string Name, int RxQueues, int MaxRxQueues, bool TcpDataSplit, int HdsThreshold, int HdsThresholdMax, int RxBufferLength);
