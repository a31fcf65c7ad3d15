using System.Globalization;
using Devmem.Cli.Transfer;
using Devmem.Memory;

namespace Devmem.Cli.Ncdevmem;

/// <summary>ncdevmem's server lines for each receive and fragment, word for word, so logs compare line by line.</summary>
internal sealed class NcdevmemTrace(TextWriter log) : IReceiveTrace
{
    public void Call(int bytes) => log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"recvmsg ret={bytes}"));

    public void Linear(uint size) => log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SCM_DEVMEM_LINEAR. dmabuf_cmsg->frag_size={size}"));

    public void Fragment(in DevmemFragment fragment, long deviceBytes) => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"received frag_page={fragment.Offset >> Page.Shift}, in_page_offset={fragment.Offset % Page.Size}, frag_offset={fragment.Offset}, frag_size={fragment.Size}, token={fragment.Token}, total_received={deviceBytes}, dmabuf_id={fragment.DmabufId}"));

    public void CallDone(long deviceBytes) => log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total_received={deviceBytes}"));
}
