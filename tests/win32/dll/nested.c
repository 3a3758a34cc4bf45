/* tests/win32/dll/nested.c: a DLL whose DllMain uses the loader: PROCESS_ATTACH loads counter.dll,
 * PROCESS_DETACH unloads it (tests/win32/dllmain.c): the loader lock is recursive, and an unload
 * inside an unload's DllMain is done before the outer one returns. */
#include "tests/win32/common/log.h"
#include "tests/win32/common/win32.h"

static void *counter;

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module;
    log_call("nested", reason, reserved);
    if (reason == DLL_PROCESS_ATTACH)
        return NT_SUCCESS(load_dll(NULL, "counter.dll", &counter));
    if (reason == DLL_PROCESS_DETACH)
        LdrUnloadDll(counter);
    return 1;
}
