/* tests/win32/dll/high.c: a DLL whose preferred base is 0x90000000, above 2 GiB: only a
 * large-address-aware process under split=3G can have it there; any other relocates it. */
#include "pagoda/ntdll.h"

static int value = 0x41;
static int *const pointer = &value; /* relocated when the DLL moves */

__attribute__((dllexport)) int high_value(void) { return *pointer; }
__attribute__((dllexport)) void *high_where(void) { return (void *)&value; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
