/* user/ntdll/ntdll.c: ntdll.dll, the system DLL every PE process maps: where every thread starts
 * (LdrInitializeThunk: the process's initialization by the loader, or a thread's attach), how
 * threads and the process end (RtlExitUserThread, RtlExitUserProcess) and the console messages.
 * The service stubs are generated from kernel/ke/services.list; the loader is ldr/loader*.c. */
#include "kernel/rtl/format.h"
#include "user/ntdll/ntdllp.h"

extern char __ImageBase; /* the linker's: ntdll's own base */

RTL_CRITICAL_SECTION ntdll_loader_lock;
static uint32_t process_started; /* the first thread takes it */

/* The DLL's entry point: ntdll is never initialized like other DLLs (the kernel maps it before
 * anything runs), so it does nothing. */
int NTAPI NtdllEntry(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}

void ntdll_print(const char *text)
{
    WCHAR chars[256];
    uint16_t n = 0;
    while (text[n] && n < ARRAY_SIZE(chars))
        chars[n] = (uint8_t)text[n], n++;
    UNICODE_STRING s = {(uint16_t)(n * 2), (uint16_t)(n * 2), chars};
    NtDisplayString(&s);
}

void ntdll_report_failure(void)
{
    char text[256];
    ldr_format_failure(ldr_last_failure(), text, sizeof text);
    ntdll_print(text);
}

/* NT's LdrpInitializeProcess: a failure ends the process with its status, after the message
 * NT would show in a hard-error box. */
static void initialize_process(CONTEXT *context)
{
    PAGODA_PEB *peb = ntdll_current_peb();
    RtlInitializeCriticalSection(&ntdll_loader_lock);
    peb->LoaderLock = &ntdll_loader_lock;
    RtlEnterCriticalSection(&ntdll_loader_lock);
    NTSTATUS status = ldr_initialize_process(peb, &__ImageBase, context);
    if (!NT_SUCCESS(status)) {
        /* with the lock held: a thread a DllMain started waits for it and never attaches */
        ntdll_report_failure();
        NtTerminateProcess(NtCurrentProcess(), status);
    }
    RtlLeaveCriticalSection(&ntdll_loader_lock);
}

static void initialize_thread(void)
{
    RtlEnterCriticalSection(&ntdll_loader_lock);
    NTSTATUS status = ldr_initialize_thread();
    RtlLeaveCriticalSection(&ntdll_loader_lock);
    if (!NT_SUCCESS(status))
        NtTerminateThread(NtCurrentThread(), status);
}

/* Every thread starts here with the context it was created with on its stack (kernel/ps/thread.c);
 * the first one initializes the process, the others attach. Then the thread goes on where its
 * context says, every register as the context has it. */
void NTAPI LdrInitializeThunk(CONTEXT *context, void *ntdll_base, void *unused1, void *unused2)
{
    (void)ntdll_base, (void)unused1, (void)unused2;
    if (!__atomic_exchange_n(&process_started, 1, __ATOMIC_ACQ_REL))
        initialize_process(context);
    else
        initialize_thread();
    NtContinue(context, 0);
    RtlExitUserThread(STATUS_INVALID_PARAMETER); /* NtContinue returned: the context was bad */
}

NTSTATUS NTAPI LdrShutdownThread(void)
{
    RtlEnterCriticalSection(&ntdll_loader_lock);
    ldr_shutdown_thread();
    RtlLeaveCriticalSection(&ntdll_loader_lock);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI LdrShutdownProcess(void)
{
    RtlEnterCriticalSection(&ntdll_loader_lock);
    ldr_shutdown_process();
    RtlLeaveCriticalSection(&ntdll_loader_lock);
    return STATUS_SUCCESS;
}

/* ExitProcess's sequence: the loader lock first (no other thread is then inside the loader or a
 * DllMain when it is ended), every other thread ended, PROCESS_DETACH, then the process ends. */
void NTAPI RtlExitUserProcess(NTSTATUS status)
{
    RtlEnterCriticalSection(&ntdll_loader_lock);
    NtTerminateProcess(NULL, status);
    LdrShutdownProcess();
    for (;;)
        NtTerminateProcess(NtCurrentProcess(), status);
}

static bool last_thread(void)
{
    uint32_t last = 0;
    return NT_SUCCESS(NtQueryInformationThread(NtCurrentThread(), ThreadAmILastThread, &last,
                                               sizeof last, NULL)) &&
           last;
}

/* NT 6's order: the process's last thread ends the process (PROCESS_DETACH, not THREAD_DETACH);
 * any other runs THREAD_DETACH and ends alone. */
void NTAPI RtlExitUserThread(NTSTATUS status)
{
    if (process_started && last_thread())
        RtlExitUserProcess(status);
    if (process_started)
        LdrShutdownThread();
    for (;;)
        NtTerminateThread(NtCurrentThread(), status);
}

/* ---- strings ---- */

void NTAPI RtlInitUnicodeString(UNICODE_STRING *destination, const WCHAR *source)
{
    uint32_t n = 0;
    while (source && source[n] && n < 0x7FFE)
        n++;
    destination->Length = (uint16_t)(n * 2);
    destination->MaximumLength = source ? (uint16_t)(n * 2 + 2) : 0;
    destination->Buffer = (WCHAR *)source;
}

void NTAPI RtlInitAnsiString(ANSI_STRING *destination, const char *source)
{
    uint32_t n = 0;
    while (source && source[n] && n < 0xFFFE)
        n++;
    destination->Length = (uint16_t)n;
    destination->MaximumLength = source ? (uint16_t)(n + 1) : 0;
    destination->Buffer = (char *)source;
}
