/* kernel/ke/thread.c: the kernel half of a thread (kernel/ke/thread.h): its kernel stack under a
 * guard page, the frames its first switch returns through, its first run, and the callouts into
 * ps. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/sched.h"
#include "kernel/ke/thread.h"
#include "kernel/rtl/format.h"
#include "mm/mm.h"

/* A new thread's first kernel flags (ke_swap_context pops them): interrupts off, as ke_schedule
 * runs, and nothing else. */
#define SWITCH_EFLAGS EFLAGS_ALWAYS_ONE

const struct ke_thread_callouts *ke_thread_callouts;

void ke_set_thread_callouts(const struct ke_thread_callouts *callouts)
{
    ke_thread_callouts = callouts;
}

void ke_describe_thread(struct ke_thread *thread, char *buffer, size_t size)
{
    if (ke_thread_callouts && thread)
        ke_thread_callouts->describe_thread(thread, buffer, size);
    else
        rtl_snprintf(buffer, size, "thread %p", (void *)thread);
}

void ke_init_thread(struct ke_thread *t, uint8_t priority, struct mm_address_space *address_space)
{
    ke_init_dispatcher_header(&t->header, KE_THREAD, 0);
    list_init(&t->owned_mutants);
    list_init(&t->timer_link);
    list_init(&t->ready_link);
    t->state = KE_THREAD_INITIALIZED;
    t->priority = t->base_priority = priority;
    t->address_space = address_space;
}

uint32_t ke_kernel_stack_top(const struct ke_thread *t)
{
    return t->kernel_stack + KE_KERNEL_STACK_PAGES * PAGE_SIZE;
}

NTSTATUS ke_allocate_kernel_stack(struct ke_thread *t)
{
    vaddr_t va = mm_alloc_system_va(KE_KERNEL_STACK_PAGES + 1);
    if (!va)
        return STATUS_NO_MEMORY;
    for (uint32_t i = 1; i <= KE_KERNEL_STACK_PAGES; i++) { /* page 0 stays unmapped: the guard */
        /* Zeroed: no stale data, and under QEMU TCG no stale translations (docs/decisions.md). */
        pfn_t pfn = mm_alloc_frame(MM_FRAME_ZEROED);
        if (pfn != MM_PFN_NONE &&
            NT_SUCCESS(mm_map_kernel_page(va + i * PAGE_SIZE, pfn, MM_MAP_WRITE)))
            continue;
        if (pfn != MM_PFN_NONE)
            mm_free_frame(pfn);
        mm_free_pages((void *)(uintptr_t)(va + PAGE_SIZE), i - 1);
        mm_free_system_va(va, 1);
        mm_free_system_va(va + i * PAGE_SIZE, KE_KERNEL_STACK_PAGES + 1 - i);
        return STATUS_NO_MEMORY;
    }
    t->kernel_stack = va + PAGE_SIZE;
    return STATUS_SUCCESS;
}

void ke_free_kernel_stack(struct ke_thread *t)
{
    ASSERT(t != ke_current_thread());
    if (!t->kernel_stack)
        return;
    mm_free_pages((void *)(uintptr_t)t->kernel_stack, KE_KERNEL_STACK_PAGES);
    mm_free_system_va(t->kernel_stack - PAGE_SIZE, 1);
    t->kernel_stack = 0;
}

/* Above the switch frame, for a user thread, the trap frame it "returns" to user mode with. */
void ke_init_thread_context(struct ke_thread *t, void (*startup)(void),
                            const struct ke_trap_frame *user_frame)
{
    ASSERT(!startup != !user_frame);
    uint32_t *sp = (uint32_t *)(uintptr_t)ke_kernel_stack_top(t);
    t->startup = startup;
    if (user_frame) {
        struct ke_trap_frame *tf = (struct ke_trap_frame *)sp - 1;
        *tf = *user_frame;
        t->trap_frame = tf;
        sp = (uint32_t *)tf;
    }
    *--sp = (uint32_t)(uintptr_t)ke_thread_trampoline;
    for (int i = 0; i < 4; i++)
        *--sp = 0; /* ebp, ebx, esi, edi */
    *--sp = SWITCH_EFLAGS;
    t->kernel_esp = (uint32_t)(uintptr_t)sp;
}

/* A kernel thread's startup never returns; a user thread's first return to user mode may end it
 * at once (it may have been terminated before it ever ran). */
void ke_thread_startup(void)
{
    ke_finish_switch();
    struct ke_thread *t = ke_current_thread();
    if (t->startup) {
        t->startup();
        ke_panic("ke: a kernel thread's startup routine returned");
    }
    ke_exit_to_user(t->trap_frame);
}
