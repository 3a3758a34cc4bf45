/* kernel/ke/lock.c: sleeping locks (kernel/ke/lock.h). Waiters are woken one at a time by a
 * synchronization event and re-check the owner, the wake-and-retry rule every wait in Pagoda
 * follows. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ps/ps.h"

void ke_init_lock(struct ke_lock *lock, const char *name)
{
    lock->owner = NULL;
    lock->waiters = 0;
    lock->name = name;
    ke_init_dispatcher_header(&lock->released.header, KE_SYNCHRONIZATION_EVENT, 0);
}

void ke_acquire_lock(struct ke_lock *lock)
{
    struct ps_thread *self = ps_current_thread();
    ASSERT(read_eflags() & 0x200);
    if (lock->owner == self)
        ke_panic("lock: %s taken again by its owner (tid %u)", lock->name, self->unique_id);
    while (lock->owner) {
        lock->waiters++;
        ke_wait_for_object(&lock->released, NULL);
        lock->waiters--;
    }
    lock->owner = self;
}

void ke_release_lock(struct ke_lock *lock)
{
    if (lock->owner != ps_current_thread())
        ke_panic("lock: %s released by tid %u, which does not own it", lock->name,
                 ps_current_thread()->unique_id);
    lock->owner = NULL;
    if (lock->waiters)
        ke_set_event(&lock->released);
}

bool ke_lock_held_by_current(const struct ke_lock *lock)
{
    return lock->owner == ps_current_thread();
}
