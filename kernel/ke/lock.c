/* kernel/ke/lock.c: spin locks and sleeping locks (kernel/ke/lock.h). Sleeping-lock waiters are woken
 * one at a time by a synchronization event and re-check the owner, the wake-and-retry rule every wait
 * in Pagoda follows. */
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ps/ps.h"

uint32_t ke_interrupt_depth;
uint32_t ke_spin_locks_held;
uint32_t ke_sleeping_locks_held;

static struct list_entry held_locks = {&held_locks, &held_locks}; /* sleeping locks with an owner */

static uint32_t thread_id(const struct ps_thread *t) { return t ? t->unique_id : 0; }

/* ---- spin locks: the panics of kernel/ke/lock.h's inline functions ---- */

void ke_spin_lock_taken_again(const struct ke_spin_lock *lock)
{
    ke_panic("lock: spin lock %s taken again while held (recursion, or a wait while holding it)",
             lock->name);
}

void ke_spin_lock_bad_release(const struct ke_spin_lock *lock, uint32_t irq)
{
    if (!lock->held)
        ke_panic("lock: spin lock %s released while not held", lock->name);
    ke_panic("lock: spin lock %s released before %u spin lock(s) taken after it (interrupts %s)",
             lock->name, ke_spin_locks_held - 1, irq ? "would come on" : "stay off");
}

/* ---- sleeping locks ---- */

void ke_init_lock(struct ke_lock *lock, const char *name)
{
    lock->owner = NULL;
    lock->waiters = 0;
    lock->name = name;
    list_init(&lock->held_link);
    ke_init_dispatcher_header(&lock->released.header, KE_SYNCHRONIZATION_EVENT, 0);
}

void ke_acquire_lock(struct ke_lock *lock)
{
    struct ps_thread *self = ps_current_thread();
    ASSERT(ke_can_wait());
    if (lock->owner == self)
        ke_panic("lock: %s taken again by its owner (tid %u)", lock->name, self->unique_id);
    while (lock->owner) {
        lock->waiters++;
        ke_wait_for_object(&lock->released, NULL);
        lock->waiters--;
    }
    lock->owner = self;
    list_insert_tail(&held_locks, &lock->held_link);
    ke_sleeping_locks_held++;
}

void ke_release_lock(struct ke_lock *lock)
{
    if (lock->owner != ps_current_thread())
        ke_panic("lock: %s released by tid %u, which does not own it (owner tid %u)", lock->name,
                 thread_id(ps_current_thread()), thread_id(lock->owner));
    ASSERT(!ke_in_interrupt());
    lock->owner = NULL;
    list_remove(&lock->held_link); /* leaves the link pointing at itself */
    ke_sleeping_locks_held--;
    if (lock->waiters)
        ke_set_event(&lock->released);
}

bool ke_lock_held_by_current(const struct ke_lock *lock)
{
    return lock->owner == ps_current_thread();
}

const struct ke_lock *ke_find_lock_held_by(const struct ps_thread *thread)
{
    LIST_FOR_EACH(e, &held_locks)
    {
        const struct ke_lock *lock = CONTAINING_RECORD(e, struct ke_lock, held_link);
        if (lock->owner == thread)
            return lock;
    }
    return NULL;
}
