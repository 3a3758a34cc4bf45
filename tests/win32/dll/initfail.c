/* tests/win32/dll/initfail.c: a DLL whose DllMain refuses PROCESS_ATTACH: its loaders must get
 * STATUS_DLL_INIT_FAILED (tests/win32/initfail.c statically, tests/win32/dllmain.c dynamically). */
#include "tests/win32/common/log.h"
#include "pagoda/ntdll.h"

__attribute__((dllexport)) int initfail_value(void) { return 0; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module;
    log_call("initfail", reason, reserved);
    return reason != DLL_PROCESS_ATTACH;
}
