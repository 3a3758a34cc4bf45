/* tests/user/sync.c: dispatcher objects and waits as NT defines them: notification and
 * synchronization events (with previous states), semaphores (limits), mutants (recursion, owners,
 * abandonment), WaitForMultipleObjects any/all with index results, timeouts measured against the
 * tick count, NtDelayExecution, NtSignalAndWaitForSingleObject, NtYieldExecution, the clock.
 *
 * Timing bound. A wait of T (100 ns units) is measured in clock ticks from a fresh tick
 * (rt_wait_next_tick) to the return, with hz = KUSER_SHARED_DATA.TimerHz:
 *     floor(T * hz / 10^7)  <=  elapsed ticks  <=  ceil(T * hz / 10^7) + 1
 * Lower: T of real time cannot contain fewer tick boundaries than floor(T / tick), so a kernel that
 * returns early fails. Upper: NT ends a timed wait at the first clock tick at or after its due
 * time, at most ceil(T / tick) ticks after the call; one more tick is allowed for a kernel that
 * rounds its deadline up by a tick and for a tick falling between our start and the call. Absolute
 * timeouts are one tick looser below, since the system time they are computed from is updated once
 * per tick. Runnable threads of other processes would stretch the upper bound: the kernel test runs
 * this program alone.
 *
 * Sub-tests (argv[1]): events event_waiters semaphores mutants mutant_owner abandoned wait_any
 * wait_all wait_limits timeouts absolute delay signal_and_wait yield clock. */
#include "user/rt/rt.h"

static const LARGE_INTEGER_QUAD zero_timeout = 0;
static const LARGE_INTEGER_QUAD five_seconds = RT_RELATIVE_MS(5000);

static HANDLE new_semaphore(int32_t initial, int32_t maximum)
{
    HANDLE h = NULL;
    CHECK_STATUS(NtCreateSemaphore(&h, SEMAPHORE_ALL_ACCESS, NULL, initial, maximum),
                 STATUS_SUCCESS);
    return h;
}

static HANDLE new_mutant(BOOLEAN owned)
{
    HANDLE h = NULL;
    CHECK_STATUS(NtCreateMutant(&h, MUTANT_ALL_ACCESS, NULL, owned), STATUS_SUCCESS);
    return h;
}

static void close_all(const HANDLE *handles, size_t count)
{
    for (size_t i = 0; i < count; i++)
        CHECK_STATUS(NtClose(handles[i]), STATUS_SUCCESS);
}
#define CLOSE_ALL(...)                                                                             \
    do {                                                                                           \
        const HANDLE all_[] = {__VA_ARGS__};                                                       \
        close_all(all_, ARRAY_SIZE(all_));                                                         \
    } while (0)

/* ---- timing (see the bound at the top) ---- */
struct timing {
    uint32_t start;
    uint64_t interval; /* 100 ns units */
    uint32_t slack_below;
};

static struct timing timing_begin(uint64_t interval_100ns, uint32_t slack_below)
{
    struct timing t = {rt_wait_next_tick(), interval_100ns, slack_below};
    return t;
}

static void timing_check(int line, const char *what, const struct timing *t)
{
    uint32_t elapsed = rt_tick_count() - t->start;
    uint64_t hz = rt_timer_hz();
    if (hz == 0) {
        rt_fail(line, "%s: KUSER_SHARED_DATA.TimerHz is 0", what);
        return;
    }
    uint64_t scaled = t->interval * hz;
    uint32_t low = (uint32_t)(scaled / 10000000u),
             high = (uint32_t)((scaled + 9999999u) / 10000000u);
    low = low > t->slack_below ? low - t->slack_below : 0;
    high += 1;
    if (elapsed < low || elapsed > high)
        rt_fail(line, "%s took %u ticks, expected %u..%u at %u Hz", what, elapsed, low, high,
                (uint32_t)hz);
}

/* Late by more than the bound? Under a loaded emulator the host can hold the guest back and then
 * deliver clock ticks in a burst, so one late wait says little; an early one is always a bug. */
static bool timing_late(const struct timing *t)
{
    uint64_t hz = rt_timer_hz();
    uint32_t high = (uint32_t)((t->interval * hz + 9999999u) / 10000000u) + 1;
    return rt_tick_count() - t->start > high;
}

/* Runs the statements timed; a late result is retried (up to three times), an early one is not. */
#define TIMING_TRIES 3
#define TIMED(what, interval, slack, ...)                                                          \
    do {                                                                                           \
        struct timing t_;                                                                          \
        for (int try_ = 0; try_ < TIMING_TRIES; try_++) {                                          \
            t_ = timing_begin(interval, slack);                                                    \
            __VA_ARGS__;                                                                           \
            if (!timing_late(&t_))                                                                 \
                break;                                                                             \
        }                                                                                          \
        timing_check(__LINE__, what, &t_);                                                         \
    } while (0)

