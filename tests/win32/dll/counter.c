/* tests/win32/dll/counter.c: a DLL that tests/win32/dllmain.c loads, unloads and loads again; its
 * DllMain logs every call to log.dll. */
#include "tests/win32/common/log.h"
#include "pagoda/ntdll.h"

__attribute__((dllexport)) int counter_value(void) { return 0xC0; }
__attribute__((dllexport)) int counter_ordinal_only(void) { return 0xC1; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module;
    log_call("counter", reason, reserved);
    return 1;
}
