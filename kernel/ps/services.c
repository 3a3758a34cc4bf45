/* kernel/ps/services.c: the system services for threads, processes, waits and time: NtCreateThread,
 * NtTerminate*, NtQueryInformation* (basic; and quota limits and VM counters of processes),
 * NtWaitFor*, NtDelayExecution, NtYieldExecution, NtDisplayString, NtQuerySystemTime,
 * NtGetTickCount, NtTestAlert. Every pointer argument is a user pointer. */
#include "kernel/ps/services.h"
#include "kernel/ke/arch.h"
#include "kernel/hal/console.h"
#include "kernel/ke/ke.h"
#include "kernel/ob/ob.h"
#include "kernel/ke/probe.h"
#include "kernel/ke/sched.h"
#include "kernel/rtl/string.h"
#include "kernel/ex/sync.h"
#include "kernel/ps/thread.h"

#define DISPLAY_MAX_CHARS 1024
/* The services' buffers too big for a 12 KiB kernel stack come from the pool, one per call: a
 * copy from user mode may wait, and another thread's call may run meanwhile. */
#define BUFFER_TAG MM_TAG('P', 's', 'B', 'f')

static struct ps_process *current_process(void) { return ps_current_process(); }

/* Copies an optional timeout (LARGE_INTEGER, 4-byte aligned as NT probes it). */
static NTSTATUS capture_timeout(const int64_t *user_timeout, int64_t *timeout, const int64_t **use)
{
    *use = NULL;
    if (!user_timeout)
        return STATUS_SUCCESS;
    NTSTATUS status = ke_copy_from_user(timeout, user_timeout, sizeof *timeout, 1);
    if (NT_SUCCESS(status))
        *use = timeout;
    return status;
}

