/* tests/win32/dll/dep_b.c: a DLL that imports log.dll only; its DllMain logs every call to log.dll,
 * and prints its PROCESS_DETACH for the kernel test that sees the process end. */
#include "tests/win32/common/log.h"
#include "pagoda/ntdll.h"
#include "user/rt/rt.h"

__attribute__((dllexport)) int dep_b_value(void) { return 0xDB; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module;
    log_call("dep_b", reason, reserved);
    if (reason == DLL_PROCESS_DETACH)
        rt_print("dep_b: process detach %s\n", log_text());
    return 1;
}
