/* tests/win32/dll/samebase_a.c: one of two DLLs with the same preferred base (0x10000000,
 * user/pe.mk): the first to load gets it. Also exports `hidden` by ordinal only (samebase_a.def).
 */
#include "pagoda/ntdll.h"

static int value_a = 0xA1;
int *pointer_a = &value_a; /* an absolute address: fixed up if the DLL moves */

int samebase_a_value(void) { return *pointer_a; }

int hidden(int x) { return x * 3; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
