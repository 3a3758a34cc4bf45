/* tests/win32/dll/corpus_kernel32.c: the kernel32.dll of the malformed-PE corpus (\Tests\PE): the
 * corpus DLLs (tests/pe/base.inc) import GetTickCount by name and by ordinal 12, and forward to it.
 */
#include "pagoda/ntdll.h"

uint32_t GetTickCount(void) { return NtGetTickCount(); } /* no arguments: either convention */

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