/* ---- events ---- */
static void test_events(void)
{
    int32_t previous = -1;
    HANDLE n = rt_new_event(NotificationEvent, 0);
    CHECK_STATUS(rt_poll(n), STATUS_TIMEOUT);
    CHECK_STATUS(NtSetEvent(n, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(NtSetEvent(n, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 1);
    /* A notification event stays signaled through any number of waits. */
    CHECK_STATUS(rt_poll(n), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(n), STATUS_SUCCESS);
    CHECK_STATUS(NtResetEvent(n, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 1);
    CHECK_STATUS(rt_poll(n), STATUS_TIMEOUT);
    CHECK_STATUS(NtResetEvent(n, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(NtSetEvent(n, NULL), STATUS_SUCCESS); /* PreviousState is optional */

    /* A synchronization event is reset by the wait it satisfies. */
    HANDLE s = rt_new_event(SynchronizationEvent, 1);
    CHECK_STATUS(rt_poll(s), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(s), STATUS_TIMEOUT);
    CHECK_STATUS(NtSetEvent(s, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(NtSetEvent(s, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 1);
    CHECK_STATUS(rt_poll(s), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(s), STATUS_TIMEOUT);

    HANDLE on = rt_new_event(NotificationEvent, 1);
    CHECK_STATUS(rt_poll(on), STATUS_SUCCESS);

    /* Only the two event types exist. */
    HANDLE x = NULL;
    CHECK_STATUS(NtCreateEvent(&x, EVENT_ALL_ACCESS, NULL, (EVENT_TYPE)2, 0),
                 STATUS_INVALID_PARAMETER);
    CHECK_STATUS(NtCreateEvent(&x, EVENT_ALL_ACCESS, NULL, (EVENT_TYPE)-1, 0),
                 STATUS_INVALID_PARAMETER);
    CLOSE_ALL(n, s, on);
}

/* ---- event_waiters ---- */
struct waiter {
    HANDLE event;
    volatile uint32_t *ready, *released;
};

static NTSTATUS waiter_thread(void *arg)
{
    struct waiter *w = arg;
    __atomic_fetch_add(w->ready, 1, __ATOMIC_SEQ_CST);
    NTSTATUS status = NtWaitForSingleObject(w->event, 0, &five_seconds);
    __atomic_fetch_add(w->released, 1, __ATOMIC_SEQ_CST);
    return status;
}

/* Starts count waiters on event and returns once they have all had time to block. */
static void start_waiters(HANDLE event, HANDLE *threads, uint32_t count, struct waiter *w,
                          volatile uint32_t *ready, volatile uint32_t *released)
{
    *ready = *released = 0;
    w->event = event;
    w->ready = ready;
    w->released = released;
    for (uint32_t i = 0; i < count; i++)
        threads[i] = rt_start_thread(waiter_thread, w);
    for (int i = 0; i < 500 && *ready < count; i++)
        rt_sleep_ms(10);
    CHECK_EQ(*ready, count);
    rt_sleep_ms(50); /* from "ready" to blocked in the wait */
}

static void test_event_waiters(void)
{
    static volatile uint32_t ready, released;
    struct waiter w;
    HANDLE threads[3];
    int32_t previous = -1;

    /* Setting a notification event releases every waiter. */
    HANDLE n = rt_new_event(NotificationEvent, 0);
    start_waiters(n, threads, 3, &w, &ready, &released);
    CHECK_EQ(released, 0);
    CHECK_STATUS(NtSetEvent(n, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(NtWaitForMultipleObjects(3, threads, WaitAll, 0, &five_seconds), STATUS_SUCCESS);
    CHECK_EQ(released, 3);
    for (int i = 0; i < 3; i++)
        CHECK_STATUS(rt_join(threads[i]), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(n), STATUS_SUCCESS); /* and stays set */

    /* Setting a synchronization event releases one waiter and leaves the event reset. */
    HANDLE s = rt_new_event(SynchronizationEvent, 0);
    start_waiters(s, threads, 2, &w, &ready, &released);
    CHECK_STATUS(NtSetEvent(s, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    rt_sleep_ms(50);
    CHECK_EQ(released, 1);
    CHECK_STATUS(NtResetEvent(s, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0); /* the release consumed the signal */
    CHECK_STATUS(NtSetEvent(s, NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtWaitForMultipleObjects(2, threads, WaitAll, 0, &five_seconds), STATUS_SUCCESS);
    CHECK_EQ(released, 2);
    for (int i = 0; i < 2; i++)
        CHECK_STATUS(rt_join(threads[i]), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(s), STATUS_TIMEOUT);
    CLOSE_ALL(n, s);
}

/* ---- semaphores ---- */
static NTSTATUS semaphore_waiter(void *arg) { return NtWaitForSingleObject(arg, 0, &five_seconds); }

static void test_semaphores(void)
{
    int32_t previous = -1;
    HANDLE s = new_semaphore(2, 3);
    CHECK_STATUS(rt_poll(s), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(s), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(s), STATUS_TIMEOUT);
    CHECK_STATUS(NtReleaseSemaphore(s, 1, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(NtReleaseSemaphore(s, 2, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 1);
    /* Past the limit: an error, and nothing changes (count and PreviousCount). */
    previous = 0x5A5A;
    CHECK_STATUS(NtReleaseSemaphore(s, 1, &previous), STATUS_SEMAPHORE_LIMIT_EXCEEDED);
    CHECK_EQ(previous, 0x5A5A);
    for (int i = 0; i < 3; i++)
        CHECK_STATUS(rt_poll(s), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(s), STATUS_TIMEOUT);
    CHECK_STATUS(NtReleaseSemaphore(s, 4, NULL), STATUS_SEMAPHORE_LIMIT_EXCEEDED);
    CHECK_STATUS(rt_poll(s), STATUS_TIMEOUT);
    /* Release counts must be positive. */
    CHECK_STATUS(NtReleaseSemaphore(s, 0, NULL), STATUS_INVALID_PARAMETER);
    CHECK_STATUS(NtReleaseSemaphore(s, -1, NULL), STATUS_INVALID_PARAMETER);

    /* A release that would overflow the count is over the limit, not a wrap. */
    HANDLE big = new_semaphore(0x7FFFFFFE, 0x7FFFFFFF);
    CHECK_STATUS(NtReleaseSemaphore(big, 0x7FFFFFFF, NULL), STATUS_SEMAPHORE_LIMIT_EXCEEDED);
    CHECK_STATUS(NtReleaseSemaphore(big, 1, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0x7FFFFFFE);

    /* Bad counts at creation. */
    HANDLE x = NULL;
    CHECK_STATUS(NtCreateSemaphore(&x, SEMAPHORE_ALL_ACCESS, NULL, 2, 1), STATUS_INVALID_PARAMETER);
    CHECK_STATUS(NtCreateSemaphore(&x, SEMAPHORE_ALL_ACCESS, NULL, 0, 0), STATUS_INVALID_PARAMETER);
    CHECK_STATUS(NtCreateSemaphore(&x, SEMAPHORE_ALL_ACCESS, NULL, -1, 1),
                 STATUS_INVALID_PARAMETER);
    CHECK_STATUS(NtCreateSemaphore(&x, SEMAPHORE_ALL_ACCESS, NULL, 0, -5),
                 STATUS_INVALID_PARAMETER);

    /* A release wakes a blocked waiter with one unit and keeps the rest. */
    HANDLE z = new_semaphore(0, 10);
    HANDLE t = rt_start_thread(semaphore_waiter, z);
    rt_sleep_ms(50);
    CHECK_STATUS(NtReleaseSemaphore(z, 2, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(rt_join(t), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(z), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(z), STATUS_TIMEOUT);
    CLOSE_ALL(s, big, z);
}

/* ---- mutants ---- */
static void test_mutants(void)
{
    int32_t previous = 99;
    /* Created owned: one release, then not owned. */
    HANDLE m = new_mutant(1);
    CHECK_STATUS(NtReleaseMutant(m, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(NtReleaseMutant(m, &previous), STATUS_MUTANT_NOT_OWNED);

    /* Recursive acquisition: the signal state goes 1, 0, -1, -2 and back. */
    HANDLE r = new_mutant(0);
    for (int i = 0; i < 3; i++)
        CHECK_STATUS(rt_poll(r), STATUS_SUCCESS);
    CHECK_STATUS(NtReleaseMutant(r, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, -2);
    CHECK_STATUS(NtReleaseMutant(r, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, -1);
    CHECK_STATUS(NtReleaseMutant(r, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(NtReleaseMutant(r, NULL), STATUS_MUTANT_NOT_OWNED);
    /* Free again: a wait takes it. */
    CHECK_STATUS(rt_poll(r), STATUS_SUCCESS);
    CHECK_STATUS(NtReleaseMutant(r, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CLOSE_ALL(m, r);
}

/* ---- mutant_owner ---- */
struct owner_test {
    HANDLE mutant;
    NTSTATUS release, poll;
};

static NTSTATUS not_owner_thread(void *arg)
{
    struct owner_test *t = arg;
    t->release = NtReleaseMutant(t->mutant, NULL);
    t->poll = rt_poll(t->mutant);
    return STATUS_SUCCESS;
}

static NTSTATUS blocked_owner_thread(void *arg)
{
    HANDLE m = arg;
    NTSTATUS status = NtWaitForSingleObject(m, 0, &five_seconds);
    if (status == STATUS_SUCCESS)
        status = NtReleaseMutant(m, NULL);
    return status;
}

static void test_mutant_owner(void)
{
    struct owner_test t = {new_mutant(1), -1, -1};
    /* Another thread can neither release nor take a mutant this thread owns. */
    CHECK_STATUS(rt_join(rt_start_thread(not_owner_thread, &t)), STATUS_SUCCESS);
    CHECK_STATUS(t.release, STATUS_MUTANT_NOT_OWNED);
    CHECK_STATUS(t.poll, STATUS_TIMEOUT);
    /* A blocked waiter gets it when this thread releases it. */
    HANDLE waiter = rt_start_thread(blocked_owner_thread, t.mutant);
    rt_sleep_ms(50);
    CHECK_STATUS(NtReleaseMutant(t.mutant, NULL), STATUS_SUCCESS);
    CHECK_STATUS(rt_join(waiter), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(t.mutant), STATUS_SUCCESS); /* released by the waiter, free */
    CHECK_STATUS(NtReleaseMutant(t.mutant, NULL), STATUS_SUCCESS);
    CLOSE_ALL(t.mutant);
}

/* ---- abandoned ---- */
static NTSTATUS take_and_exit_thread(void *arg) { return rt_poll(arg); }

struct hold {
    HANDLE mutant, go;
};

static NTSTATUS take_wait_exit_thread(void *arg)
{
    struct hold *h = arg;
    NTSTATUS status = rt_poll(h->mutant);
    if (status == STATUS_SUCCESS)
        status = NtWaitForSingleObject(h->go, 0, &five_seconds);
    return status; /* ends owning the mutant */
}

static void test_abandoned(void)
{
    int32_t previous = 99;
    /* A thread ends owning the mutant: the next wait gets it with STATUS_ABANDONED. */
    HANDLE m = new_mutant(0);
    CHECK_STATUS(rt_join(rt_start_thread(take_and_exit_thread, m)), STATUS_SUCCESS);
    /* Releasing an abandoned mutant one does not own reports the abandonment (NT raises
     * STATUS_ABANDONED instead of STATUS_MUTANT_NOT_OWNED then). */
    CHECK_STATUS(NtReleaseMutant(m, NULL), STATUS_ABANDONED);
    CHECK_STATUS(rt_poll(m), STATUS_ABANDONED);
    CHECK_STATUS(NtReleaseMutant(m, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(rt_poll(m), STATUS_SUCCESS); /* the next owner gets a normal mutant */
    CHECK_STATUS(NtReleaseMutant(m, NULL), STATUS_SUCCESS);

    /* A thread blocked on the mutant when its owner ends wakes with STATUS_ABANDONED. The signal
     * and the wait are one step, so this thread is waiting before the owner can end. */
    struct hold h = {new_mutant(0), rt_new_event(NotificationEvent, 0)};
    HANDLE owner = rt_start_thread(take_wait_exit_thread, &h);
    rt_sleep_ms(50);
    CHECK_STATUS(NtSignalAndWaitForSingleObject(h.go, h.mutant, 0, &five_seconds),
                 STATUS_ABANDONED);
    CHECK_STATUS(rt_join(owner), STATUS_SUCCESS);
    CHECK_STATUS(NtReleaseMutant(h.mutant, NULL), STATUS_SUCCESS);

    /* WaitAny reports the index of the abandoned mutant. */
    HANDLE unsignaled = rt_new_event(NotificationEvent, 0);
    HANDLE a = new_mutant(0);
    CHECK_STATUS(rt_join(rt_start_thread(take_and_exit_thread, a)), STATUS_SUCCESS);
    HANDLE both[] = {unsignaled, a};
    CHECK_STATUS(NtWaitForMultipleObjects(2, both, WaitAny, 0, &zero_timeout),
                 STATUS_ABANDONED + 1);
    CHECK_STATUS(NtReleaseMutant(a, NULL), STATUS_SUCCESS);
    CLOSE_ALL(m, h.mutant, h.go, unsignaled, a);
}

/* ---- wait_any ---- */
static NTSTATUS set_later_thread(void *arg)
{
    rt_sleep_ms(30);
    return NtSetEvent(arg, NULL);
}

static void test_wait_any(void)
{
    /* The lowest signaled index wins. */
    HANDLE n[] = {rt_new_event(NotificationEvent, 0), rt_new_event(NotificationEvent, 1),
                  rt_new_event(NotificationEvent, 1)};
    CHECK_STATUS(NtWaitForMultipleObjects(3, n, WaitAny, 0, &zero_timeout), STATUS_WAIT_0 + 1);
    /* Only the object that satisfied the wait is consumed. */
    HANDLE s[] = {rt_new_event(SynchronizationEvent, 0), rt_new_event(SynchronizationEvent, 1),
                  rt_new_event(SynchronizationEvent, 1)};
    CHECK_STATUS(NtWaitForMultipleObjects(3, s, WaitAny, 0, &zero_timeout), STATUS_WAIT_0 + 1);
    CHECK_STATUS(rt_poll(s[1]), STATUS_TIMEOUT);
    CHECK_STATUS(rt_poll(s[2]), STATUS_SUCCESS);
    CHECK_STATUS(NtWaitForMultipleObjects(3, s, WaitAny, 0, &zero_timeout), STATUS_TIMEOUT);
    /* A semaphore gives one unit per satisfied wait. */
    HANDLE sem = new_semaphore(2, 5);
    HANDLE with_sem[] = {s[0], sem};
    CHECK_STATUS(NtWaitForMultipleObjects(2, with_sem, WaitAny, 0, &zero_timeout),
                 STATUS_WAIT_0 + 1);
    CHECK_STATUS(NtWaitForMultipleObjects(2, with_sem, WaitAny, 0, &zero_timeout),
                 STATUS_WAIT_0 + 1);
    CHECK_STATUS(NtWaitForMultipleObjects(2, with_sem, WaitAny, 0, &zero_timeout), STATUS_TIMEOUT);
    /* A blocked WaitAny wakes with the index of the object another thread signals. */
    HANDLE w[] = {rt_new_event(NotificationEvent, 0), rt_new_event(NotificationEvent, 0),
                  rt_new_event(NotificationEvent, 0)};
    HANDLE t = rt_start_thread(set_later_thread, w[2]);
    CHECK_STATUS(NtWaitForMultipleObjects(3, w, WaitAny, 0, &five_seconds), STATUS_WAIT_0 + 2);
    CHECK_STATUS(rt_join(t), STATUS_SUCCESS);
    /* The same handle many times is fine for WaitAny, up to MAXIMUM_WAIT_OBJECTS. */
    HANDLE many[MAXIMUM_WAIT_OBJECTS];
    for (int i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        many[i] = n[1];
    CHECK_STATUS(NtWaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, many, WaitAny, 0, &zero_timeout),
                 STATUS_WAIT_0);
    CLOSE_ALL(n[0], n[1], n[2], s[0], s[1], s[2], sem, w[0], w[1], w[2]);
}

/* ---- wait_all ---- */
static void test_wait_all(void)
{
    HANDLE n[] = {rt_new_event(NotificationEvent, 1), rt_new_event(NotificationEvent, 1)};
    CHECK_STATUS(NtWaitForMultipleObjects(2, n, WaitAll, 0, &zero_timeout), STATUS_WAIT_0);
    /* All or nothing: a synchronization event is not consumed while another object is not
     * signaled. */
    HANDLE s[] = {rt_new_event(SynchronizationEvent, 1), rt_new_event(SynchronizationEvent, 0)};
    CHECK_STATUS(NtWaitForMultipleObjects(2, s, WaitAll, 0, &zero_timeout), STATUS_TIMEOUT);
    CHECK_STATUS(rt_poll(s[0]), STATUS_SUCCESS);
    CHECK_STATUS(NtSetEvent(s[0], NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtSetEvent(s[1], NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtWaitForMultipleObjects(2, s, WaitAll, 0, &zero_timeout), STATUS_WAIT_0);
    CHECK_STATUS(rt_poll(s[0]), STATUS_TIMEOUT);
    CHECK_STATUS(rt_poll(s[1]), STATUS_TIMEOUT);
    /* A semaphore and a mutant together. */
    HANDLE sm[] = {new_semaphore(1, 1), new_mutant(0)};
    CHECK_STATUS(NtWaitForMultipleObjects(2, sm, WaitAll, 0, &zero_timeout), STATUS_WAIT_0);
    CHECK_STATUS(rt_poll(sm[0]), STATUS_TIMEOUT);
    CHECK_STATUS(NtReleaseMutant(sm[1], NULL), STATUS_SUCCESS);
    /* A blocked WaitAll wakes when the last object is signaled. */
    HANDLE w[] = {rt_new_event(NotificationEvent, 1), rt_new_event(NotificationEvent, 0)};
    HANDLE t = rt_start_thread(set_later_thread, w[1]);
    CHECK_STATUS(NtWaitForMultipleObjects(2, w, WaitAll, 0, &five_seconds), STATUS_WAIT_0);
    CHECK_STATUS(rt_join(t), STATUS_SUCCESS);
    /* One object twice, by the same handle or by two, is a parameter mix for WaitAll. */
    HANDLE twice[] = {n[0], n[0]};
    CHECK_STATUS(NtWaitForMultipleObjects(2, twice, WaitAll, 0, &zero_timeout),
                 STATUS_INVALID_PARAMETER_MIX);
    HANDLE d = NULL;
    CHECK_STATUS(NtDuplicateObject(NtCurrentProcess(), n[0], NtCurrentProcess(), &d, 0, 0,
                                   DUPLICATE_SAME_ACCESS),
                 STATUS_SUCCESS);
    HANDLE aliased[] = {n[0], d};
    CHECK_STATUS(NtWaitForMultipleObjects(2, aliased, WaitAll, 0, &zero_timeout),
                 STATUS_INVALID_PARAMETER_MIX);
    CLOSE_ALL(n[0], n[1], s[0], s[1], sm[0], sm[1], w[0], w[1], d);
}

/* ---- wait_limits ---- */
static void test_wait_limits(void)
{
    HANDLE e = rt_new_event(NotificationEvent, 1);
    HANDLE many[MAXIMUM_WAIT_OBJECTS + 1];
    for (int i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
        many[i] = e;
    /* NT checks the count and the wait type before it reads the array, and reports which
     * parameter is wrong: _1 for the count, _3 for the type. */
    CHECK_STATUS(NtWaitForMultipleObjects(0, many, WaitAny, 0, &zero_timeout),
                 STATUS_INVALID_PARAMETER_1);
    CHECK_STATUS(
        NtWaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, many, WaitAny, 0, &zero_timeout),
        STATUS_INVALID_PARAMETER_1);
    /* 0x40000001 handles would be 4 bytes if the size were computed first and wrapped. */
    CHECK_STATUS(NtWaitForMultipleObjects(0x40000001, many, WaitAny, 0, &zero_timeout),
                 STATUS_INVALID_PARAMETER_1);
    CHECK_STATUS(NtWaitForMultipleObjects(0xFFFFFFFF, many, WaitAny, 0, &zero_timeout),
                 STATUS_INVALID_PARAMETER_1);
    CHECK_STATUS(NtWaitForMultipleObjects(2, many, (WAIT_TYPE)2, 0, &zero_timeout),
                 STATUS_INVALID_PARAMETER_3);
    CHECK_STATUS(NtWaitForMultipleObjects(2, many, (WAIT_TYPE)-1, 0, &zero_timeout),
                 STATUS_INVALID_PARAMETER_3);
    CHECK_STATUS(NtWaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, many, WaitAny, 0, &zero_timeout),
                 STATUS_WAIT_0);
    /* A bad handle anywhere in the array. */
    HANDLE bad[] = {e, (HANDLE)0x1234, e};
    CHECK_STATUS(NtWaitForMultipleObjects(3, bad, WaitAny, 0, &zero_timeout),
                 STATUS_INVALID_HANDLE);
    CLOSE_ALL(e);
}

/* ---- timeouts ---- */
static void test_timeouts(void)
{
    HANDLE e = rt_new_event(NotificationEvent, 0);
    HANDLE pair[] = {e, rt_new_event(SynchronizationEvent, 0)};
    LARGE_INTEGER_QUAD timeout;

    /* A zero timeout polls: no waiting at all. */
    TIMED("a poll", 0, 0, { CHECK_STATUS(rt_poll(e), STATUS_TIMEOUT); });

    static const uint32_t ms[] = {50, 120};
    for (size_t i = 0; i < ARRAY_SIZE(ms); i++) {
        timeout = RT_RELATIVE_MS(ms[i]);
        TIMED("NtWaitForSingleObject with a relative timeout", (uint64_t)ms[i] * 10000, 0,
              { CHECK_STATUS(NtWaitForSingleObject(e, 0, &timeout), STATUS_TIMEOUT); });
    }
    timeout = RT_RELATIVE_MS(50);
    TIMED("NtWaitForMultipleObjects(WaitAny) with a relative timeout", 500000, 0, {
        CHECK_STATUS(NtWaitForMultipleObjects(2, pair, WaitAny, 0, &timeout), STATUS_TIMEOUT);
    });
    TIMED("NtWaitForMultipleObjects(WaitAll) with a relative timeout", 500000, 0, {
        CHECK_STATUS(NtWaitForMultipleObjects(2, pair, WaitAll, 0, &timeout), STATUS_TIMEOUT);
    });

    /* The shortest relative timeout, 100 ns, still ends at a clock tick. */
    timeout = -1;
    TIMED("a 100 ns timeout", 1, 0,
          { CHECK_STATUS(NtWaitForSingleObject(e, 0, &timeout), STATUS_TIMEOUT); });

    /* A wait satisfied before its timeout returns then, not at the timeout. */
    timeout = RT_RELATIVE_MS(3000);
    HANDLE setter = rt_start_thread(set_later_thread, e);
    uint32_t start = rt_tick_count();
    CHECK_STATUS(NtWaitForSingleObject(e, 0, &timeout), STATUS_SUCCESS);
    CHECK(rt_tick_count() - start < rt_timer_hz()); /* well under a second, let alone 3 */
    CHECK_STATUS(rt_join(setter), STATUS_SUCCESS);
    CLOSE_ALL(e, pair[1]);
}

/* ---- absolute ---- */
static void test_absolute(void)
{
    HANDLE e = rt_new_event(NotificationEvent, 0);
    LARGE_INTEGER_QUAD now = 0, due;

    TIMED("a wait until an absolute time 50 ms ahead", 500000, 1, {
        CHECK_STATUS(NtQuerySystemTime(&now), STATUS_SUCCESS);
        due = now + 500000; /* 50 ms from now */
        CHECK_STATUS(NtWaitForSingleObject(e, 0, &due), STATUS_TIMEOUT);
    });

    /* A due time in the past times out at once. */
    due = now - 10000000;
    TIMED("a wait until a past time", 0, 0,
          { CHECK_STATUS(NtWaitForSingleObject(e, 0, &due), STATUS_TIMEOUT); });
    due = 1; /* 1601 */
    TIMED("a wait until 1601", 0, 0,
          { CHECK_STATUS(NtWaitForSingleObject(e, 0, &due), STATUS_TIMEOUT); });
    TIMED("a delay until 1601", 0, 0, { CHECK_STATUS(NtDelayExecution(0, &due), STATUS_SUCCESS); });
    CLOSE_ALL(e);
}

/* ---- delay ---- */
static void test_delay(void)
{
    LARGE_INTEGER_QUAD interval = RT_RELATIVE_MS(50);
    TIMED("NtDelayExecution(50 ms)", 500000, 0,
          { CHECK_STATUS(NtDelayExecution(0, &interval), STATUS_SUCCESS); });
    /* Alertable, with nothing to deliver, is an ordinary delay. */
    interval = RT_RELATIVE_MS(20);
    TIMED("an alertable NtDelayExecution(20 ms)", 200000, 0,
          { CHECK_STATUS(NtDelayExecution(1, &interval), STATUS_SUCCESS); });
    /* A zero delay returns at once. */
    interval = 0;
    TIMED("NtDelayExecution(0)", 0, 0,
          { CHECK_STATUS(NtDelayExecution(0, &interval), STATUS_SUCCESS); });
}

/* ---- signal_and_wait ---- */
struct ping_pong {
    HANDLE ping, pong;
    volatile uint32_t turn; /* even: the main thread's turn, odd: the partner's */
    uint32_t rounds;
    volatile uint32_t errors;
};

static NTSTATUS pong_thread(void *arg)
{
    struct ping_pong *p = arg;
    NTSTATUS status = NtWaitForSingleObject(p->pong, 0, &five_seconds);
    for (uint32_t i = 0; i < p->rounds && status == STATUS_SUCCESS; i++) {
        if (p->turn != 2 * i + 1)
            p->errors++;
        p->turn++;
        if (i + 1 == p->rounds)
            return NtSetEvent(p->ping, NULL);
        status = NtSignalAndWaitForSingleObject(p->ping, p->pong, 0, &five_seconds);
    }
    return status;
}

static void test_signal_and_wait(void)
{
    HANDLE target = rt_new_event(SynchronizationEvent, 0);
    HANDLE off = rt_new_event(NotificationEvent, 0), on = rt_new_event(NotificationEvent, 1);
    /* It signals, then waits. */
    CHECK_STATUS(NtSignalAndWaitForSingleObject(target, off, 0, &zero_timeout), STATUS_TIMEOUT);
    CHECK_STATUS(rt_poll(target), STATUS_SUCCESS);
    CHECK_STATUS(NtSignalAndWaitForSingleObject(target, on, 0, &zero_timeout), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(target), STATUS_SUCCESS);
    /* Signaling and waiting on the same synchronization event consumes the signal. */
    CHECK_STATUS(NtSignalAndWaitForSingleObject(target, target, 0, &zero_timeout), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(target), STATUS_TIMEOUT);

    /* A semaphore is released by one; at its limit nothing is signaled and nothing waited. */
    HANDLE sem = new_semaphore(0, 1);
    CHECK_STATUS(NtSignalAndWaitForSingleObject(sem, on, 0, &zero_timeout), STATUS_SUCCESS);
    CHECK_STATUS(NtSignalAndWaitForSingleObject(sem, on, 0, &zero_timeout),
                 STATUS_SEMAPHORE_LIMIT_EXCEEDED);
    CHECK_STATUS(rt_poll(sem), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(sem), STATUS_TIMEOUT);

    /* A mutant must be owned to be released this way. */
    HANDLE m = new_mutant(0);
    CHECK_STATUS(NtSignalAndWaitForSingleObject(m, on, 0, &zero_timeout), STATUS_MUTANT_NOT_OWNED);
    CHECK_STATUS(rt_poll(m), STATUS_SUCCESS);
    CHECK_STATUS(NtSignalAndWaitForSingleObject(m, on, 0, &zero_timeout), STATUS_SUCCESS);
    CHECK_STATUS(NtReleaseMutant(m, NULL), STATUS_MUTANT_NOT_OWNED); /* it was released */

    /* Two threads alternate strictly through two synchronization events. */
    struct ping_pong p = {rt_new_event(SynchronizationEvent, 0),
                          rt_new_event(SynchronizationEvent, 0), 0, 1000, 0};
    HANDLE partner = rt_start_thread(pong_thread, &p);
    NTSTATUS status = STATUS_SUCCESS;
    for (uint32_t i = 0; i < p.rounds && status == STATUS_SUCCESS; i++) {
        if (p.turn != 2 * i)
            p.errors++;
        p.turn++;
        status = NtSignalAndWaitForSingleObject(p.pong, p.ping, 0, &five_seconds);
    }
    CHECK_STATUS(status, STATUS_SUCCESS);
    CHECK_STATUS(rt_join(partner), STATUS_SUCCESS);
    CHECK_EQ(p.turn, 2 * p.rounds);
    CHECK_EQ(p.errors, 0);
    CLOSE_ALL(target, off, on, sem, m, p.ping, p.pong);
}

/* ---- yield ---- */
struct spinner {
    volatile uint32_t count, stop;
};

static NTSTATUS spinner_thread(void *arg)
{
    struct spinner *s = arg;
    while (!s->stop)
        s->count++;
    return STATUS_SUCCESS;
}

static void test_yield(void)
{
    /* Nothing else is ready: NT reports that it did not switch (SwitchToThread's FALSE). */
    CHECK_STATUS(NtYieldExecution(), STATUS_NO_YIELD_PERFORMED);
    /* With a ready thread of the same priority, yielding runs it. */
    struct spinner s = {0, 0};
    HANDLE t = rt_start_thread(spinner_thread, &s);
    /* It starts in ntdll's LdrInitializeThunk, whose system calls may give the processor back
     * before it counts (copyyield=1 yields at every copy): let it reach its loop first. */
    for (int i = 0; i < 1000 && !s.count; i++)
        rt_sleep_ms(1);
    uint32_t before = s.count;
    CHECK_STATUS(NtYieldExecution(), STATUS_SUCCESS);
    CHECK(s.count != before);
    s.stop = 1;
    CHECK_STATUS(rt_join(t), STATUS_SUCCESS);
}

/* ---- clock ---- */
static LARGE_INTEGER_QUAD shared_system_time(void)
{
    const volatile KSYSTEM_TIME *st = &RT_SHARED_DATA->SystemTime;
    for (;;) {
        int32_t high = st->High1Time;
        uint32_t low = st->LowPart;
        if (high == st->High2Time)
            return ((LARGE_INTEGER_QUAD)high << 32) | low;
    }
}

static void test_clock(void)
{
    const volatile PAGODA_KUSER_SHARED_DATA *k = RT_SHARED_DATA;
    uint32_t hz = k->TimerHz;
    CHECK(hz >= 19 && hz <= 1000); /* the kernel's hz= range */
    CHECK_EQ(k->PageSize, 4096);
    CHECK(k->HighestUserAddress == 0x7FFEFFFF || k->HighestUserAddress == 0xBFFEFFFF);
    /* ms per tick in 8.24 fixed point, as NT's TickCountMultiplier; within 0.1% of 1000/hz, for
     * the rounding of the PIT's divisor. */
    if (hz) {
        uint32_t want = (uint32_t)((1000ull << 24) / hz), got = k->TickCountMultiplier;
        if (got < want - want / 1000 || got > want + want / 1000)
            FAIL("TickCountMultiplier is 0x%X, expected about 0x%X (1000/%u ms in 8.24)", got, want,
                 hz);
    }

    /* The tick count advances. */
    uint32_t t0 = rt_tick_count();
    CHECK(rt_wait_next_tick() != t0);

    /* NtGetTickCount is the tick count in milliseconds, as NT computes it. */
    uint64_t before = rt_tick_count64();
    uint32_t ms = NtGetTickCount();
    uint64_t after = rt_tick_count64();
    uint32_t low = (uint32_t)((before * k->TickCountMultiplier) >> 24);
    uint32_t high = (uint32_t)((after * k->TickCountMultiplier) >> 24);
    if (ms < low || ms > high)
        FAIL("NtGetTickCount() = %u, expected %u..%u from TickCount", ms, low, high);

    /* System time: after 2000, moving forward by the time slept, and the same in
     * KUSER_SHARED_DATA.SystemTime give or take a tick. */
    LARGE_INTEGER_QUAD a = 0, b = 0;
    CHECK_STATUS(NtQuerySystemTime(&a), STATUS_SUCCESS);
    CHECK(a > 125911584000000000ll); /* 2000-01-01 */
    LARGE_INTEGER_QUAD shared = shared_system_time();
    LARGE_INTEGER_QUAD tick = hz ? 10000000 / hz : 0;
    CHECK(shared >= a - tick - 1 && shared <= a + 2 * tick);
    rt_sleep_ms(50);
    CHECK_STATUS(NtQuerySystemTime(&b), STATUS_SUCCESS);
    CHECK(b - a >= 500000 - tick && b - a < 50000000);
}

static const struct rt_subtest tests[] = {
    {"events", test_events},
    {"event_waiters", test_event_waiters},
    {"semaphores", test_semaphores},
    {"mutants", test_mutants},
    {"mutant_owner", test_mutant_owner},
    {"abandoned", test_abandoned},
    {"wait_any", test_wait_any},
    {"wait_all", test_wait_all},
    {"wait_limits", test_wait_limits},
    {"timeouts", test_timeouts},
    {"absolute", test_absolute},
    {"delay", test_delay},
    {"signal_and_wait", test_signal_and_wait},
    {"yield", test_yield},
    {"clock", test_clock},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
