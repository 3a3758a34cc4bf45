/* tests/win32/dll/dep_a.c: a DLL that imports dep_b.dll and log.dll, so it initializes after both;
 * its DllMain logs every call to log.dll, and prints its PROCESS_DETACH for the kernel test that
 * sees the process end. */
#include "tests/win32/common/log.h"
#include "pagoda/ntdll.h"
#include "user/rt/rt.h"

__attribute__((dllimport)) int dep_b_value(void);

__attribute__((dllexport)) int dep_a_value(void) { return dep_b_value() + 1; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module;
    log_call("dep_a", reason, reserved);
    if (reason == DLL_PROCESS_DETACH)
        rt_print("dep_a: process detach %s\n", log_text());
    return 1;
}
