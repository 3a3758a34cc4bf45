/* tests/kernel/ke_locks.c: the bookkeeping behind the lock rules (kernel/ke/lock.h): spin locks
 * nest, count, turn interrupts off and give them back only with the outermost; sleeping locks know
 * their owner and are on the held list while owned. The panics for misuse are tests/run's
 * panic_lock. */
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ke/lock.h"
#include "kernel/ke/thread.h"

static struct ke_spin_lock outer = KE_SPIN_LOCK_INIT("test outer");
static struct ke_spin_lock inner = KE_SPIN_LOCK_INIT("test inner");

/* What the processor looked like at one point of the test. */
struct seen {
    uint32_t held;
    bool interrupts, can_wait, outer_held, inner_held;
};

static struct seen look(void)
{
    return (struct seen){ke_spin_locks_held, (read_eflags() & EFLAGS_IF) != 0, ke_can_wait(),
                         ke_spin_lock_held(&outer), ke_spin_lock_held(&inner)};
}

/* Everything is read with the locks held and checked after they are released: a failed check must
 * not return with a spin lock held. */
KTEST(ke, spin_locks_nest_and_give_interrupts_back)
{
    struct seen before = look(), one, two, back_to_one;
    uint32_t irq_outer = ke_acquire_spin_lock(&outer);
    one = look();
    uint32_t irq_inner = ke_acquire_spin_lock(&inner);
    two = look();
    ke_release_spin_lock(&inner, irq_inner);
    back_to_one = look();
    ke_release_spin_lock(&outer, irq_outer);
    struct seen after = look();
    KT_TRUE(before.interrupts && before.can_wait && before.held == 0);
    KT_EQ(irq_outer, EFLAGS_IF);
    KT_EQ(irq_inner, 0);
    KT_TRUE(one.held == 1 && !one.interrupts && !one.can_wait && one.outer_held && !one.inner_held);
    KT_TRUE(two.held == 2 && !two.interrupts && two.outer_held && two.inner_held);
    KT_TRUE(back_to_one.held == 1 && !back_to_one.interrupts && !back_to_one.inner_held);
    KT_TRUE(after.held == 0 && after.interrupts && after.can_wait && !after.outer_held);
    return NULL;
}

KTEST(ke, sleeping_lock_knows_its_owner)
{
    struct ke_lock lock;
    struct ke_thread *self = ke_current_thread();
    ke_init_lock(&lock, "test sleeping");
    KT_TRUE(ke_first_lock_held_by(self) == NULL);
    ke_acquire_lock(&lock);
    bool owned = ke_lock_held_by_current(&lock), listed = ke_first_lock_held_by(self) == &lock;
    bool can_wait = ke_can_wait(); /* a sleeping lock does not stop its owner from waiting */
    ke_release_lock(&lock);
    KT_TRUE(owned && listed && can_wait);
    KT_TRUE(!ke_lock_held_by_current(&lock));
    KT_TRUE(ke_first_lock_held_by(self) == NULL);
    return NULL;
}
