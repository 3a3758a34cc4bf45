/* user/rt/check.c: how the test programs (tests/user) check and report. Every check is a result
 * that tests/run counts: a failed one prints its own line at once,
 *     "  check PROGRAM.SUBTEST: what, expected and actual (line N)",
 * and the passed ones are counted and printed once a sub-test ends (or the program, for the checks
 * outside a sub-test), with the failed ones:
 *     "checks PROGRAM.SUBTEST: P passed, F failed".
 * Neither starts with "ok " or "FAIL ", the kernel's own results. The kernel test still judges the
 * exit status, which is the number of failed checks. (docs/decisions.md: "Every user-mode check is
 * a result".) */
#include "kernel/rtl/format.h"
#include "user/rt/rt.h"

volatile uint32_t rt_failures;
const char *volatile rt_subtest = "";

/* The sub-test of rt_run_subtests whose checks are being counted (NULL: none, then rt_subtest
 * names the checks), and its counts since the last "checks" line. */
static const char *volatile rt_scope;
static volatile uint32_t rt_scope_passed, rt_scope_failed;

/* A broken kernel can fail thousands of checks; the console shows the first ones. */
#define RT_MAX_REPORTED 100

static const char *scope_name(void) { return rt_scope ? rt_scope : rt_subtest; }

/* "PROGRAM.SCOPE", or "PROGRAM" for a program that names no sub-test. */
static void result_name(char *out, size_t size)
{
    const char *scope = scope_name();
    rtl_snprintf(out, size, *scope ? "%s.%s" : "%s", rt_name, scope);
}

static void count_pass(void) { __atomic_add_fetch(&rt_scope_passed, 1, __ATOMIC_RELAXED); }

static uint32_t count_failure(void)
{
    __atomic_add_fetch(&rt_scope_failed, 1, __ATOMIC_RELAXED);
    return __atomic_add_fetch(&rt_failures, 1, __ATOMIC_RELAXED);
}

void rt_fail(int line, const char *fmt, ...)
{
    char message[RT_PRINT_MAX / 2], name[64];
    va_list ap;
    va_start(ap, fmt);
    rtl_vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    uint32_t n = count_failure();
    result_name(name, sizeof name);
    /* A label a test set inside its sub-test (e.g. the forged handle being tried) goes first. */
    const char *label = rt_scope && strcmp(rt_subtest, rt_scope) != 0 ? rt_subtest : "";
    if (n < RT_MAX_REPORTED)
        rt_print("  check %s: %s%s%s (line %d)\n", name, label, *label ? ": " : "", message, line);
    else if (n == RT_MAX_REPORTED)
        rt_print("  %s: more failed checks are counted but not shown\n", name);
}

void rt_report_checks(void)
{
    char name[64];
    uint32_t passed = __atomic_exchange_n(&rt_scope_passed, 0, __ATOMIC_RELAXED);
    uint32_t failed = __atomic_exchange_n(&rt_scope_failed, 0, __ATOMIC_RELAXED);
    if (passed == 0 && failed == 0)
        return;
    result_name(name, sizeof name);
    rt_print("checks %s: %u passed, %u failed\n", name, passed, failed);
}

bool rt_check_status(int line, const char *expr, NTSTATUS actual, NTSTATUS expected)
{
    if (actual == expected) {
        count_pass();
        return true;
    }
    rt_fail(line, "%s returned 0x%08X, expected 0x%08X", expr, (uint32_t)actual,
            (uint32_t)expected);
    return false;
}

bool rt_check_value(int line, const char *expr, uint32_t actual, uint32_t expected)
{
    if (actual == expected) {
        count_pass();
        return true;
    }
    rt_fail(line, "%s is 0x%X (%d), expected 0x%X (%d)", expr, actual, (int32_t)actual, expected,
            (int32_t)expected);
    return false;
}

bool rt_check_true(int line, const char *expr, bool value)
{
    if (value)
        count_pass();
    else
        rt_fail(line, "expected %s", expr);
    return value;
}

static void run_subtest(const char *name, const struct rt_subtest *test)
{
    rt_scope = rt_subtest = name;
    if (test)
        test->run();
    else
        FAIL("no such sub-test");
    rt_report_checks();
    rt_scope = NULL;
}

int rt_run_subtests(int argc, char **argv, const struct rt_subtest *tests, size_t count)
{
    if (argc < 2) {
        for (size_t i = 0; i < count; i++)
            run_subtest(tests[i].name, &tests[i]);
        return (int)rt_failures;
    }
    for (int a = 1; a < argc; a++) {
        size_t i = 0;
        while (i < count && strcmp(tests[i].name, argv[a]) != 0)
            i++;
        run_subtest(argv[a], i < count ? &tests[i] : NULL);
    }
    return (int)rt_failures;
}

HANDLE rt_start_thread(rt_thread_routine routine, void *arg)
{
    HANDLE h = NULL;
    CHECK_STATUS(rt_create_thread(routine, arg, &h), STATUS_SUCCESS);
    return h;
}

NTSTATUS rt_join(HANDLE thread)
{
    static const LARGE_INTEGER_QUAD five_seconds = RT_RELATIVE_MS(5000);
    THREAD_BASIC_INFORMATION info;
    memset(&info, 0, sizeof info);
    if (!CHECK_STATUS(NtWaitForSingleObject(thread, 0, &five_seconds), STATUS_SUCCESS)) {
        NtTerminateThread(thread, STATUS_TIMEOUT);
        NtWaitForSingleObject(thread, 0, &five_seconds);
    }
    CHECK_STATUS(NtQueryInformationThread(thread, ThreadBasicInformation, &info, sizeof info, NULL),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(thread), STATUS_SUCCESS);
    return info.ExitStatus;
}

HANDLE rt_new_event(EVENT_TYPE type, BOOLEAN initial)
{
    HANDLE h = NULL;
    CHECK_STATUS(NtCreateEvent(&h, EVENT_ALL_ACCESS, NULL, type, initial), STATUS_SUCCESS);
    return h;
}

NTSTATUS rt_poll(HANDLE h)
{
    static const LARGE_INTEGER_QUAD zero = 0;
    return NtWaitForSingleObject(h, 0, &zero);
}
