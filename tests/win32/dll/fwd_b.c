/* tests/win32/dll/fwd_b.c: the middle of fwd_a's chain: chained forwards on to fwd_c (fwd_b.def).
 */
#include "pagoda/ntdll.h"

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
