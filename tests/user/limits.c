/* tests/user/limits.c: resource limits, driven by tests/kernel/ps_limits.c, which sets them up.
 *   limits flood FULL DONE      fills this process's pool quota with events, then (with one event)
 *                               with handle duplicates: each flood must end with
 *                               STATUS_QUOTA_EXCEEDED near the quota that ProcessQuotaLimits
 *                               reports, never with the system's own exhaustion; then sets FULL and
 *                               waits for DONE, still at its quota
 *   limits neighbour FULL DONE  creates and closes objects all through the flood, then again while
 *                               the flooder sits at its quota, starts a thread, and sets DONE
 *   limits mutant N             a mutant acquired N times (the kernel test lowered the limit to N)
 *                               refuses the next acquisition with STATUS_MUTANT_LIMIT_EXCEEDED
 * FULL and DONE are handles (decimal) to notification events the kernel test put in the process.
 * The exit status is the number of failed checks. */
#include "user/rt/rt.h"

#define MAX_EVENTS  32768u
#define YIELD_EVERY 32u /* the flooder lets the neighbour run this often */

static HANDLE events[MAX_EVENTS];
static const LARGE_INTEGER_QUAD thirty_seconds = RT_RELATIVE_MS(30000);

static bool parse_decimal(const char *s, uint32_t *value)
{
    uint32_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 100000000u)
            return false;
        v = v * 10 + (uint32_t)(*s - '0');
    }
    *value = v;
    return true;
}

/* ---- flood ---- */

static uint32_t quota_limit(void)
{
    QUOTA_LIMITS limits;
    uint32_t length = 0;
    memset(&limits, 0, sizeof limits);
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessQuotaLimits, &limits,
                                           sizeof limits, &length),
                 STATUS_SUCCESS);
    CHECK_EQ(length, sizeof limits);
    CHECK(limits.TimeLimit == -1);
    return limits.NonPagedPoolLimit;
}

static VM_COUNTERS_EX vm_counters(void)
{
    VM_COUNTERS_EX vm;
    memset(&vm, 0, sizeof vm);
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessVmCounters, &vm,
                                           VM_COUNTERS_SIZE, NULL),
                 STATUS_SUCCESS);
    return vm;
}

/* The lengths NT accepts: QUOTA_LIMITS; VM_COUNTERS or VM_COUNTERS_EX. */
static void check_information_lengths(void)
{
    uint8_t buf[64];
    uint32_t length = 0;
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessVmCounters, buf, 48, &length),
                 STATUS_SUCCESS);
    CHECK_EQ(length, sizeof(VM_COUNTERS_EX));
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessVmCounters, buf, 44, &length),
                 STATUS_SUCCESS);
    CHECK_EQ(length, VM_COUNTERS_SIZE);
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessVmCounters, buf, 40, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessQuotaLimits, buf, 28, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessQuotaLimits, buf, 36, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
}

/* At a quota refusal: the charge is within the limit, and above `floor` of it. */
static void check_near_quota(uint32_t limit, uint32_t floor)
{
    VM_COUNTERS_EX vm = vm_counters();
    CHECK(vm.QuotaNonPagedPoolUsage <= limit);
    CHECK(vm.QuotaPeakNonPagedPoolUsage <= limit);
    if (vm.QuotaNonPagedPoolUsage <= floor)
        FAIL("at the quota: %u of %u bytes charged, expected more than %u",
             vm.QuotaNonPagedPoolUsage, limit, floor);
}

/* Events until the quota refuses one: an event (72 bytes) and its handle (8, in a table that
 * doubles) leave less than a fifth of the quota unused. */
