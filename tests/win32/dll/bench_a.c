/* tests/win32/dll/bench_a.c: one of the three DLLs of the process-creation benchmark
 * (tests/win32/bench3.c), at its own base: mapped, bound and initialized at every launch. */
#include "pagoda/ntdll.h"

static int calls;

__attribute__((dllexport)) int bench_a(void) { return ++calls; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reserved;
    calls += reason == DLL_PROCESS_ATTACH;
    return 1;
}
