/* user/ntdll/ntdll.c: ntdll.dll, the system DLL every PE process maps: the native system-service
 * stubs (generated from kernel/ke/services.list), LdrInitializeThunk, where every thread of a PE
 * process starts, and the smallest runtime they need. The user-mode loader will grow here. */
#include "pagoda/nt.h"

/* The DLL's entry point: ntdll is never "loaded" (the kernel maps it), so it does nothing. */
int __attribute__((stdcall)) NtdllEntry(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}

void __attribute__((stdcall, noreturn)) RtlExitUserThread(NTSTATUS status)
{
    for (;;)
        NtTerminateThread(NtCurrentThread(), status);
}

/* Every thread starts here with the context it was created with (kernel/ps/thread.c); the
 * loader's per-process and per-thread work will run first. Then the thread goes on where its
 * context says, with every register as the context has it. */
void __attribute__((stdcall, noreturn))
LdrInitializeThunk(CONTEXT *context, void *ntdll_base, void *unused)
{
    (void)ntdll_base, (void)unused;
    NtContinue(context, 0);
    RtlExitUserThread(STATUS_INVALID_PARAMETER); /* NtContinue returned: the context was bad */
}
