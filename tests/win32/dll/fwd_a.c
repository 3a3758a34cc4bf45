/* tests/win32/dll/fwd_a.c: the start of two forwarder chains (fwd_a.def): chained goes to fwd_b,
 * which forwards it on to fwd_c's real_chained; by_ordinal goes to fwd_c's ordinal 2 (no name). */
#include "pagoda/ntdll.h"

__attribute__((dllexport)) int fwd_a_own(void) { return 0xA; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
