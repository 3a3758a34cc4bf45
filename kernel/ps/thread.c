/* kernel/ps/thread.c: threads: the thread object type, creation (kernel stack with a guard page,
 * the first frames a new thread returns through, TEB and user stack), the first run, the end of a
 * thread and the freeing of what it held. */
#include "kernel/ke/arch.h"
#include "kernel/ke/fpu.h"
#include "kernel/ke/ke.h"
#include "kernel/ndk/ntmm.h"
#include "kernel/ob/ob.h"
#include "kernel/ke/sched.h"
#include "kernel/rtl/string.h"
#include "kernel/ps/thread.h"

#define THREAD_TAG  MM_TAG('T', 'h', 'r', 'd')
#define USER_EFLAGS (EFLAGS_IF | EFLAGS_ALWAYS_ONE)
/* A new thread's first kernel flags (ke_swap_context pops them): interrupts off, as ke_schedule
 * runs, and nothing else. */
#define SWITCH_EFLAGS EFLAGS_ALWAYS_ONE

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

uint32_t ps_kernel_stack_top(const struct ps_thread *t)
{
    return t->kernel_stack + PS_KERNEL_STACK_PAGES * PAGE_SIZE;
}

static NTSTATUS allocate_kernel_stack(struct ps_thread *t)
{
    vaddr_t va = mm_alloc_system_va(PS_KERNEL_STACK_PAGES + 1);
    if (!va)
        return STATUS_NO_MEMORY;
    for (uint32_t i = 1; i <= PS_KERNEL_STACK_PAGES; i++) { /* page 0 stays unmapped: the guard */
        /* Zeroed: no stale data, and under QEMU TCG no stale translations (docs/decisions.md). */
        pfn_t pfn = mm_alloc_frame(MM_FRAME_ZEROED);
        if (pfn != MM_PFN_NONE &&
            NT_SUCCESS(mm_map_kernel_page(va + i * PAGE_SIZE, pfn, MM_MAP_WRITE)))
            continue;
        if (pfn != MM_PFN_NONE)
            mm_free_frame(pfn);
        mm_free_pages((void *)(uintptr_t)(va + PAGE_SIZE), i - 1);
        mm_free_system_va(va, 1);
        mm_free_system_va(va + i * PAGE_SIZE, PS_KERNEL_STACK_PAGES + 1 - i);
        return STATUS_NO_MEMORY;
    }
    t->kernel_stack = va + PAGE_SIZE;
    return STATUS_SUCCESS;
}

static void free_kernel_stack(struct ps_thread *t)
{
    if (!t->kernel_stack)
        return;
    mm_free_pages((void *)(uintptr_t)t->kernel_stack, PS_KERNEL_STACK_PAGES);
    mm_free_system_va(t->kernel_stack - PAGE_SIZE, 1);
    t->kernel_stack = 0;
}

/* The frames a new thread's first ke_swap_context returns through: EFLAGS and the callee-saved
 * registers, then ke_thread_trampoline; above them, for a user thread, the trap frame it "returns"
 * to user mode with. */
