/* kernel/ke/lock.h: the sleeping lock (NT's guarded mutex): one owner, held across waits (a disk
 * read, a page-in), never taken recursively, never from an interrupt handler. Kernel code is not
 * preempted, so an uncontended acquire is a test and a store; a contended one waits on an event.
 * The other kind of lock in Pagoda is "interrupts off", which must never be held across a sleep. */
#ifndef PAGODA_LOCK_H
#define PAGODA_LOCK_H

#include "kernel/ke/wait.h"

struct ke_lock {
    struct ke_thread *owner;
    uint32_t waiters;
    struct ke_event released; /* synchronization event: set on release when someone waits */
    const char *name;
};

void ke_init_lock(struct ke_lock *lock, const char *name);
/* Interrupts on, not in an interrupt handler, not already owned by the caller. */
void ke_acquire_lock(struct ke_lock *lock);
/* Only the owner releases. */
void ke_release_lock(struct ke_lock *lock);
bool ke_lock_held_by_current(const struct ke_lock *lock);

#endif
