/* tests/win32/dll/fixed.c: a DLL without relocations (user/pe.mk drops them) at dep_b.dll's base,
 * 0x11200000: when its base is taken it cannot load (STATUS_CONFLICTING_ADDRESSES). */
#include "pagoda/ntdll.h"

__attribute__((dllexport)) int fixed_value(void) { return 0xF1; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