static void build_initial_frames(struct ps_thread *t, const struct ps_thread_start *start)
{
    uint32_t *sp = (uint32_t *)(uintptr_t)ps_kernel_stack_top(t);
    if (!start->kernel_routine) {
        struct ke_trap_frame *tf = (struct ke_trap_frame *)sp - 1;
        *tf = (struct ke_trap_frame){
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
        t->trap_frame = tf;
        sp = (uint32_t *)tf;
    }
    *--sp = (uint32_t)(uintptr_t)ke_thread_trampoline;
    for (int i = 0; i < 4; i++)
        *--sp = 0; /* ebp, ebx, esi, edi */
    *--sp = SWITCH_EFLAGS;
    t->kernel_esp = (uint32_t)(uintptr_t)sp;
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
    teb.NtTib.Self = (NT_TIB *)(uintptr_t)t->teb;
    teb.ClientId.UniqueProcess = (HANDLE)(uintptr_t)t->process->unique_id;
    teb.ClientId.UniqueThread = (HANDLE)(uintptr_t)t->unique_id;
    teb.ProcessEnvironmentBlock = (void *)(uintptr_t)t->process->peb;
    teb.DeallocationStack = (void *)(uintptr_t)deallocation;
    return mm_write_user(t->teb, &teb, sizeof teb);
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
    t->teb = t->teb_address = teb;
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
    if (t->teb) {
        vaddr_t base = t->teb;
        size = 0;
        mm_free_virtual(&base, &size, MEM_RELEASE);
        t->teb = 0;
    }
}

/* What every thread object starts with: the dispatcher header, its lists, its process (referenced),
 * priority and client ID. */
static void init_thread_object(struct ps_thread *t, struct ps_process *process, uint8_t priority)
{
    ke_init_dispatcher_header(&t->header, KE_THREAD, 0);
    list_init(&t->owned_mutants);
    list_init(&t->timer_link);
    list_init(&t->ready_link);
    t->process = process;
    ob_reference_object(process);
    t->exit_status = STATUS_PENDING;
    t->priority = t->base_priority = priority;
    uint32_t irq = ke_disable_interrupts();
    t->unique_id = next_unique_id;
    next_unique_id += 4;
    ke_restore_interrupts(irq);
}

static NTSTATUS init_thread(struct ps_thread *t, struct ps_process *process,
                            struct ps_thread_start *start)
{
    init_thread_object(t, process, start->priority ? start->priority : PS_PRIORITY_NORMAL);
    t->kernel_routine = start->kernel_routine;
    t->kernel_context = start->kernel_context;
    t->suspend_count = start->suspended ? 1 : 0;
    NTSTATUS status = allocate_kernel_stack(t);
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
    build_initial_frames(t, start);
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
        /* Still PS_THREAD_INITIALIZED and on no list: thread_delete frees its kernel stack. */
        ob_dereference_object(t);
        return status;
    }
    ob_reference_object(t); /* the scheduler's, dropped by ps_reap_thread */
    uint32_t irq = ke_disable_interrupts();
    list_insert_tail(&process->threads, &t->process_link);
    process->thread_count++;
    t->state = PS_THREAD_INITIALIZED;
    if (t->suspend_count == 0)
        ke_ready_thread(t);
    ke_restore_interrupts(irq);
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
    t->kernel_stack = stack_top - PS_KERNEL_STACK_PAGES * PAGE_SIZE;
    list_insert_tail(&process->threads, &t->process_link);
    process->thread_count++;
    *out = t;
    return STATUS_SUCCESS;
}

void ke_thread_startup(void)
{
    ke_finish_switch();
    struct ps_thread *t = ps_current_thread();
    if (t->kernel_routine) {
        cpu_sti();
        t->kernel_routine(t->kernel_context);
        ps_exit_current_thread(STATUS_SUCCESS);
    }
    ke_exit_to_user(t->trap_frame); /* it may have been terminated before it ever ran */
}

NORETURN void ps_exit_current_thread(NTSTATUS status)
{
    struct ps_thread *t = ps_current_thread();
    struct ps_process *p = t->process;
    cpu_sti();
    ke_abandon_mutants(t);
    release_user_side(t);
    t->exit_status = status;
    uint32_t irq = ke_disable_interrupts();
    bool last = --p->thread_count == 0;
    ke_restore_interrupts(irq);
    if (last) {
        if (p->exit_status == STATUS_PENDING)
            p->exit_status = status;
        ps_process_exit(p);
    }
    cpu_cli();
    ke_fpu_thread_ended(t);
    t->terminating = true;
    ke_signal_object(&t->header);
    t->state = PS_THREAD_TERMINATED;
    ke_schedule();
    ke_panic("ps: thread %u ran again after it ended", t->unique_id);
}

void ps_reap_thread(struct ps_thread *t)
{
    free_kernel_stack(t);
    ob_dereference_object(t);
}

void ps_terminate_thread(struct ps_thread *t, NTSTATUS status)
{
    uint32_t irq = ke_disable_interrupts();
    if (!t->terminating && t->state != PS_THREAD_TERMINATED) {
        t->terminating = true;
        t->exit_status = status;
        t->suspend_count = 0;
        if (t->state == PS_THREAD_WAITING && t->wait_mode == KE_WAIT_USER)
            ke_unwait_thread(t, STATUS_THREAD_IS_TERMINATING);
        else if (t->state == PS_THREAD_INITIALIZED)
            ke_ready_thread(t);
    }
    ke_restore_interrupts(irq);
}

NTSTATUS ps_resume_thread(struct ps_thread *t, uint32_t *previous)
{
    uint32_t irq = ke_disable_interrupts();
    *previous = t->suspend_count;
    if (t->suspend_count && --t->suspend_count == 0 && t->state == PS_THREAD_INITIALIZED)
        ke_ready_thread(t);
    ke_restore_interrupts(irq);
    return STATUS_SUCCESS;
}

static void thread_delete(void *object)
{
    struct ps_thread *t = object;
    if (t->process) {
        uint32_t irq = ke_disable_interrupts();
        if (t->state != PS_THREAD_TERMINATED) { /* never started: creation failed */
            ke_restore_interrupts(irq);
            free_kernel_stack(t);
        } else {
            list_remove(&t->process_link);
            ke_restore_interrupts(irq);
        }
        ob_dereference_object(t->process);
    }
}
