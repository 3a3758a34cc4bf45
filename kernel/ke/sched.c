/* kernel/ke/sched.c: ready queues (one FIFO per priority and a bitmap of non-empty ones), the
 * switch between threads (address space, TSS stack, TEB selector, then the register switch in
 * boot/switch.asm) and round-robin preemption of user-mode threads by the clock. */
#include "kernel/ke/arch.h"
#include "kernel/ke/fpu.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ke/sched.h"
#include "kernel/ke/thread.h"
#include "mm/mm.h"

static struct list_entry ready_queues[KE_PRIORITY_LEVELS];
static uint32_t ready_summary; /* bit p: ready_queues[p] is not empty */
static struct ke_thread *current;
static struct ke_thread *idle_thread;
static struct ke_thread *dead_thread; /* ended; its stack is freed by the next thread to run */
static bool need_resched;
static uint64_t switch_count;

struct ke_thread *ke_current_thread(void) { return current; }
uint64_t ke_context_switches(void) { return switch_count; }

void ke_sched_init(struct ke_thread *boot_thread, struct ke_thread *idle)
{
    for (int i = 0; i < KE_PRIORITY_LEVELS; i++)
        list_init(&ready_queues[i]);
    current = boot_thread;
    current->state = KE_THREAD_RUNNING;
    idle_thread = idle;
}

void ke_ready_thread(struct ke_thread *t)
{
    ASSERT(!(read_eflags() & EFLAGS_IF));
    ASSERT(t != idle_thread && t->state != KE_THREAD_READY && t->state != KE_THREAD_TERMINATED);
    t->state = KE_THREAD_READY;
    list_insert_tail(&ready_queues[t->priority], &t->ready_link);
    ready_summary |= 1u << t->priority;
    if (t->priority > current->priority || current == idle_thread)
        need_resched = true;
}

static struct ke_thread *take_next(void)
{
    if (!ready_summary)
        return idle_thread;
    unsigned p = 31 - (unsigned)__builtin_clz(ready_summary);
    struct ke_thread *t =
        CONTAINING_RECORD(list_remove_head(&ready_queues[p]), struct ke_thread, ready_link);
    if (list_empty(&ready_queues[p]))
        ready_summary &= ~(1u << p);
    return t;
}

void ke_finish_switch(void)
{
    struct ke_thread *dead = dead_thread;
    if (dead && dead != current) {
        dead_thread = NULL;
        ke_thread_callouts->reap_thread(dead);
    }
}

static void switch_to(struct ke_thread *next)
{
    struct ke_thread *prev = current;
    current = next;
    next->state = KE_THREAD_RUNNING;
    next->quantum = KE_QUANTUM_TICKS;
    switch_count++;
    if (next->address_space != mm_current_address_space())
        mm_switch_address_space(next->address_space);
    ke_set_kernel_stack(ke_kernel_stack_top(next));
    if (next->teb)
        ke_set_teb_base(next->teb);
    if (prev->state == KE_THREAD_TERMINATED)
        dead_thread = prev;
    ke_fpu_switch_out();
    ke_swap_context(&prev->kernel_esp, next->kernel_esp);
    ke_finish_switch();
}

void ke_schedule(void)
{
    ASSERT(!(read_eflags() & EFLAGS_IF));
    /* A spin lock held into a switch would be "held" by a thread that is not running. */
    ASSERT(ke_no_spin_lock_or_interrupt());
    need_resched = false;
    struct ke_thread *next = take_next();
    if (next == current) {
        current->state = KE_THREAD_RUNNING;
        return;
    }
    switch_to(next);
}

bool ke_yield(void)
{
    uint32_t irq = ke_lock_dispatcher();
    bool yielded = (ready_summary >> current->priority) != 0; /* someone at least as urgent */
    if (yielded) {
        if (current != idle_thread)
            ke_ready_thread(current);
        ke_schedule();
    }
    ke_unlock_dispatcher(irq);
    return yielded;
}

void ke_clock_tick(uint64_t now)
{
    ke_expire_timers(now);
    if (current == idle_thread) {
        need_resched |= ready_summary != 0;
        return;
    }
    if (--current->quantum <= 0) {
        current->quantum = KE_QUANTUM_TICKS;
        if (ready_summary >> current->priority) /* round robin within the priority */
            need_resched = true;
    }
}

void ke_exit_to_user(struct ke_trap_frame *tf)
{
    (void)tf;
    ke_assert_no_locks_held(current);
    for (;;) {
        cpu_cli();
        if (current->terminating)
            ke_thread_callouts->exit_thread();
        if (!need_resched)
            return;
        ke_ready_thread(current);
        ke_schedule();
    }
}

/* The idle thread: zeroes free frames while nothing is ready, otherwise sleeps until an
 * interrupt. */
NORETURN void ke_idle_loop(void)
{
    for (;;) {
        cpu_cli();
        if (ready_summary) {
            ke_schedule();
            continue;
        }
        cpu_sti();
        if (mm_zero_free_frames(4) == 0) {
            cpu_cli();
            if (!ready_summary)
                __asm__ volatile("sti; hlt" ::: "memory"); /* sti's shadow: no wake-up is lost */
        }
    }
}
