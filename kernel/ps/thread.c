/* kernel/ps/thread.c: threads: the thread object type, creation (the kernel half,
 * kernel/ke/thread.c, with its stack and first frames; the TEB and user stack), a kernel thread's
 * first run, the end of a thread and the freeing of what it held. */
#include "kernel/ke/arch.h"
#include "kernel/ke/fpu.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ndk/ntmm.h"
#include "kernel/ob/ob.h"
#include "kernel/ke/sched.h"
#include "kernel/rtl/format.h"
#include "kernel/rtl/string.h"
#include "kernel/ps/thread.h"

#define THREAD_TAG  MM_TAG('T', 'h', 'r', 'd')
#define USER_EFLAGS (EFLAGS_IF | EFLAGS_ALWAYS_ONE)

static void thread_delete(void *object);

struct ob_type ps_thread_type = {
    .name = "Thread",
    .pool_tag = THREAD_TAG,
    .valid_access = THREAD_ALL_ACCESS,
    .generic = {READ_CONTROL | THREAD_QUERY_INFORMATION, THREAD_TERMINATE | THREAD_SUSPEND_RESUME,
                SYNCHRONIZE, THREAD_ALL_ACCESS},
    .delete_procedure = thread_delete,
};

static uint32_t next_unique_id = 4;

/* A kernel thread's first run: the routine, then the end of the thread. */
static void kernel_thread_startup(void)
{
    struct ps_thread *t = ps_current_thread();
    cpu_sti();
    t->kernel_routine(t->kernel_context);
    ps_exit_current_thread(STATUS_SUCCESS);
}

/* What the thread's first switch returns through: kernel_thread_startup, or for a user thread the
 * trap frame it "returns" to user mode with. */
static void init_context(struct ps_thread *t, const struct ps_thread_start *start)
{
    if (start->kernel_routine) {
        ke_init_thread_context(&t->tcb, kernel_thread_startup, NULL);
        return;
    }
    struct ke_trap_frame tf = {
        .gs = KGDT_R3_DATA | RPL_USER,
        .fs = KGDT_R3_TEB | RPL_USER,
        .es = KGDT_R3_DATA | RPL_USER,
        .ds = KGDT_R3_DATA | RPL_USER,
        .edi = start->edi,
        .esi = start->esi,
        .ebp = start->ebp,
        .ebx = start->ebx,
        .edx = start->edx,
        .ecx = start->ecx,
        .eax = start->eax,
        .eip = start->eip,
        .cs = KGDT_R3_CODE | RPL_USER,
        .eflags = USER_EFLAGS,
        .user_esp = start->esp,
        .user_ss = KGDT_R3_DATA | RPL_USER,
    };
    ke_init_thread_context(&t->tcb, NULL, &tf);
}

/* The TEB's fields, built in the kernel and copied in: a user thread of the process could free the
 * page meanwhile, and the copy is fault-safe. */
static NTSTATUS fill_teb(struct ps_thread *t, vaddr_t stack_base, vaddr_t stack_limit,
                         vaddr_t deallocation)
{
    PAGODA_TEB teb;
    memset(&teb, 0, sizeof teb);
    teb.NtTib.StackBase = (void *)(uintptr_t)stack_base;
    teb.NtTib.StackLimit = (void *)(uintptr_t)stack_limit;
    teb.NtTib.ExceptionList = (void *)(uintptr_t)0xFFFFFFFFu; /* the end of the SEH chain */
    teb.NtTib.Self = (NT_TIB *)(uintptr_t)t->tcb.teb;
    teb.ClientId.UniqueProcess = (HANDLE)(uintptr_t)t->process->unique_id;
    teb.ClientId.UniqueThread = (HANDLE)(uintptr_t)t->unique_id;
    teb.ProcessEnvironmentBlock = (void *)(uintptr_t)t->process->peb;
    teb.DeallocationStack = (void *)(uintptr_t)deallocation;
    return mm_write_user(t->tcb.teb, &teb, sizeof teb);
}

/* A thread of a PE process starts in ntdll's LdrInitializeThunk(CONTEXT *, ntdll base, 0), as NT's
 * threads start through a user APC: the context it was asked to start with is pushed on its stack,
 * and ntdll runs the DLLs' thread attach before it continues there with NtContinue. */
static NTSTATUS start_in_system_dll(struct ps_process *p, struct ps_thread_start *start)
{
    struct {
        uint32_t return_address, context, argument1, argument2;
        CONTEXT context_record;
    } frame;
    memset(&frame, 0, sizeof frame);
    vaddr_t at = ALIGN_DOWN(start->esp - sizeof frame, 16);
    CONTEXT *c = &frame.context_record;
    c->ContextFlags = CONTEXT_FULL;
    c->Eip = start->eip;
    c->Esp = start->esp;
    c->Eax = start->eax, c->Ebx = start->ebx, c->Ecx = start->ecx, c->Edx = start->edx;
    c->Esi = start->esi, c->Edi = start->edi, c->Ebp = start->ebp;
    c->EFlags = 0x202;
    c->SegCs = KGDT_R3_CODE | RPL_USER;
    c->SegSs = c->SegDs = c->SegEs = c->SegGs = KGDT_R3_DATA | RPL_USER;
    c->SegFs = KGDT_R3_TEB | RPL_USER;
    frame.context = at + offsetof(__typeof__(frame), context_record);
    frame.argument1 = p->system_dll_base;
    NTSTATUS status = mm_write_user(at, &frame, sizeof frame);
    start->eip = p->system_dll_entry;
    start->esp = at;
    start->eax = start->ebx = start->ecx = start->edx = 0;
    start->esi = start->edi = start->ebp = 0;
    return status;
}

