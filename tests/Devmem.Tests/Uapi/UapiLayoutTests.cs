using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Devmem.Uapi;

namespace Devmem.Tests.Uapi;

public class UapiLayoutTests
{
    [Fact]
    public void Constants_MatchUpstreamAndRfcV3Values()
    {
        Assert.Equal(0x2000000, (int)MessageFlags.SockDevmem);
        Assert.Equal(78, DevmemUapi.SoDevmemLinear);
        Assert.Equal(78, DevmemUapi.ScmDevmemLinear);
        Assert.Equal(79, DevmemUapi.SoDevmemDmabuf);
        Assert.Equal(79, DevmemUapi.ScmDevmemDmabuf);
        Assert.Equal(80, DevmemUapi.SoDevmemDontneed);
        Assert.Equal(1, DevmemUapi.SolSocket);
        Assert.Equal(98, DevmemUapi.RfcV3SoDevmemHeader);
        Assert.Equal(99, DevmemUapi.RfcV3SoDevmemOffset);
        Assert.Equal(97, DevmemUapi.RfcV3SoDevmemDontneed);
        Assert.Equal(525, (int)Errno.ETOOSMALL);
        Assert.Equal(1024, DevmemUapi.MaxDontneedOptionLength);
        Assert.Equal(1024, DevmemUapi.MaxDontneedFrags);
        Assert.Equal(0x4000000, (int)MessageFlags.Zerocopy);
        Assert.Equal(0x20, (int)MessageFlags.Truncate);
        Assert.Equal(0x2, (int)MessageFlags.Peek);
        Assert.Equal(0x40, (int)MessageFlags.DontWait);
    }

    [Fact]
    public void DmabufCmsg_Is24BytesWithUpstreamFieldOffsets()
    {
        Assert.Equal(24, Unsafe.SizeOf<DmabufCmsg>());
        Assert.Equal(24, Marshal.SizeOf<DmabufCmsg>());
        var value = new DmabufCmsg(0x1122334455667788, 0xAABBCCDD, 0x01020304, 0x0A0B0C0D, 0);
        byte[] bytes = new byte[24];
        MemoryMarshal.Write(bytes, in value);
        Assert.Equal(0x1122334455667788UL, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal(0xAABBCCDDu, BitConverter.ToUInt32(bytes, 8));
        Assert.Equal(0x01020304u, BitConverter.ToUInt32(bytes, 12));
        Assert.Equal(0x0A0B0C0Du, BitConverter.ToUInt32(bytes, 16));
        Assert.Equal(0u, BitConverter.ToUInt32(bytes, 20));
    }

    [Fact]
    public void DmabufToken_Is8BytesStartThenCount()
    {
        Assert.Equal(8, Unsafe.SizeOf<DmabufToken>());
        Assert.Equal(8, Marshal.SizeOf<DmabufToken>());
        var value = new DmabufToken(7, 3);
        byte[] bytes = new byte[8];
        MemoryMarshal.Write(bytes, in value);
        Assert.Equal(new byte[] { 7, 0, 0, 0, 3, 0, 0, 0 }, bytes);
        Assert.Equal(new DmabufToken(9, 1), DmabufToken.One(9));
    }

    [Fact]
    public void RfcV3CmsgDevmem_Is16BytesWithoutIdOrFlags()
    {
        Assert.Equal(16, Unsafe.SizeOf<RfcV3CmsgDevmem>());
        var value = new RfcV3CmsgDevmem(0x1000, 4096, 5);
        byte[] bytes = new byte[16];
        MemoryMarshal.Write(bytes, in value);
        Assert.Equal(0x1000UL, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal(4096u, BitConverter.ToUInt32(bytes, 8));
        Assert.Equal(5u, BitConverter.ToUInt32(bytes, 12));
    }

    [Theory]
    [InlineData(0, 0, 16, 16)]
    [InlineData(4, 8, 20, 24)]
    [InlineData(16, 16, 32, 32)]
    [InlineData(24, 24, 40, 40)]
    [InlineData(25, 32, 41, 48)]
    public void CmsgMacros_Follow64BitAlignment(int data, int aligned, int len, int space)
    {
        Assert.Equal(aligned, CmsgLayout.Align(data));
        Assert.Equal(len, CmsgLayout.Len(data));
        Assert.Equal(space, CmsgLayout.Space(data));
    }

    [Fact]
    public void DevmemException_CarriesErrnoNameTextAndAdvice()
    {
        var ex = new DevmemException(Errno.ETOOSMALL, "grow the control buffer to a multiple of 40 bytes");
        Assert.Equal(Errno.ETOOSMALL, ex.Errno);
        Assert.Contains("ETOOSMALL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("too small", ex.Message, StringComparison.Ordinal);
        Assert.Contains("multiple of 40", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThrowIfError_ThrowsNegatedErrnoAndPassesCounts()
    {
        Assert.Equal(12, DevmemException.ThrowIfError(12, "unused"));
        var ex = Assert.Throws<DevmemException>(() => DevmemException.ThrowIfError(-(int)Errno.EFAULT, "pass MSG_SOCK_DEVMEM"));
        Assert.Equal(Errno.EFAULT, ex.Errno);
    }

    [Fact]
    public void ErrnoName_FallsBackToNumberForUnknownValues()
    {
        Assert.Equal("EINVAL", Errno.EINVAL.Name());
        Assert.Equal("4242", ((Errno)4242).Name());
        Assert.Equal("Unknown error 4242", ((Errno)4242).Describe());
    }
}
