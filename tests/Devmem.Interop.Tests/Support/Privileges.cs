namespace Devmem.Interop.Tests.Support;

/// <summary>Skips a test that creates namespaces and devices when the process is not root, with the reason.</summary>
internal static class Privileges
{
    public static void RequireRoot(string what)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip($"{what} needs root (CAP_NET_ADMIN for TAP, AF_PACKET and veth devices, CAP_SYS_ADMIN to create and enter network namespaces); run the tests as root.");
        }
    }
}