/* Makes the TEB (a page below the PEB, top down) and, unless given, the stack in the thread's
 * process, which must be current. */
static NTSTATUS setup_user_side(struct ps_thread *t, struct ps_thread_start *start)
{
    vaddr_t teb = PS_PEB_ADDRESS;
    NTSTATUS status = mm_create_resident_region(&teb, 1, MM_PLACE_TOP_DOWN_BELOW);
    if (!NT_SUCCESS(status))
        return status;
    t->tcb.teb = t->teb_address = teb;
    vaddr_t stack_base = start->stack_base, stack_limit = start->stack_limit, deallocation = 0;
    if (!start->use_given_stack) {
        struct mm_user_stack stack;
        status = mm_create_user_stack(
            start->stack_reserve ? start->stack_reserve : PS_STACK_RESERVE,
            start->stack_size ? start->stack_size : PS_DEFAULT_STACK_COMMIT, &stack);
        if (!NT_SUCCESS(status))
            return status;
        t->user_stack = deallocation = stack.allocation_base;
        stack_base = stack.base;
        stack_limit = stack.limit;
        start->esp = stack_base;
    }
    status = fill_teb(t, stack_base, stack_limit, deallocation);
    if (NT_SUCCESS(status) && t->process->system_dll_entry)
        status = start_in_system_dll(t->process, start);
    return status;
}

/* Undoes setup_user_side; the process must be current. A program may have freed either region
 * itself: then the free fails, harmlessly. */
static void release_user_side(struct ps_thread *t)
{
    uint32_t size = 0;
    if (t->user_stack) {
        vaddr_t base = t->user_stack;
        mm_free_virtual(&base, &size, MEM_RELEASE);
        t->user_stack = 0;
    }
    if (t->tcb.teb) {
        vaddr_t base = t->tcb.teb;
        size = 0;
        mm_free_virtual(&base, &size, MEM_RELEASE);
        t->tcb.teb = 0;
    }
}

/* What every thread object starts with: the kernel half (on its process's address space), its
 * process (referenced) and client ID. */
static void init_thread_object(struct ps_thread *t, struct ps_process *process, uint8_t priority)
{
    ke_init_thread(&t->tcb, priority, &process->address_space);
    t->process = process;
    ob_reference_object(process);
    t->exit_status = STATUS_PENDING;
    uint32_t irq = ke_acquire_spin_lock(&ps_list_lock);
    t->unique_id = next_unique_id;
    next_unique_id += 4;
    ke_release_spin_lock(&ps_list_lock, irq);
}

static NTSTATUS init_thread(struct ps_thread *t, struct ps_process *process,
                            struct ps_thread_start *start)
{
    init_thread_object(t, process, start->priority ? start->priority : PS_PRIORITY_NORMAL);
    t->kernel_routine = start->kernel_routine;
    t->kernel_context = start->kernel_context;
    t->suspend_count = start->suspended ? 1 : 0;
    NTSTATUS status = ke_allocate_kernel_stack(&t->tcb);
    if (!NT_SUCCESS(status))
        return status;
    if (!start->kernel_routine) {
        ps_attach_process(process);
        status = setup_user_side(t, start);
        if (!NT_SUCCESS(status))
            release_user_side(t);
        ps_detach_process();
        if (!NT_SUCCESS(status))
            return status;
    }
    init_context(t, start);
    return STATUS_SUCCESS;
}

NTSTATUS ps_create_thread(struct ps_process *process, const struct ps_thread_start *start_in,
                          struct ps_thread **out)
{
    struct ps_thread_start start = *start_in;
    struct ps_thread *t;
    if (process->terminating)
        return STATUS_PROCESS_IS_TERMINATING;
    NTSTATUS status = ob_create_object(&ps_thread_type, sizeof *t, NULL, 0, (void **)&t);
    if (!NT_SUCCESS(status))
        return status;
    status = init_thread(t, process, &start);
    if (!NT_SUCCESS(status)) {
        /* Still KE_THREAD_INITIALIZED and on no list: thread_delete frees its kernel stack. */
        ob_dereference_object(t);
        return status;
    }
    ob_reference_object(t); /* the scheduler's, dropped by reap_thread */
    uint32_t irq = ke_acquire_spin_lock(&ps_list_lock);
    list_insert_tail(&process->threads, &t->process_link);
    process->thread_count++;
    /* The process began to end while the thread was being made: it ends at its first return to
     * user mode, with the process's status. */
    if (process->terminating)
        ps_terminate_thread(t, process->exit_status);
    else if (t->suspend_count == 0)
        ke_ready_thread(&t->tcb);
    ke_release_spin_lock(&ps_list_lock, irq);
    *out = t;
    return STATUS_SUCCESS;
}