static void flood_events(uint32_t limit)
{
    uint32_t n = 0;
    NTSTATUS status = STATUS_SUCCESS;
    while (n < MAX_EVENTS && NT_SUCCESS(status)) {
        status = NtCreateEvent(&events[n], EVENT_ALL_ACCESS, NULL, NotificationEvent, 0);
        if (NT_SUCCESS(status) && ++n % YIELD_EVERY == 0)
            NtYieldExecution();
    }
    CHECK_STATUS(status, STATUS_QUOTA_EXCEEDED);
    check_near_quota(limit, limit / 5 * 4);
    for (uint32_t i = 0; i < n; i++)
        if (!CHECK_STATUS(NtClose(events[i]), STATUS_SUCCESS))
            break;
    CHECK(vm_counters().QuotaNonPagedPoolUsage < limit / 2); /* the events' share came back */
}

/* Duplicates until the handle table cannot grow: it doubles, and for a moment the process pays for
 * the old array and the new one, so up to two thirds of the quota go unused. */
static void flood_handles(uint32_t limit)
{
    HANDLE source = rt_new_event(NotificationEvent, 0), h;
    uint32_t n = 0, most = limit / 8 + 1; /* a handle takes 8 bytes: more cannot fit */
    NTSTATUS status = STATUS_SUCCESS;
    while (n < most && NT_SUCCESS(status)) {
        status = NtDuplicateObject(NtCurrentProcess(), source, NtCurrentProcess(), &h, 0, 0,
                                   DUPLICATE_SAME_ACCESS);
        if (NT_SUCCESS(status) && ++n % YIELD_EVERY == 0)
            NtYieldExecution();
    }
    CHECK_STATUS(status, STATUS_QUOTA_EXCEEDED);
    check_near_quota(limit, limit / 4);
    /* The table is full and cannot grow: a new object has nowhere to go either. */
    CHECK_STATUS(NtCreateEvent(&h, EVENT_ALL_ACCESS, NULL, NotificationEvent, 0),
                 STATUS_QUOTA_EXCEEDED);
}

static void flood(HANDLE full, HANDLE done)
{
    uint32_t limit = quota_limit();
    check_information_lengths();
    if (CHECK(limit / 80 < MAX_EVENTS)) { /* the events must run out before the array */
        flood_events(limit);
        flood_handles(limit);
    }
    CHECK_STATUS(NtSetEvent(full, NULL), STATUS_SUCCESS); /* even after a failure: B waits for it */
    CHECK_STATUS(NtWaitForSingleObject(done, 0, &thirty_seconds), STATUS_SUCCESS);
    /* The handles stay open: ending the process must give everything back. */
}

/* ---- neighbour ---- */

static NTSTATUS return_arg(void *arg) { return (NTSTATUS)(uintptr_t)arg; }

/* One round of ordinary work with objects; false (after reporting) if any step failed. */
static bool churn(void)
{
    HANDLE e = NULL, m = NULL;
    bool ok = CHECK_STATUS(NtCreateEvent(&e, EVENT_ALL_ACCESS, NULL, SynchronizationEvent, 1),
                           STATUS_SUCCESS) &&
              CHECK_STATUS(rt_poll(e), STATUS_SUCCESS) &&
              CHECK_STATUS(NtCreateMutant(&m, MUTANT_ALL_ACCESS, NULL, 1), STATUS_SUCCESS) &&
              CHECK_STATUS(NtReleaseMutant(m, NULL), STATUS_SUCCESS);
    if (e)
        ok &= CHECK_STATUS(NtClose(e), STATUS_SUCCESS);
    if (m)
        ok &= CHECK_STATUS(NtClose(m), STATUS_SUCCESS);
    return ok;
}

static void neighbour(HANDLE full, HANDLE done)
{
    uint32_t during = 0, after = 0;
    while (rt_poll(full) == STATUS_TIMEOUT && during < 1000000 && churn()) {
        during++;
        NtYieldExecution(); /* back to the flooder */
    }
    /* The flooder yields every YIELD_EVERY objects, thousands of them: the neighbour ran in
     * between all along, not only before or after. */
    if (during < 20)
        FAIL("only %u rounds of work while the other process flooded its quota", during);
    while (after < 100 && churn())
        after++;
    CHECK_EQ(after, 100);
    HANDLE t = rt_start_thread(return_arg, (void *)7);
    if (t)
        CHECK_EQ(rt_join(t), 7);
    CHECK_STATUS(NtSetEvent(done, NULL), STATUS_SUCCESS);
}

