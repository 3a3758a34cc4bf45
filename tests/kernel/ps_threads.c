/* tests/kernel/ps_threads.c: kernel threads, the scheduler and waits, seen from kernel mode:
 * threads run and end with their status, waits on events, semaphores and mutants behave as NT's do,
 * timeouts are met within one tick, abandoned mutants are reported, and 1,000 thread lifetimes leak
 * nothing. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ob/ob.h"
#include "kernel/ke/sched.h"
#include "kernel/rtl/string.h"
#include "kernel/ex/sync.h"
#include "kernel/ps/thread.h"

struct shared {
    struct ke_event go;
    struct ke_semaphore sem;
    struct ke_mutant mutant;
    volatile uint32_t counter;
    volatile NTSTATUS seen;
};

static struct shared sh;

static void init_shared(void)
{
    memset(&sh, 0, sizeof sh);
    ke_init_dispatcher_header(&sh.go.header, KE_NOTIFICATION_EVENT, 0);
    ke_init_dispatcher_header(&sh.sem.header, KE_SEMAPHORE, 0);
    sh.sem.limit = 10;
    ke_init_dispatcher_header(&sh.mutant.header, KE_MUTANT, 1);
    list_init(&sh.mutant.owner_link);
}

static struct ps_thread *start_kernel_thread(void (*routine)(void *), void *context)
{
    struct ps_thread_start start = {.kernel_routine = routine, .kernel_context = context};
    struct ps_thread *t = NULL;
    if (!NT_SUCCESS(ps_create_thread(ps_system_process, &start, &t)))
        return NULL;
    return t;
}

static NTSTATUS join(struct ps_thread *t)
{
    NTSTATUS status = ke_wait_for_object(t, NULL);
    NTSTATUS exit_status = t->exit_status;
    ob_dereference_object(t);
    return status == STATUS_WAIT_0 ? exit_status : status;
}

static void count_after_go(void *context)
{
    (void)context;
    ke_wait_for_object(&sh.go, NULL);
    sh.counter++;
}

KTEST(ps, kernel_threads_run_and_end)
{
    init_shared();
    struct ps_thread *a = start_kernel_thread(count_after_go, NULL);
    struct ps_thread *b = start_kernel_thread(count_after_go, NULL);
    KT_TRUE(a && b);
    ke_yield(); /* both run and block on the event */
    KT_EQ(sh.counter, 0);
    KT_EQ(a->tcb.state, KE_THREAD_WAITING);
    ke_set_event(&sh.go); /* notification: releases both */
    KT_EQ(join(a), STATUS_SUCCESS);
    KT_EQ(join(b), STATUS_SUCCESS);
    KT_EQ(sh.counter, 2);
    return NULL;
}

KTEST(ps, wait_timeout_within_one_tick)
{
    init_shared();
    unsigned hz = ke_get_timer_hz();
    int64_t timeout = -500000; /* 50 ms */
    uint64_t want = (50 * hz + 999) / 1000, elapsed = 0;
    /* Never early; late by more than a tick only if the host held the emulator back, which a retry
     * tells apart from a kernel that computes deadlines wrong. */
    for (int attempt = 0; attempt < 3; attempt++) {
        uint64_t start = ke_get_tick_count();
        KT_EQ(ke_wait_for_object(&sh.go, &timeout), STATUS_TIMEOUT);
        elapsed = ke_get_tick_count() - start;
        KT_TRUE(elapsed >= want);
        if (elapsed <= want + 1)
            break;
    }
    KT_TRUE(elapsed <= want + 1);
    timeout = 0; /* a poll */
    KT_EQ(ke_wait_for_object(&sh.go, &timeout), STATUS_TIMEOUT);
    KT_EQ(ke_delay_execution(-100000, KE_WAIT_KERNEL), STATUS_SUCCESS);
    return NULL;
}

static void release_later(void *context)
{
    (void)context;
    ke_delay_execution(-200000, KE_WAIT_KERNEL);
    int32_t previous;
    ke_release_semaphore(&sh.sem, 2, &previous);
}

KTEST(ps, semaphore_counts_and_limit)
{
    init_shared();
    int32_t previous = -1;
    KT_EQ(ke_release_semaphore(&sh.sem, 11, &previous), STATUS_SEMAPHORE_LIMIT_EXCEEDED);
    KT_EQ(sh.sem.header.signal_state, 0);
    struct ps_thread *t = start_kernel_thread(release_later, NULL);
    KT_EQ(ke_wait_for_object(&sh.sem, NULL), STATUS_WAIT_0); /* blocks until the release */
    KT_EQ(sh.sem.header.signal_state, 1);
    KT_EQ(join(t), STATUS_SUCCESS);
    KT_EQ(ke_release_semaphore(&sh.sem, 9, &previous), STATUS_SUCCESS);
    KT_EQ(previous, 1);
    KT_EQ(ke_release_semaphore(&sh.sem, 1, &previous), STATUS_SEMAPHORE_LIMIT_EXCEEDED);
    return NULL;
}

KTEST(ps, wait_any_and_all)
{
    init_shared();
    struct ke_event e1, e2;
    ke_init_dispatcher_header(&e1.header, KE_SYNCHRONIZATION_EVENT, 0);
    ke_init_dispatcher_header(&e2.header, KE_NOTIFICATION_EVENT, 1);
    void *objects[2] = {&e1, &e2};
    int64_t poll = 0;
    KT_EQ(ke_wait_for_objects(2, objects, WaitAny, &poll), STATUS_WAIT_0 + 1);
    KT_EQ(ke_wait_for_objects(2, objects, WaitAll, &poll), STATUS_TIMEOUT);
    ke_set_event(&e1);
    KT_EQ(ke_wait_for_objects(2, objects, WaitAll, &poll), STATUS_WAIT_0);
    KT_EQ(e1.header.signal_state, 0); /* auto-reset by the satisfied wait */
    KT_EQ(e2.header.signal_state, 1); /* notification: stays set */
    return NULL;
}

