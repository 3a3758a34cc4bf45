/* tests/win32/dll/fwd_c.c: the end of the forwarder chains: real_chained by name, real_ordinal at
 * ordinal 2 without a name (fwd_c.def). */
#include "pagoda/ntdll.h"

int real_chained(void) { return 0xC1; }
int real_ordinal(void) { return 0xC2; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
