/* tests/win32/dll/delayed.c: a DLL that tests/win32/delay.c imports through delay-load: it is
 * loaded at the first call of delayed_value, not with the process. */
#include "pagoda/ntdll.h"

int delayed_value(void) { return 0xDE1A; }
int delayed_other(void) { return 0xDE1B; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
