/* tests/win32/dll/tlsdyn.c: a DLL with implicit TLS and a TLS callback, which tests/win32/tls.c
 * loads with LdrLoadDll (TLS for a DLL loaded later: NT 6 gives it, NT 5 did not). The callback
 * logs "tlsdyn.cb:R" and DllMain "tlsdyn:R" (tests/win32/common/log.h). */
#include "tests/win32/common/log.h"
#include "tests/win32/common/tls.h"
#include "pagoda/ntdll.h"

TLS_VARIABLE static uint32_t value = 0x8888;

static void NTAPI callback(void *module, uint32_t reason, void *reserved)
{
    (void)module;
    log_call("tlsdyn.cb", reason, reserved);
}
TLS_CALLBACK(callback);

__attribute__((dllexport)) uint32_t *tlsdyn_variable(void) { return tls_address(&value); }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module;
    log_call("tlsdyn", reason, reserved);
    return 1;
}
