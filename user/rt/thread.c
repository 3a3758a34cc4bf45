/* user/rt/thread.c: threads. NtCreateThread gets a CONTEXT that starts the new thread at ntdll's
 * RtlUserThreadStart with the routine in EAX and its argument in EBX (NT's convention), and an
 * all-zero INITIAL_TEB, which asks the kernel for a default stack. The kernel starts every thread
 * of the process in ntdll's LdrInitializeThunk first (TLS, DllMain(THREAD_ATTACH)), which then
 * continues with this context; the routine's return value goes to RtlExitUserThread
 * (DllMain(THREAD_DETACH), then the thread ends with it). */
#include "user/rt/rt.h"

/* NT's user-mode selectors (docs/decisions.md): KGDT_R3_CODE, KGDT_R3_DATA, KGDT_R3_TEB, RPL 3. */
#define RT_USER_CS         0x1B
#define RT_USER_DS         0x23
#define RT_USER_TEB        0x3B
#define RT_EFLAGS_IF       0x200
#define RT_EFLAGS_RESERVED 0x2

void rt_init_thread_context(CONTEXT *context, rt_thread_routine routine, void *arg)
{
    memset(context, 0, sizeof *context);
    context->ContextFlags = CONTEXT_FULL;
    context->SegCs = RT_USER_CS;
    context->SegDs = context->SegEs = context->SegSs = RT_USER_DS;
    context->SegFs = RT_USER_TEB;
    context->EFlags = RT_EFLAGS_IF | RT_EFLAGS_RESERVED;
    context->Eip = (uint32_t)(uintptr_t)RtlUserThreadStart;
    context->Eax = (uint32_t)(uintptr_t)routine;
    context->Ebx = (uint32_t)(uintptr_t)arg;
}

NTSTATUS rt_create_thread_ex(rt_thread_routine routine, void *arg, BOOLEAN suspended, HANDLE *out,
                             CLIENT_ID *client_id)
{
    CONTEXT context;
    INITIAL_TEB teb;
    rt_init_thread_context(&context, routine, arg);
    memset(&teb, 0, sizeof teb);
    return NtCreateThread(out, THREAD_ALL_ACCESS, NULL, NtCurrentProcess(), client_id, &context,
                          &teb, suspended);
}

NTSTATUS rt_create_thread(rt_thread_routine routine, void *arg, HANDLE *out)
{
    return rt_create_thread_ex(routine, arg, 0, out, NULL);
}
