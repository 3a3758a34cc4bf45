/* kernel/ke/sched.h: the dispatcher's scheduling half: ready queues by priority, the current
 * thread, the context switch, preemption on the way back to user mode, and the idle thread.
 *
 * The kernel is not preemptive while it runs kernel code: a thread in kernel mode runs until it
 * waits, yields or ends; the clock only preempts threads on their way back to user mode
 * (ke_exit_to_user). Anything may wait, though (a copy of user memory can page in), so shared data
 * is guarded by the named locks of kernel/ke/lock.h, whose rules are asserted: no spin lock is held
 * into ke_schedule, no sleeping lock on the way back to user mode. ke_schedule is called with
 * interrupts off (the dispatcher lock). */
#ifndef PAGODA_SCHED_H
#define PAGODA_SCHED_H

#include "kernel/ke/thread.h"

#define KE_QUANTUM_TICKS 3

void ke_sched_init(struct ke_thread *boot_thread, struct ke_thread *idle_thread);

/* Puts a thread on the tail of its priority's ready queue. Interrupts off. */
void ke_ready_thread(struct ke_thread *thread);
/* Runs the highest-priority ready thread (or the idle thread); the current thread must already be
 * waiting, ended, or back on a ready queue. Interrupts off; returns when the current thread runs
 * again. */
void ke_schedule(void);
/* Gives the processor to another ready thread of at least the same priority, if any; false if there
 * was none. */
bool ke_yield(void);
/* The clock interrupt's half: timeouts and the quantum. */
void ke_clock_tick(uint64_t now);
/* On every return to user mode: ends the thread if it is being terminated, switches if a higher
 * priority thread is ready or the quantum ran out. */
void ke_exit_to_user(struct ke_trap_frame *tf);
/* Called on the new thread right after every switch: frees what the previous thread left. */
void ke_finish_switch(void);
/* Statistics for tests and benchmarks. */
uint64_t ke_context_switches(void);
/* The idle thread's routine: zeroes free frames while nothing is ready, else halts. */
NORETURN void ke_idle_loop(void);

/* boot/switch.asm */
void ke_swap_context(uint32_t *save_esp, uint32_t new_esp);
void ke_thread_trampoline(void);

#endif
