/* kernel/ke/wait.c: waits on dispatcher objects. A waiter checks its objects under the dispatcher
 * lock (interrupts off, kernel/ke/lock.h); if it cannot be satisfied it links a wait block into
 * each object's wait list (and itself into the timer list when it has a deadline) and sleeps.
 * Signalling an object readies every waiter, and each checks again when it runs ("wake and
 * retry"): simple, and correct for every object type. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ke/sched.h"
#include "kernel/ke/wait.h"

static struct list_entry timer_list = {&timer_list, &timer_list}; /* by deadline */

/* NT's MINLONG: an owned mutant acquired again at this signal state has reached its recursion
 * limit. Tests raise it (see wait.h). */
int32_t ke_mutant_minimum_signal_state = INT32_MIN;

void ke_init_dispatcher_header(struct ke_dispatcher_header *h, enum ke_dispatcher_type type,
                               int32_t signal_state)
{
    h->type = (uint8_t)type;
    h->signal_state = signal_state;
    list_init(&h->wait_list);
}

static bool is_signaled(struct ke_dispatcher_header *h, struct ke_thread *t)
{
    if (h->type == KE_MUTANT)
        return h->signal_state > 0 || ((struct ke_mutant *)h)->owner == t;
    return h->signal_state > 0;
}

/* An owned mutant that one more acquisition would take past its recursion limit: NT's wait raises
 * STATUS_MUTANT_LIMIT_EXCEEDED for it, whatever else the wait could take. */
static bool at_mutant_limit(struct ke_dispatcher_header *h, struct ke_thread *t)
{
    return h->type == KE_MUTANT && ((struct ke_mutant *)h)->owner == t &&
           h->signal_state <= ke_mutant_minimum_signal_state;
}

/* Takes what a satisfied wait takes; returns STATUS_ABANDONED for an abandoned mutant. */
static NTSTATUS acquire(struct ke_dispatcher_header *h, struct ke_thread *t)
{
    switch (h->type) {
    case KE_SYNCHRONIZATION_EVENT: h->signal_state = 0; break;
    case KE_SEMAPHORE: h->signal_state--; break;
    case KE_MUTANT: {
        struct ke_mutant *m = (struct ke_mutant *)h;
        NTSTATUS status = m->abandoned ? STATUS_ABANDONED : STATUS_SUCCESS;
        m->abandoned = false;
        if (!m->owner) {
            m->owner = t;
            list_insert_tail(&t->owned_mutants, &m->owner_link);
        }
        h->signal_state--;
        return status;
    }
    default: break;
    }
    return STATUS_SUCCESS;
}

/* STATUS_PENDING when the wait cannot be satisfied now. */
static NTSTATUS try_satisfy(uint32_t count, void *const objects[], WAIT_TYPE type,
                            struct ke_thread *t)
{
    if (type == WaitAny) {
        for (uint32_t i = 0; i < count; i++) {
            struct ke_dispatcher_header *h = objects[i];
            if (at_mutant_limit(h, t))
                return STATUS_MUTANT_LIMIT_EXCEEDED;
            if (is_signaled(h, t))
                return acquire(h, t) + (NTSTATUS)i;
        }
        return STATUS_PENDING;
    }
    NTSTATUS pending = STATUS_WAIT_0;
    for (uint32_t i = 0; i < count; i++) {
        if (at_mutant_limit(objects[i], t))
            return STATUS_MUTANT_LIMIT_EXCEEDED; /* NT checks every object, satisfiable or not */
        if (!is_signaled(objects[i], t))
            pending = STATUS_PENDING;
    }
    if (pending == STATUS_PENDING)
        return STATUS_PENDING;
    NTSTATUS status = STATUS_WAIT_0;
    for (uint32_t i = 0; i < count; i++)
        if (acquire(objects[i], t) == STATUS_ABANDONED)
            status = STATUS_ABANDONED;
    return status;
}

static void insert_timer(struct ke_thread *t)
{
    struct list_entry *e = timer_list.next;
    while (e != &timer_list &&
           CONTAINING_RECORD(e, struct ke_thread, timer_link)->wait_deadline <= t->wait_deadline)
        e = e->next;
    list_insert_tail(e, &t->timer_link); /* before e */
}

static void block(struct ke_thread *t, uint32_t count, void *const objects[])
{
    for (uint32_t i = 0; i < count; i++) {
        struct ke_wait_block *b = &t->wait_blocks[i];
        b->object = objects[i];
        b->thread = t;
        b->index = (uint16_t)i;
        list_insert_tail(&b->object->wait_list, &b->object_link);
    }
    t->wait_count = count;
    t->wait_status = STATUS_PENDING;
    if (t->wait_deadline != UINT64_MAX)
        insert_timer(t);
    t->state = KE_THREAD_WAITING;
    ke_schedule();
}

void ke_unwait_thread(struct ke_thread *t, NTSTATUS status)
{
    ASSERT(t->state == KE_THREAD_WAITING);
    for (uint32_t i = 0; i < t->wait_count; i++)
        list_remove(&t->wait_blocks[i].object_link);
    t->wait_count = 0;
    if (!list_empty(&t->timer_link))
        list_remove(&t->timer_link);
    t->wait_status = status;
    ke_ready_thread(t);
}

