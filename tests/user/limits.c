/* tests/user/limits.c: resource limits, driven by tests/kernel/ps_limits.c, which sets them up.
 *   limits mutant N             a mutant acquired N times (the kernel test lowered the limit to N)
 *                               refuses the next acquisition with STATUS_MUTANT_LIMIT_EXCEEDED
 * The exit status is the number of failed checks. */
#include "user/rt/rt.h"

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
    uint32_t n = 0;
    rt_subtest = argc > 1 ? argv[1] : "(none)";
    if (argc == 3 && !strcmp(argv[1], "mutant") && parse_decimal(argv[2], &n) && n > 0)
        mutant(n);
    else
        FAIL("usage: limits mutant N");
    return (int)rt_failures;
}
