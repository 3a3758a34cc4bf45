/* kernel/ke/lock.c: spin locks and sleeping locks (kernel/ke/lock.h). Sleeping-lock waiters are woken
 * one at a time by a synchronization event and re-check the owner, the wake-and-retry rule every wait
 * in Pagoda follows. */
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ps/ps.h"

uint32_t ke_interrupt_depth;
uint32_t ke_spin_locks_held;

static struct list_entry held_locks = {&held_locks, &held_locks}; /* sleeping locks with an owner */

static uint32_t thread_id(const struct ps_thread *t) { return t ? t->unique_id : 0; }

/* ---- spin locks ---- */

uint32_t ke_acquire_spin_lock(struct ke_spin_lock *lock)
{
    uint32_t irq = ke_disable_interrupts();
    if (lock->held)
        ke_panic("lock: spin lock %s taken again (held by tid %u; a wait while holding it, or "
                 "recursion)",
                 lock->name, thread_id(lock->owner));
    lock->held = true;
    lock->owner = ps_current_thread();
    ke_spin_locks_held++;
    return irq;
}

void ke_release_spin_lock(struct ke_spin_lock *lock, uint32_t irq)
{
    struct ps_thread *self = ps_current_thread();
    if (!lock->held || lock->owner != self)
        ke_panic("lock: spin lock %s released by tid %u, which does not hold it (owner tid %u)",
                 lock->name, thread_id(self), lock->held ? thread_id(lock->owner) : 0);
    ASSERT(ke_spin_locks_held > 0 && !(read_eflags() & EFLAGS_IF));
    lock->held = false;
    lock->owner = NULL;
    /* Interrupts were on only before the outermost lock: releasing it early would turn them on
     * under the others. */
    if (--ke_spin_locks_held != 0 && irq)
        ke_panic("lock: spin lock %s released before %u lock(s) taken after it", lock->name,
                 ke_spin_locks_held);
    ke_restore_interrupts(irq);
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
}

void ke_release_lock(struct ke_lock *lock)
{
    if (lock->owner != ps_current_thread())
        ke_panic("lock: %s released by tid %u, which does not own it (owner tid %u)", lock->name,
                 thread_id(ps_current_thread()), thread_id(lock->owner));
    ASSERT(!ke_in_interrupt());
    lock->owner = NULL;
    list_remove(&lock->held_link);
    list_init(&lock->held_link);
    if (lock->waiters)
        ke_set_event(&lock->released);
}

bool ke_lock_held_by_current(const struct ke_lock *lock)
{
    return lock->owner == ps_current_thread();
}

const struct ke_lock *ke_first_lock_held_by(const struct ps_thread *thread)
{
    LIST_FOR_EACH(e, &held_locks)
    {
        const struct ke_lock *lock = CONTAINING_RECORD(e, struct ke_lock, held_link);
        if (lock->owner == thread)
            return lock;
    }
    return NULL;
}
