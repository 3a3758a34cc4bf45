/* kernel/ke/lock.h: the kernel's two kinds of lock and the state the processor is in, so that each
 * rule of docs/decisions.md ("Locks") is an ASSERT rather than a convention.
 *
 *   kind           holds off           may be held across a wait   taken in an interrupt handler
 *   ke_spin_lock   interrupts          never (ke_schedule asserts) yes
 *   ke_lock        other threads       yes (a disk read, a page-in) never
 *
 * Both refuse recursion (a panic names the lock) and a release by anyone but the holder. A
 * uniprocessor kernel that is never preempted in kernel mode needs no spinning: a spin
 * lock is interrupts off plus the bookkeeping that catches its misuse. The dispatcher's own
 * interrupts-off (ke_lock_dispatcher) is the one lock a thread holds into ke_schedule. */
#ifndef PAGODA_LOCK_H
#define PAGODA_LOCK_H

#include "kernel/ke/arch.h"
#include "kernel/ke/wait.h"

/* ---- where the processor is (NT's IRQL, reduced to what this kernel needs) ---- */
extern uint32_t ke_interrupt_depth; /* interrupt handlers running (kernel/ke/trap.c) */
extern uint32_t ke_spin_locks_held; /* spin locks held on this processor */

static inline bool ke_in_interrupt(void) { return ke_interrupt_depth != 0; }
/* Neither in an interrupt handler nor holding a spin lock. One branch for both: these checks sit on
 * every system call, copy and fault, and under QEMU TCG every branch ends a translation block. */
static inline bool ke_no_spin_lock_or_interrupt(void)
{
    return (ke_spin_locks_held | ke_interrupt_depth) == 0;
}
/* May the caller wait (NT's PASSIVE_LEVEL)? Interrupts on, not in an interrupt handler and no spin
 * lock held. Waits and sleeping locks assert it; copies of user memory (a page-in waits for the
 * disk) assert ke_no_spin_lock_or_interrupt, kernel/ke/probe.c. */
static inline bool ke_can_wait(void)
{
    uint32_t interrupts_off = (read_eflags() & EFLAGS_IF) ^ EFLAGS_IF;
    return (interrupts_off | ke_spin_locks_held | ke_interrupt_depth) == 0;
}

/* ---- spin locks: interrupts off, never held across a wait ----
 * No owner is recorded: a spin lock cannot be released by another thread than the one that took
 * it, since that thread would have had to switch while holding it, which ke_schedule refuses. Not
 * inline: the code they would add at every pool, PFN and reference-count call site costs more room
 * than their call costs time (the kernel must still fit beside GRUB in 4 MiB). */
struct ke_spin_lock {
    const char *name;
    bool held;
};
#define KE_SPIN_LOCK_INIT(lock_name)                                                               \
    {                                                                                              \
        .name = (lock_name), .held = false                                                         \
    }

/* Turns interrupts off and takes the lock; returns whether interrupts were on, for the release.
 * Nests with other spin locks (released in the reverse order); taking one twice is a panic. */
uint32_t ke_acquire_spin_lock(struct ke_spin_lock *lock);
/* Releases a held lock; interrupts come back on only with the outermost lock (irq says they were
 * on when it was taken): releasing that one before the others is a panic. */
void ke_release_spin_lock(struct ke_spin_lock *lock, uint32_t irq);
static inline bool ke_spin_lock_held(const struct ke_spin_lock *lock) { return lock->held; }

/* ---- the dispatcher lock: the scheduler's and the waits' state, shared with interrupt handlers
 * (the clock readies threads, a disk's IRQ sets an event). Interrupts off, not counted: a waiting
 * thread holds it into ke_schedule, as NT's dispatcher lock is held across KiSwapThread. ---- */
static inline uint32_t ke_lock_dispatcher(void) { return ke_disable_interrupts(); }
static inline void ke_unlock_dispatcher(uint32_t irq) { ke_restore_interrupts(irq); }

/* ---- sleeping locks (NT's guarded mutex): one owner, held across waits, never recursive, never
 * from an interrupt handler; an uncontended acquire is a test and a store, a contended one waits on
 * an event. No thread may hold one when it ends or returns to user mode. ---- */
struct ke_lock {
    struct ke_thread *owner;
    uint32_t waiters;
    struct ke_event released; /* synchronization event: set on release when someone waits */
    struct list_entry held_link; /* on the list of held sleeping locks while owned */
    const char *name;
};

void ke_init_lock(struct ke_lock *lock, const char *name);
/* ke_can_wait(), and not already owned by the caller. */
void ke_acquire_lock(struct ke_lock *lock);
/* Only the owner releases. */
void ke_release_lock(struct ke_lock *lock);
bool ke_lock_held_by_current(const struct ke_lock *lock);
/* The first sleeping lock thread holds, or NULL: the checks at a thread's end and at every return
 * to user mode, where usually no thread holds one (a load), else a walk of the few held ones. */
extern uint32_t ke_sleeping_locks_held; /* by all threads */
const struct ke_lock *ke_find_lock_held_by(const struct ke_thread *thread);
static inline const struct ke_lock *ke_first_lock_held_by(const struct ke_thread *thread)
{
    return ke_sleeping_locks_held ? ke_find_lock_held_by(thread) : NULL;
}
/* The check on every return to user mode: no spin lock, and thread holds no sleeping lock (one
 * branch while no thread holds any lock at all; the panic names the lock). */
void ke_check_no_locks_held(const struct ke_thread *thread);
static inline void ke_assert_no_locks_held(const struct ke_thread *thread)
{
    if (ke_spin_locks_held | ke_sleeping_locks_held)
        ke_check_no_locks_held(thread);
}

#endif