NTSTATUS ps_create_boot_thread(struct ps_process *process, vaddr_t stack_top,
                               struct ps_thread **out)
{
    struct ps_thread *t;
    NTSTATUS status = ob_create_object(&ps_thread_type, sizeof *t, NULL, 0, (void **)&t);
    if (!NT_SUCCESS(status))
        return status;
    init_thread_object(t, process, PS_PRIORITY_NORMAL);
    t->tcb.kernel_stack = stack_top - KE_KERNEL_STACK_PAGES * PAGE_SIZE;
    list_insert_tail(&process->threads, &t->process_link);
    process->thread_count++;
    *out = t;
    return STATUS_SUCCESS;
}

NORETURN void ps_exit_current_thread(NTSTATUS status)
{
    struct ps_thread *t = ps_current_thread();
    struct ps_process *p = t->process;
    ASSERT(ke_no_spin_lock_or_interrupt());
    if (ke_first_lock_held_by(&t->tcb))
        ke_panic("ps: thread %u ends holding the lock %s", t->unique_id,
                 ke_first_lock_held_by(&t->tcb)->name);
    cpu_sti();
    ke_abandon_mutants(&t->tcb);
    release_user_side(t);
    t->exit_status = status;
    uint32_t irq = ke_acquire_spin_lock(&ps_list_lock);
    bool last = --p->thread_count == 0;
    ke_release_spin_lock(&ps_list_lock, irq);
    if (last) {
        if (p->exit_status == STATUS_PENDING)
            p->exit_status = status;
        ps_process_exit(p);
    }
    cpu_cli();
    ke_fpu_thread_ended(&t->tcb);
    t->tcb.terminating = true;
    ke_signal_object(&t->tcb.header);
    t->tcb.state = KE_THREAD_TERMINATED;
    ke_schedule();
    ke_panic("ps: thread %u ran again after it ended", t->unique_id);
}

/* ---- what ke asks of ps (kernel/ke/thread.h) ---- */

/* A terminating thread on its way to user mode: the process's status wins over the thread's. */
static NORETURN void exit_terminating_thread(void)
{
    struct ps_thread *t = ps_current_thread();
    ps_exit_current_thread(t->process->terminating ? t->process->exit_status : t->exit_status);
}

/* An exception in user mode ends the process (SEH comes with a later issue). */
static NORETURN void exit_current_process(NTSTATUS status)
{
    ps_terminate_process(ps_current_process(), status);
    ps_exit_current_thread(status);
}

/* The stack goes, and the scheduler's reference. */
static void reap_thread(struct ke_thread *thread)
{
    ke_free_kernel_stack(thread);
    ob_dereference_object(ps_thread_of(thread));
}

static void describe_thread(struct ke_thread *thread, char *buffer, size_t size)
{
    struct ps_thread *t = ps_thread_of(thread);
    rtl_snprintf(buffer, size, "process %s (pid %u, tid %u)", t->process->name,
                 t->process->unique_id, t->unique_id);
}

const struct ke_thread_callouts ps_thread_callouts = {
    .exit_thread = exit_terminating_thread,
    .exit_process = exit_current_process,
    .reap_thread = reap_thread,
    .describe_thread = describe_thread,
};

void ps_terminate_thread(struct ps_thread *t, NTSTATUS status)
{
    uint32_t irq = ke_lock_dispatcher();
    if (!t->tcb.terminating && t->tcb.state != KE_THREAD_TERMINATED) {
        t->tcb.terminating = true;
        t->exit_status = status;
        t->suspend_count = 0;
        if (t->tcb.state == KE_THREAD_WAITING && t->tcb.wait_mode == KE_WAIT_USER)
            ke_unwait_thread(&t->tcb, STATUS_THREAD_IS_TERMINATING);
        else if (t->tcb.state == KE_THREAD_INITIALIZED)
            ke_ready_thread(&t->tcb);
    }
    ke_unlock_dispatcher(irq);
}

NTSTATUS ps_resume_thread(struct ps_thread *t, uint32_t *previous)
{
    uint32_t irq = ke_lock_dispatcher();
    *previous = t->suspend_count;
    if (t->suspend_count && --t->suspend_count == 0 && t->tcb.state == KE_THREAD_INITIALIZED)
        ke_ready_thread(&t->tcb);
    ke_unlock_dispatcher(irq);
    return STATUS_SUCCESS;
}

static void thread_delete(void *object)
{
    struct ps_thread *t = object;
    if (t->process) {
        uint32_t irq = ke_acquire_spin_lock(&ps_list_lock);
        bool started = t->tcb.state == KE_THREAD_TERMINATED; /* else its creation failed */
        if (started)
            list_remove(&t->process_link);
        ke_release_spin_lock(&ps_list_lock, irq);
        if (!started)
            ke_free_kernel_stack(&t->tcb);
        ob_dereference_object(t->process);
    }
}