/* ---- mutant ---- */

static void check_limit_waits(HANDLE m)
{
    HANDLE unset = rt_new_event(NotificationEvent, 0), set = rt_new_event(SynchronizationEvent, 1);
    HANDLE any_unset[2] = {unset, m}, any_set[2] = {set, m};
    CHECK_STATUS(rt_poll(m), STATUS_MUTANT_LIMIT_EXCEEDED);
    CHECK_STATUS(NtWaitForSingleObject(m, 0, NULL), STATUS_MUTANT_LIMIT_EXCEEDED);
    CHECK_STATUS(NtWaitForMultipleObjects(2, any_unset, WaitAny, 0, NULL),
                 STATUS_MUTANT_LIMIT_EXCEEDED);
    /* WaitAll refuses whatever else is signaled, and takes nothing. */
    CHECK_STATUS(NtWaitForMultipleObjects(2, any_set, WaitAll, 0, NULL),
                 STATUS_MUTANT_LIMIT_EXCEEDED);
    /* WaitAny takes the first signaled object before it gets to the mutant. */
    CHECK_STATUS(NtWaitForMultipleObjects(2, any_set, WaitAny, 0, NULL), STATUS_WAIT_0);
    /* NtSignalAndWaitForSingleObject signals first, then its wait fails. */
    CHECK_STATUS(NtSignalAndWaitForSingleObject(unset, m, 0, NULL), STATUS_MUTANT_LIMIT_EXCEEDED);
    CHECK_STATUS(rt_poll(unset), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(unset), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(set), STATUS_SUCCESS);
}

/* Acquires m up to n times in all (already owned `owned` times), checks the limit, then releases
 * it n times: the previous counts go back up from 1 - n to 0. */
static void exhaust_and_release(HANDLE m, uint32_t n, uint32_t owned)
{
    for (uint32_t i = owned; i < n; i++)
        CHECK_STATUS(rt_poll(m), STATUS_SUCCESS);
    check_limit_waits(m);
    for (uint32_t i = 0; i < n; i++) {
        int32_t previous = 1;
        CHECK_STATUS(NtReleaseMutant(m, &previous), STATUS_SUCCESS);
        CHECK_EQ(previous, (int32_t)(i + 1 - n));
    }
    CHECK_STATUS(NtReleaseMutant(m, NULL), STATUS_MUTANT_NOT_OWNED);
    CHECK_STATUS(NtClose(m), STATUS_SUCCESS);
}

static void mutant(uint32_t n)
{
    HANDLE m = NULL;
    if (CHECK_STATUS(NtCreateMutant(&m, MUTANT_ALL_ACCESS, NULL, 0), STATUS_SUCCESS))
        exhaust_and_release(m, n, 0);
    if (CHECK_STATUS(NtCreateMutant(&m, MUTANT_ALL_ACCESS, NULL, 1), STATUS_SUCCESS))
        exhaust_and_release(m, n, 1); /* created owned: the first acquisition counts */
}

int main(int argc, char **argv)
{
    uint32_t a = 0, b = 0;
    bool two = argc == 4 && parse_decimal(argv[2], &a) && parse_decimal(argv[3], &b);
    rt_subtest = argc > 1 ? argv[1] : "(none)";
    if (two && !strcmp(argv[1], "flood"))
        flood((HANDLE)(uintptr_t)a, (HANDLE)(uintptr_t)b);
    else if (two && !strcmp(argv[1], "neighbour"))
        neighbour((HANDLE)(uintptr_t)a, (HANDLE)(uintptr_t)b);
    else if (argc == 3 && !strcmp(argv[1], "mutant") && parse_decimal(argv[2], &a) && a > 0)
        mutant(a);
    else
        FAIL("usage: limits flood|neighbour FULL DONE, or limits mutant N");
    return (int)rt_failures;
}
