/* kernel/ke/lock.c: sleeping locks (kernel/ke/lock.h). Waiters are woken one at a time by a
 * synchronization event and re-check the owner, the wake-and-retry rule every wait in Pagoda
 * follows. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ke/thread.h"

void ke_init_lock(struct ke_lock *lock, const char *name)
{
    lock->owner = NULL;
    lock->waiters = 0;
    lock->name = name;
    ke_init_dispatcher_header(&lock->released.header, KE_SYNCHRONIZATION_EVENT, 0);
}

static NORETURN void lock_panic(const struct ke_lock *lock, const char *what)
{
    char who[64];
    ke_describe_thread(ke_current_thread(), who, sizeof who);
    ke_panic("lock: %s %s: %s", lock->name, what, who);
}

void ke_acquire_lock(struct ke_lock *lock)
{
    struct ke_thread *self = ke_current_thread();
    ASSERT(read_eflags() & 0x200);
    if (lock->owner == self)
        lock_panic(lock, "taken again by its owner");
    while (lock->owner) {
        lock->waiters++;
        ke_wait_for_object(&lock->released, NULL);
        lock->waiters--;
    }
    lock->owner = self;
}

void ke_release_lock(struct ke_lock *lock)
{
    if (lock->owner != ke_current_thread())
        lock_panic(lock, "released by a thread that does not own it");
    lock->owner = NULL;
    if (lock->waiters)
        ke_set_event(&lock->released);
}

bool ke_lock_held_by_current(const struct ke_lock *lock)
{
    return lock->owner == ke_current_thread();
}
