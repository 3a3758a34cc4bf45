/* tests/win32/dll/tlsdll.c: a DLL with implicit TLS and a TLS callback, imported by
 * tests/win32/tls.c (static TLS: its slot and block exist before any code of the process runs). The
 * callback logs "tlsdll.cb:R" and DllMain "tlsdll:R" (tests/win32/common/log.h). */
#include "tests/win32/common/log.h"
#include "tests/win32/common/tls.h"
#include "pagoda/ntdll.h"

TLS_VARIABLE static uint32_t value = 0x7777;

static void NTAPI callback(void *module, uint32_t reason, void *reserved)
{
    (void)module;
    log_call("tlsdll.cb", reason, reserved);
}
TLS_CALLBACK(callback);

__attribute__((dllexport)) uint32_t *tlsdll_variable(void) { return tls_address(&value); }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module;
    log_call("tlsdll", reason, reserved);
    return 1;
}
