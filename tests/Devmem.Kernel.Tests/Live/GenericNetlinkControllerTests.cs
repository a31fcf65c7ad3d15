using Devmem.Kernel.GenericNetlink;
using Devmem.Kernel.Netdev;
using Devmem.Kernel.Netlink;
using Devmem.Uapi;

namespace Devmem.Kernel.Tests.Live;

/// <summary>The generic netlink controller of the running kernel.</summary>
public class GenericNetlinkControllerTests
{
    private const byte DevGet = 1;
    private const byte QstatsGet = 12;
    private const byte BindRx = 13;
    private const byte BindTx = 15;

    [Fact]
    public void NetdevFamily_ResolvesToADynamicIdWithItsOperations()
    {
        using GenericNetlinkClient client = GenericNetlinkClient.Open(NetdevClient.FamilyName);
        GenericNetlinkFamily family = client.Family;

        Assert.Equal("netdev", family.Name);
        Assert.True(family.Id > GenericNetlinkController.FamilyId, $"family id {family.Id} must be a dynamic one");
        Assert.Equal(1u, family.Version);
        Assert.Equal(0u, family.HeaderSize);
        Assert.True(family.Supports(DevGet, GenericNetlinkOperationFlags.Do | GenericNetlinkOperationFlags.Dump));
        Assert.True(family.Supports(QstatsGet, GenericNetlinkOperationFlags.Dump));
        Assert.False(family.Supports(QstatsGet, GenericNetlinkOperationFlags.Do));
        Assert.True(family.Supports(BindRx, GenericNetlinkOperationFlags.Do | GenericNetlinkOperationFlags.AdminPermission));
        Assert.True(family.Supports(BindTx, GenericNetlinkOperationFlags.Do));
        Assert.Contains(family.MulticastGroups, group => group.Name == "mgmt");
    }

    [Fact]
    public void Controller_ResolvesItselfAtItsFixedId()
    {
        using GenericNetlinkClient client = GenericNetlinkClient.Open("nlctrl");
        Assert.Equal(GenericNetlinkController.FamilyId, client.Family.Id);
    }

    [Fact]
    public void UnknownFamily_IsEnoentWithAdvice()
    {
        DevmemException error = Assert.Throws<DevmemException>(() => GenericNetlinkClient.Open("dmk-nofamily"));
        Assert.Equal(Errno.ENOENT, error.Errno);
        Assert.Contains("no generic netlink family \"dmk-nofamily\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FamilyNameOverGenlNamsiz_FailsTheControllersPolicy()
    {
        DevmemException error = Assert.Throws<DevmemException>(() => GenericNetlinkClient.Open("dmk-no-such-family"));
        Assert.Equal(Errno.EINVAL, error.Errno);
        Assert.Contains("the kernel says \"Attribute failed policy validation\"; it objected to attribute family-name", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 15 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AbandonedReplies_AreSkippedBySequenceNumber()
    {
        using GenericNetlinkClient client = GenericNetlinkClient.Open(NetdevClient.FamilyName);

        // Start a dump, read one reply, and walk away from the rest.
        client.BeginRequest(DevGet, dump: true);
        client.Socket.Send();
        Assert.True(client.Socket.TryReceiveReply(out _, out _));

        // The next request must see only its own answer.
        client.BeginRequest(DevGet).PutU32(1, 1);
        int ifindex = client.Do(
            attributes =>
            {
                while (attributes.TryRead(out NetlinkAttribute attribute))
                {
                    if (attribute.Type == 1)
                    {
                        return (int)attribute.GetU32();
                    }
                }

                return 0;
            },
            new NetlinkErrorContext("dev-get", _ => string.Empty));
        Assert.Equal(1, ifindex);
    }
}