static NTSTATUS wait_for_objects(uint32_t count, void *const objects[], WAIT_TYPE type,
                                 const int64_t *timeout, enum ke_wait_mode mode)
{
    struct ke_thread *t = ke_current_thread();
    ASSERT(count <= KE_MAX_WAIT_BLOCKS);
    ASSERT((timeout && *timeout == 0) || ke_can_wait()); /* a poll never waits */
    uint32_t irq = ke_lock_dispatcher();
    t->wait_deadline = ke_timeout_to_deadline(timeout);
    t->wait_mode = (uint8_t)mode;
    NTSTATUS status;
    for (;;) {
        if (mode == KE_WAIT_USER && t->terminating) {
            status = STATUS_THREAD_IS_TERMINATING;
            break;
        }
        status = try_satisfy(count, objects, type, t);
        if (status != STATUS_PENDING)
            break;
        if ((timeout && *timeout == 0) || ke_get_tick_count() >= t->wait_deadline) {
            status = STATUS_TIMEOUT;
            break;
        }
        block(t, count, objects);
    }
    ke_unlock_dispatcher(irq);
    return status;
}

NTSTATUS ke_wait_for_objects(uint32_t count, void *const objects[], WAIT_TYPE type,
                             const int64_t *timeout)
{
    return wait_for_objects(count, objects, type, timeout, KE_WAIT_KERNEL);
}

NTSTATUS ke_wait_for_objects_user(uint32_t count, void *const objects[], WAIT_TYPE type,
                                  const int64_t *timeout)
{
    return wait_for_objects(count, objects, type, timeout, KE_WAIT_USER);
}

NTSTATUS ke_wait_for_object(void *object, const int64_t *timeout)
{
    return ke_wait_for_objects(1, &object, WaitAny, timeout);
}

NTSTATUS ke_delay_execution(int64_t interval, enum ke_wait_mode mode)
{
    NTSTATUS status = wait_for_objects(0, NULL, WaitAny, &interval, mode);
    return status == STATUS_TIMEOUT ? STATUS_SUCCESS : status;
}

/* Readies every thread waiting on h; each checks its wait again when it runs. */
static void wake_waiters(struct ke_dispatcher_header *h)
{
    while (!list_empty(&h->wait_list)) {
        struct ke_wait_block *b =
            CONTAINING_RECORD(h->wait_list.next, struct ke_wait_block, object_link);
        ke_unwait_thread(b->thread, STATUS_SUCCESS);
    }
}

void ke_expire_timers(uint64_t now)
{
    while (!list_empty(&timer_list)) {
        struct ke_thread *t = CONTAINING_RECORD(timer_list.next, struct ke_thread, timer_link);
        if (t->wait_deadline > now)
            break;
        ke_unwait_thread(t, STATUS_TIMEOUT);
    }
}

void ke_signal_object(struct ke_dispatcher_header *h)
{
    uint32_t irq = ke_lock_dispatcher();
    h->signal_state = 1;
    wake_waiters(h);
    ke_unlock_dispatcher(irq);
}

int32_t ke_set_event(struct ke_event *e)
{
    uint32_t irq = ke_lock_dispatcher();
    int32_t previous = e->header.signal_state;
    e->header.signal_state = 1;
    wake_waiters(&e->header);
    ke_unlock_dispatcher(irq);
    return previous;
}

int32_t ke_reset_event(struct ke_event *e)
{
    uint32_t irq = ke_lock_dispatcher();
    int32_t previous = e->header.signal_state;
    e->header.signal_state = 0;
    ke_unlock_dispatcher(irq);
    return previous;
}

NTSTATUS ke_release_semaphore(struct ke_semaphore *s, int32_t count, int32_t *previous)
{
    uint32_t irq = ke_lock_dispatcher();
    NTSTATUS status = STATUS_SUCCESS;
    *previous = s->header.signal_state;
    if (count <= 0 || count > s->limit - s->header.signal_state) {
        status = count <= 0 ? STATUS_INVALID_PARAMETER : STATUS_SEMAPHORE_LIMIT_EXCEEDED;
    } else {
        s->header.signal_state += count;
        wake_waiters(&s->header);
    }
    ke_unlock_dispatcher(irq);
    return status;
}

NTSTATUS ke_release_mutant(struct ke_mutant *m, int32_t *previous)
{
    uint32_t irq = ke_lock_dispatcher();
    NTSTATUS status = STATUS_SUCCESS;
    *previous = m->header.signal_state;
    if (m->owner != ke_current_thread()) {
        /* NT reports an abandoned mutant that the caller does not own as such. */
        status = m->abandoned ? STATUS_ABANDONED : STATUS_MUTANT_NOT_OWNED;
    } else if (++m->header.signal_state == 1) {
        m->owner = NULL;
        list_remove(&m->owner_link);
        wake_waiters(&m->header);
    }
    ke_unlock_dispatcher(irq);
    return status;
}

void ke_abandon_mutants(struct ke_thread *t)
{
    uint32_t irq = ke_lock_dispatcher();
    while (!list_empty(&t->owned_mutants)) {
        struct ke_mutant *m =
            CONTAINING_RECORD(list_remove_head(&t->owned_mutants), struct ke_mutant, owner_link);
        m->owner = NULL;
        m->abandoned = true;
        m->header.signal_state = 1;
        wake_waiters(&m->header);
    }
    ke_unlock_dispatcher(irq);
}
