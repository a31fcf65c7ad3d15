namespace Devmem.Kernel.Tests.Support;

/// <summary>Skips tests that touch namespaces, devices or netdev bindings when the process is not root.</summary>
internal static class Privileges
{
    public static void RequireRoot(string what)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip($"{what} needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN to create and enter network namespaces); run the tests as root.");
        }
    }
}