static void own_and_exit(void *context)
{
    (void)context;
    ke_wait_for_object(&sh.mutant, NULL);
    ke_wait_for_object(&sh.mutant, NULL); /* recursive */
}

KTEST(ps, mutant_recursion_and_abandonment)
{
    init_shared();
    int32_t previous;
    KT_EQ(ke_release_mutant(&sh.mutant, &previous), STATUS_MUTANT_NOT_OWNED);
    KT_EQ(ke_wait_for_object(&sh.mutant, NULL), STATUS_WAIT_0);
    KT_EQ(ke_wait_for_object(&sh.mutant, NULL), STATUS_WAIT_0);
    KT_EQ(ke_release_mutant(&sh.mutant, &previous), STATUS_SUCCESS);
    KT_EQ(previous, -1);
    KT_EQ(ke_release_mutant(&sh.mutant, &previous), STATUS_SUCCESS);
    KT_TRUE(sh.mutant.owner == NULL);
    struct ps_thread *t = start_kernel_thread(own_and_exit, NULL);
    KT_EQ(join(t), STATUS_SUCCESS); /* ended owning the mutant twice */
    KT_TRUE(sh.mutant.owner == NULL);
    KT_EQ(ke_wait_for_object(&sh.mutant, NULL), STATUS_ABANDONED);
    KT_TRUE(sh.mutant.owner == ke_current_thread());
    KT_EQ(ke_wait_for_object(&sh.mutant, NULL), STATUS_WAIT_0); /* reported once */
    KT_EQ(ke_release_mutant(&sh.mutant, &previous), STATUS_SUCCESS);
    KT_EQ(ke_release_mutant(&sh.mutant, &previous), STATUS_SUCCESS);
    return NULL;
}

static void nothing(void *context) { (void)context; }

struct usage {
    uint32_t frames, sysva, objects;
    size_t thread_bytes;
};

static void measure(struct usage *u)
{
    struct mm_frame_stats s;
    mm_get_frame_stats(&s);
    u->frames = s.active - s.page_tables;
    u->sysva = mm_system_va_pages_free();
    u->objects = ps_thread_type.object_count;
    u->thread_bytes = mm_pool_tag_bytes(ps_thread_type.pool_tag);
}

KTEST(ps, thousand_thread_lifetimes_leak_nothing)
{
    struct usage before, after;
    struct ps_thread *warm = start_kernel_thread(nothing, NULL);
    KT_EQ(join(warm), STATUS_SUCCESS);
    measure(&before);
    for (int i = 0; i < 1000; i++) {
        struct ps_thread *t = start_kernel_thread(nothing, NULL);
        if (!t)
            return ktest_failf("thread %d could not be created", i);
        NTSTATUS status = join(t);
        if (status != STATUS_SUCCESS)
            return ktest_failf("thread %d ended with %08x", i, (uint32_t)status);
    }
    measure(&after);
    KT_EQ(after.frames, before.frames);
    KT_EQ(after.sysva, before.sysva);
    KT_EQ(after.objects, before.objects);
    KT_EQ(after.thread_bytes, before.thread_bytes);
    return NULL;
}

static void spin_until_go(void *context)
{
    (void)context;
    while (!sh.go.header.signal_state)
        ke_yield();
}

KTEST(ps, yield_round_robin)
{
    init_shared();
    struct ps_thread *t = start_kernel_thread(spin_until_go, NULL);
    uint64_t switches = ke_context_switches();
    KT_TRUE(ke_yield()); /* t is ready at our priority */
    KT_TRUE(ke_context_switches() > switches);
    ke_set_event(&sh.go);
    KT_EQ(join(t), STATUS_SUCCESS);
    return NULL;
}

static volatile NTSTATUS kernel_wait_result, user_wait_result;

static void kernel_waiter(void *context)
{
    (void)context;
    kernel_wait_result = ke_wait_for_object(&sh.go, NULL);
}

static void user_waiter(void *context)
{
    (void)context;
    void *object = &sh.go;
    user_wait_result = ke_wait_for_objects_user(1, &object, WaitAny, NULL);
}

/* Regression: ending a thread cut short every wait, also the kernel's own (a volume lock, a disk
 * transfer), so kernel code could go on without the lock it waited for. Only waits made for user
 * mode end early now, as in NT. */
KTEST(ps, termination_cuts_only_user_waits)
{
    init_shared();
    kernel_wait_result = user_wait_result = -1;
    struct ps_thread *k = start_kernel_thread(kernel_waiter, NULL);
    struct ps_thread *u = start_kernel_thread(user_waiter, NULL);
    KT_TRUE(k && u);
    ke_yield(); /* both block on the event */
    ps_terminate_thread(k, 0x77);
    ps_terminate_thread(u, 0x77);
    KT_EQ(join(u), STATUS_SUCCESS); /* a kernel thread that returns ends with success */
    KT_EQ(user_wait_result, STATUS_THREAD_IS_TERMINATING);
    KT_EQ(k->tcb.state, KE_THREAD_WAITING); /* still waiting: its wait is the kernel's */
    ke_set_event(&sh.go);
    KT_EQ(join(k), STATUS_SUCCESS);
    KT_EQ(kernel_wait_result, STATUS_WAIT_0);
    return NULL;
}
