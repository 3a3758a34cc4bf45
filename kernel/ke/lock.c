/* kernel/ke/lock.c: spin locks and sleeping locks (kernel/ke/lock.h). Sleeping-lock waiters are
 * woken one at a time by a synchronization event and re-check the owner, the wake-and-retry rule
 * every wait in Pagoda follows. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ke/thread.h"

uint32_t ke_interrupt_depth;
uint32_t ke_spin_locks_held;
uint32_t ke_sleeping_locks_held;

static struct list_entry held_locks = {&held_locks, &held_locks}; /* sleeping locks with an owner */

/* ---- spin locks ---- */

static NORETURN void spin_lock_taken_again(const struct ke_spin_lock *lock)
{
    ke_panic("lock: spin lock %s taken again while held (recursion, or a wait while holding it)",
             lock->name);
}

static NORETURN void spin_lock_bad_release(const struct ke_spin_lock *lock, uint32_t irq)
{
    if (!lock->held)
        ke_panic("lock: spin lock %s released while not held", lock->name);
    ke_panic("lock: spin lock %s released before %u spin lock(s) taken after it (interrupts %s)",
             lock->name, ke_spin_locks_held - 1, irq ? "would come on" : "stay off");
}

uint32_t ke_acquire_spin_lock(struct ke_spin_lock *lock)
{
    uint32_t irq = ke_disable_interrupts();
    if (lock->held)
        spin_lock_taken_again(lock);
    lock->held = true;
    ke_spin_locks_held++;
    return irq;
}

void ke_release_spin_lock(struct ke_spin_lock *lock, uint32_t irq)
{
    uint32_t held = ke_spin_locks_held; /* read once: lock->held's store might alias it */
    /* One branch (under QEMU TCG each one ends a translation block): not held, or interrupts would
     * come back on under another spin lock. */
    if ((!lock->held) | ((irq != 0) & (held != 1)))
        spin_lock_bad_release(lock, irq);
    lock->held = false;
    ke_spin_locks_held = held - 1;
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

static NORETURN void lock_panic(const struct ke_lock *lock, const char *what)
{
    char who[64], owner[64];
    ke_describe_thread(ke_current_thread(), who, sizeof who);
    if (lock->owner)
        ke_describe_thread(lock->owner, owner, sizeof owner);
    ke_panic("lock: %s %s: %s (owner: %s)", lock->name, what, who, lock->owner ? owner : "none");
}

void ke_acquire_lock(struct ke_lock *lock)
{
    struct ke_thread *self = ke_current_thread();
    ASSERT(ke_can_wait());
    if (lock->owner == self)
        lock_panic(lock, "taken again by its owner");
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
    if (lock->owner != ke_current_thread())
        lock_panic(lock, "released by a thread that does not own it");
    ASSERT(!ke_in_interrupt());
    lock->owner = NULL;
    list_remove(&lock->held_link); /* leaves the link pointing at itself */
    ke_sleeping_locks_held--;
    if (lock->waiters)
        ke_set_event(&lock->released);
}

bool ke_lock_held_by_current(const struct ke_lock *lock)
{
    return lock->owner == ke_current_thread();
}

void ke_check_no_locks_held(const struct ke_thread *thread)
{
    const struct ke_lock *lock = ke_first_lock_held_by(thread);
    if (ke_spin_locks_held)
        ke_panic("lock: %u spin lock(s) held on the way to user mode", ke_spin_locks_held);
    if (lock)
        lock_panic(lock, "held on the way to user mode");
}

const struct ke_lock *ke_find_lock_held_by(const struct ke_thread *thread)
{
    LIST_FOR_EACH(e, &held_locks)
    {
        const struct ke_lock *lock = CONTAINING_RECORD(e, struct ke_lock, held_link);
        if (lock->owner == thread)
            return lock;
    }
    return NULL;
}