static NTSTATUS reference_waitable(HANDLE handle, void **object)
{
    NTSTATUS status =
        ob_reference_object_by_handle(current_process(), handle, SYNCHRONIZE, NULL, object, NULL);
    if (NT_SUCCESS(status) && !ex_is_waitable_type(ob_object_type(*object))) {
        ob_dereference_object(*object);
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    return status;
}

NTSTATUS NtWaitForSingleObject(HANDLE handle, uint32_t alertable, const int64_t *user_timeout)
{
    (void)alertable; /* no APCs yet: an alertable wait is an ordinary one */
    int64_t timeout;
    const int64_t *use;
    void *object;
    NTSTATUS status = capture_timeout(user_timeout, &timeout, &use);
    if (NT_SUCCESS(status))
        status = reference_waitable(handle, &object);
    if (!NT_SUCCESS(status))
        return status;
    status = ke_wait_for_objects_user(1, &object, WaitAny, use);
    ob_dereference_object(object);
    return status;
}

static bool has_duplicates(void *const objects[], uint32_t count)
{
    for (uint32_t i = 0; i < count; i++)
        for (uint32_t j = 0; j < i; j++)
            if (objects[i] == objects[j])
                return true;
    return false;
}

NTSTATUS NtWaitForMultipleObjects(uint32_t count, const HANDLE *user_handles, uint32_t wait_type,
                                  uint32_t alertable, const int64_t *user_timeout)
{
    (void)alertable;
    HANDLE handles[MAXIMUM_WAIT_OBJECTS];
    void *objects[MAXIMUM_WAIT_OBJECTS];
    int64_t timeout;
    const int64_t *use;
    if (count == 0 || count > MAXIMUM_WAIT_OBJECTS)
        return STATUS_INVALID_PARAMETER_1;
    if (wait_type != WaitAll && wait_type != WaitAny)
        return STATUS_INVALID_PARAMETER_3;
    NTSTATUS status =
        ke_copy_from_user(handles, user_handles, count * sizeof(HANDLE), sizeof(HANDLE));
    if (NT_SUCCESS(status))
        status = capture_timeout(user_timeout, &timeout, &use);
    uint32_t referenced = 0;
    for (; NT_SUCCESS(status) && referenced < count; referenced++)
        status = reference_waitable(handles[referenced], &objects[referenced]);
    if (!NT_SUCCESS(status) && referenced)
        referenced--; /* the failed one holds no reference */
    if (NT_SUCCESS(status) && wait_type == WaitAll && has_duplicates(objects, count))
        status = STATUS_INVALID_PARAMETER_MIX;
    if (NT_SUCCESS(status))
        status = ke_wait_for_objects_user(count, objects, (WAIT_TYPE)wait_type, use);
    for (uint32_t i = 0; i < referenced; i++)
        ob_dereference_object(objects[i]);
    return status;
}

NTSTATUS NtSignalAndWaitForSingleObject(HANDLE signal_handle, HANDLE wait_handle,
                                        uint32_t alertable, const int64_t *user_timeout)
{
    (void)alertable;
    int64_t timeout;
    const int64_t *use;
    void *signal_object, *wait_object;
    NTSTATUS status = capture_timeout(user_timeout, &timeout, &use);
    if (!NT_SUCCESS(status))
        return status;
    ACCESS_MASK granted;
    status = ob_reference_object_by_handle(current_process(), signal_handle, 0, NULL,
                                           &signal_object, &granted);
    if (!NT_SUCCESS(status))
        return status;
    status = reference_waitable(wait_handle, &wait_object);
    if (NT_SUCCESS(status)) {
        /* The kernel is not preempted between the two halves, so no one runs in between. */
        status = ex_signal_by_type(signal_object, granted);
        if (NT_SUCCESS(status))
            status = ke_wait_for_objects_user(1, &wait_object, WaitAny, use);
        ob_dereference_object(wait_object);
    }
    ob_dereference_object(signal_object);
    return status;
}

NTSTATUS NtDelayExecution(uint32_t alertable, const int64_t *user_interval)
{
    (void)alertable;
    int64_t interval;
    /* NtDelayExecution probes its interval as a ULONG-aligned structure, unlike the waits. */
    NTSTATUS status =
        ke_copy_from_user(&interval, user_interval, sizeof interval, sizeof(uint32_t));
    if (!NT_SUCCESS(status))
        return status;
    return ke_delay_execution(interval, KE_WAIT_USER);
}

NTSTATUS NtYieldExecution(void) { return ke_yield() ? STATUS_SUCCESS : STATUS_NO_YIELD_PERFORMED; }

NTSTATUS NtTestAlert(void) { return STATUS_SUCCESS; } /* no user APCs are ever queued yet */

uint32_t NtGetTickCount(void) { return (uint32_t)(ke_get_tick_count() * 1000 / ke_get_timer_hz()); }

NTSTATUS NtQuerySystemTime(int64_t *user_time)
{
    int64_t now = ke_query_system_time();
    return ke_copy_to_user(user_time, &now, sizeof now, sizeof(uint32_t));
}

/* Writes text to the console, and to the process's capture when a test asked for one. */
static void display(const char *text, size_t n)
{
    hal_console_write(text, n, VGA_GREY);
    struct ps_console_capture *capture = current_process()->console;
    for (size_t i = 0; capture && i < n && capture->length + 1 < capture->size; i++) {
        capture->text[capture->length++] = text[i];
        capture->text[capture->length] = 0;
    }
}

struct display_buffer {
    WCHAR chars[DISPLAY_MAX_CHARS];
    char text[DISPLAY_MAX_CHARS];
};

NTSTATUS NtDisplayString(const UNICODE_STRING *user_string)
{
    UNICODE_STRING s;
    NTSTATUS status = ke_copy_from_user(&s, user_string, sizeof s, sizeof(uint32_t));
    if (!NT_SUCCESS(status))
        return status;
    if ((s.Length & 1) || s.Length > s.MaximumLength)
        return STATUS_INVALID_PARAMETER;
    struct display_buffer *b = mm_pool_alloc(sizeof *b, BUFFER_TAG);
    if (!b)
        return STATUS_INSUFFICIENT_RESOURCES;
    size_t n = MIN((size_t)s.Length / 2, (size_t)DISPLAY_MAX_CHARS);
    status = ke_copy_from_user(b->chars, s.Buffer, n * sizeof(WCHAR), sizeof(WCHAR));
    for (size_t i = 0; NT_SUCCESS(status) && i < n; i++) {
        WCHAR c = b->chars[i];
        b->text[i] = c < 0x80 && (c >= 0x20 || c == '\n' || c == '\t') ? (char)c : '?';
    }
    if (NT_SUCCESS(status))
        display(b->text, n);
    mm_pool_free(b, BUFFER_TAG);
    return status;
}

/* ---- threads ---- */

static NTSTATUS start_from_context(const CONTEXT *ctx, const INITIAL_TEB *teb,
                                   struct ps_thread_start *s)
{
    *s = (struct ps_thread_start){.eip = ctx->Eip,
                                  .esp = ctx->Esp,
                                  .eax = ctx->Eax,
                                  .ebx = ctx->Ebx,
                                  .ecx = ctx->Ecx,
                                  .edx = ctx->Edx,
                                  .esi = ctx->Esi,
                                  .edi = ctx->Edi,
                                  .ebp = ctx->Ebp};
    static const INITIAL_TEB none;
    if (!memcmp(teb, &none, sizeof none))
        return STATUS_SUCCESS; /* Pagoda: the kernel allocates a default stack */
    vaddr_t base = (vaddr_t)(uintptr_t)teb->StackBase, limit = (vaddr_t)(uintptr_t)teb->StackLimit;
    if (limit >= base || base > mm_split.user_probe_address || limit < MM_LOWEST_USER_ADDRESS ||
        ctx->Esp > base || ctx->Esp < limit)
        return STATUS_INVALID_PARAMETER;
    s->use_given_stack = true;
    s->stack_base = base;
    s->stack_limit = limit;
    return STATUS_SUCCESS;
}

/* What NtCreateThread is given, read into start: the CONTEXT (716 bytes: from the pool), the
 * INITIAL_TEB, and the object attributes, which are checked though threads have no names. */
static NTSTATUS capture_thread_start(const OBJECT_ATTRIBUTES *attributes,
                                     const CONTEXT *user_context,
                                     const INITIAL_TEB *user_initial_teb,
                                     struct ps_thread_start *start)
{
    INITIAL_TEB initial_teb;
    struct ke_captured_name name;
    uint32_t attribute_bits;
    CONTEXT *ctx = mm_pool_alloc(sizeof *ctx, BUFFER_TAG);
    if (!ctx)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = ke_copy_from_user(ctx, user_context, sizeof *ctx, sizeof(uint32_t));
    /* A NULL INITIAL_TEB is read like any pointer, and faults (NT's behaviour). */
    if (NT_SUCCESS(status))
        status =
            ke_copy_from_user(&initial_teb, user_initial_teb, sizeof initial_teb, sizeof(uint32_t));
    if (NT_SUCCESS(status) && attributes) {
        status = ke_capture_object_attributes(attributes, &name, &attribute_bits);
        if (NT_SUCCESS(status))
            ke_release_captured_name(&name);
    }
    if (NT_SUCCESS(status))
        status = start_from_context(ctx, &initial_teb, start);
    mm_pool_free(ctx, BUFFER_TAG);
    return status;
}

/* The thread is made suspended and runs only once its handle exists, as NT inserts a thread before
 * it readies it: a thread that ran first could make handles to itself before its insertion. */
NTSTATUS NtCreateThread(HANDLE *user_handle, ACCESS_MASK access,
                        const OBJECT_ATTRIBUTES *attributes, HANDLE process_handle,
                        CLIENT_ID *user_client_id, const CONTEXT *user_context,
                        const INITIAL_TEB *user_initial_teb, uint32_t create_suspended)
{
    struct ps_thread_start start;
    struct ps_process *process;
    struct ps_thread *thread;
    uint32_t previous;
    if (!user_context)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = ke_probe_user_write(user_handle, sizeof(HANDLE), 1);
    if (NT_SUCCESS(status) && user_client_id)
        status = ke_probe_user_write(user_client_id, sizeof(CLIENT_ID), sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = capture_thread_start(attributes, user_context, user_initial_teb, &start);
    if (!NT_SUCCESS(status))
        return status;
    start.suspended = true;
    status = ob_reference_object_by_handle(current_process(), process_handle, PROCESS_CREATE_THREAD,
                                           &ps_process_type, (void **)&process, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = ps_create_thread(process, &start, &thread);
    ob_dereference_object(process);
    if (!NT_SUCCESS(status))
        return status;
    CLIENT_ID cid = {(HANDLE)(uintptr_t)thread->process->unique_id,
                     (HANDLE)(uintptr_t)thread->unique_id};
    ob_reference_object(thread); /* ours: the insertion consumes the creation's */
    status = ob_insert_object(thread, access, 0, user_handle, NULL);
    if (NT_SUCCESS(status))
        status = ke_copy_to_user_optional(user_client_id, &cid, sizeof cid, sizeof(uint32_t));
    if (NT_SUCCESS(status) && !(uint8_t)create_suspended)
        ps_resume_thread(thread, &previous);
    if (!NT_SUCCESS(status))
        ps_terminate_thread(thread, status);
    ob_dereference_object(thread);
    return status;
}

NTSTATUS NtResumeThread(HANDLE handle, uint32_t *user_previous)
{
    struct ps_thread *t;
    uint32_t previous;
    NTSTATUS status = user_previous ? ke_probe_user_write(user_previous, 4, 1) : STATUS_SUCCESS;
    if (NT_SUCCESS(status))
        status = ob_reference_object_by_handle(current_process(), handle, THREAD_SUSPEND_RESUME,
                                               &ps_thread_type, (void **)&t, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = ps_resume_thread(t, &previous);
    ob_dereference_object(t);
    return ke_copy_to_user_optional(user_previous, &previous, sizeof previous, 1);
}

NTSTATUS NtTerminateThread(HANDLE handle, NTSTATUS exit_status)
{
    struct ps_thread *t;
    if (!handle) {
        /* NT's rule: NULL names the caller, but not when it is its process's last thread, which
         * must end the process instead (RtlExitUserThread asks ThreadAmILastThread first). */
        if (current_process()->thread_count == 1)
            return STATUS_CANT_TERMINATE_SELF;
        handle = NtCurrentThread();
    }
    NTSTATUS status = ob_reference_object_by_handle(current_process(), handle, THREAD_TERMINATE,
                                                    &ps_thread_type, (void **)&t, NULL);
    if (!NT_SUCCESS(status))
        return status;
    bool self = t == ps_current_thread();
    if (!self && t->tcb.state == KE_THREAD_TERMINATED)
        status = STATUS_THREAD_IS_TERMINATING;
    else if (!self)
        ps_terminate_thread(t, exit_status);
    ob_dereference_object(t);
    if (self)
        ps_exit_current_thread(exit_status);
    return status;
}

NTSTATUS NtTerminateProcess(HANDLE handle, NTSTATUS exit_status)
{
    struct ps_process *p;
    if (!handle) {
        /* NT: end every other thread of the current process and return; the process goes on and
         * its exit status stays STATUS_PENDING. ExitProcess then runs the DLL detach routines and
         * ends the process with NtTerminateProcess(NtCurrentProcess(), status). */
        ps_terminate_other_threads(current_process(), exit_status);
        return STATUS_SUCCESS;
    }
    NTSTATUS status = ob_reference_object_by_handle(current_process(), handle, PROCESS_TERMINATE,
                                                    &ps_process_type, (void **)&p, NULL);
    if (!NT_SUCCESS(status))
        return status;
    bool self = p == current_process();
    if (!self && p->thread_count == 0)
        status = STATUS_PROCESS_IS_TERMINATING;
    else
        ps_terminate_process(p, exit_status);
    ob_dereference_object(p);
    if (self)
        ps_exit_current_thread(exit_status);
    return status;
}

/* ---- information ---- */

/* NT probes the buffer and the return length before it looks at the class or the handle. */
static NTSTATUS probe_info(void *user_info, uint32_t length, uint32_t *user_return_length)
{
    NTSTATUS status = ke_probe_user_write(user_info, length, sizeof(uint32_t));
    if (NT_SUCCESS(status) && user_return_length)
        status = ke_probe_user_write(user_return_length, sizeof(uint32_t), 1);
    return status;
}

static NTSTATUS return_info(void *user_info, uint32_t length, uint32_t *user_return_length,
                            const void *info, uint32_t size)
{
    NTSTATUS status = STATUS_SUCCESS;
    if (user_return_length)
        status = ke_copy_to_user(user_return_length, &size, sizeof size, 1);
    if (NT_SUCCESS(status) && length != size)
        status = STATUS_INFO_LENGTH_MISMATCH;
    if (NT_SUCCESS(status))
        status = ke_copy_to_user(user_info, info, size, sizeof(uint32_t));
    return status;
}

union process_information {
    PROCESS_BASIC_INFORMATION basic;
    QUOTA_LIMITS quota;
    VM_COUNTERS_EX vm;
};

static bool is_process_class(uint32_t info_class)
{
    return info_class == ProcessBasicInformation || info_class == ProcessQuotaLimits ||
           info_class == ProcessVmCounters;
}

/* Fills *info for a known class; returns its size. ProcessVmCounters is VM_COUNTERS or, for a
 * buffer of that size, VM_COUNTERS_EX (NT accepts both lengths). */
static uint32_t query_process(struct ps_process *p, uint32_t info_class, uint32_t length,
                              union process_information *info)
{
    memset(info, 0, sizeof *info);
    if (info_class == ProcessQuotaLimits) {
        info->quota.NonPagedPoolLimit = (uint32_t)p->pool_quota.limit;
        info->quota.TimeLimit = -1;
        return sizeof info->quota;
    }
    if (info_class == ProcessVmCounters) {
        struct ps_pool_quota quota;
        ps_read_pool_quota(p, &quota); /* peak and usage from the same moment */
        info->vm.QuotaPeakNonPagedPoolUsage = (uint32_t)quota.peak;
        info->vm.QuotaNonPagedPoolUsage = (uint32_t)quota.usage;
        /* The commit charge (NT's PagefileUsage and PrivateUsage are both CommitCharge). */
        info->vm.PagefileUsage = p->address_space.commit * PAGE_SIZE;
        info->vm.PeakPagefileUsage = p->address_space.peak_commit * PAGE_SIZE;
        info->vm.PrivateUsage = info->vm.PagefileUsage;
        return length == sizeof info->vm ? sizeof info->vm : VM_COUNTERS_SIZE;
    }
    info->basic = (PROCESS_BASIC_INFORMATION){
        .ExitStatus = p->exit_status,
        .PebBaseAddress = (void *)(uintptr_t)p->peb,
        .AffinityMask = 1,
        .BasePriority = p->base_priority,
        .UniqueProcessId = p->unique_id,
    };
    return sizeof info->basic;
}

NTSTATUS NtQueryInformationProcess(HANDLE handle, uint32_t info_class, void *user_info,
                                   uint32_t length, uint32_t *user_return_length)
{
    struct ps_process *p;
    union process_information info;
    NTSTATUS status = probe_info(user_info, length, user_return_length);
    if (!NT_SUCCESS(status))
        return status;
    if (!is_process_class(info_class))
        return STATUS_INVALID_INFO_CLASS;
    status = ob_reference_object_by_handle(current_process(), handle, PROCESS_QUERY_INFORMATION,
                                           &ps_process_type, (void **)&p, NULL);
    if (!NT_SUCCESS(status))
        return status;
    uint32_t size = query_process(p, info_class, length, &info);
    ob_dereference_object(p);
    return return_info(user_info, length, user_return_length, &info, size);
}

NTSTATUS NtQueryInformationThread(HANDLE handle, uint32_t info_class, void *user_info,
                                  uint32_t length, uint32_t *user_return_length)
{
    struct ps_thread *t;
    NTSTATUS status = probe_info(user_info, length, user_return_length);
    if (!NT_SUCCESS(status))
        return status;
    if (info_class == ThreadAmILastThread) {
        /* NT answers for the caller's process, whatever the handle (RtlExitUserThread asks). */
        uint32_t last = current_process()->thread_count == 1;
        return return_info(user_info, length, user_return_length, &last, sizeof last);
    }
    if (info_class != ThreadBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    status = ob_reference_object_by_handle(current_process(), handle, THREAD_QUERY_INFORMATION,
                                           &ps_thread_type, (void **)&t, NULL);
    if (!NT_SUCCESS(status))
        return status;
    THREAD_BASIC_INFORMATION info = {
        .ExitStatus = t->tcb.state == KE_THREAD_TERMINATED ? t->exit_status : STATUS_PENDING,
        .TebBaseAddress = (void *)(uintptr_t)t->teb_address,
        .ClientId = {(HANDLE)(uintptr_t)t->process->unique_id, (HANDLE)(uintptr_t)t->unique_id},
        .AffinityMask = 1,
        .Priority = t->tcb.priority,
        .BasePriority = t->tcb.base_priority,
    };
    ob_dereference_object(t);
    return return_info(user_info, length, user_return_length, &info, sizeof info);
}
