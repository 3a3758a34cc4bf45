/* user/rt/check.c: how the test programs (tests/user) check and report. A failure is one line,
 *     "  PROGRAM: SUBTEST: ...",
 * indented so that the kernel's harness, which counts lines that start with "ok " and "FAIL ",
 * never mistakes it for a result; the kernel test judges the exit status, which is the number of
 * failed checks. */
#include "kernel/rtl/format.h"
#include "user/rt/rt.h"

volatile uint32_t rt_failures;
const char *volatile rt_subtest = "";

/* A broken kernel can fail thousands of checks; the console shows the first ones. */
#define RT_MAX_REPORTED 100

static uint32_t count_failure(void)
{
    return __atomic_add_fetch(&rt_failures, 1, __ATOMIC_RELAXED);
}

void rt_fail(int line, const char *fmt, ...)
{
    char message[RT_PRINT_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    ke_vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    uint32_t n = count_failure();
    if (n < RT_MAX_REPORTED)
        rt_print("  %s: %s: %s (line %d)\n", rt_name, rt_subtest, message, line);
    else if (n == RT_MAX_REPORTED)
        rt_print("  %s: %s: more failed checks are counted but not shown\n", rt_name, rt_subtest);
}

bool rt_check_status(int line, const char *expr, NTSTATUS actual, NTSTATUS expected)
{
    if (actual == expected)
        return true;
    rt_fail(line, "%s returned 0x%08X, expected 0x%08X", expr, (uint32_t)actual,
            (uint32_t)expected);
    return false;
}

bool rt_check_value(int line, const char *expr, uint32_t actual, uint32_t expected)
{
    if (actual == expected)
        return true;
    rt_fail(line, "%s is 0x%X (%d), expected 0x%X (%d)", expr, actual, (int32_t)actual, expected,
            (int32_t)expected);
    return false;
}

bool rt_check_true(int line, const char *expr, bool value)
{
    if (!value)
        rt_fail(line, "expected %s", expr);
    return value;
}

int rt_run_subtests(int argc, char **argv, const struct rt_subtest *tests, size_t count)
{
    if (argc < 2) {
        for (size_t i = 0; i < count; i++) {
            rt_subtest = tests[i].name;
            tests[i].run();
        }
        return (int)rt_failures;
    }
    for (int a = 1; a < argc; a++) {
        size_t i = 0;
        while (i < count && strcmp(tests[i].name, argv[a]) != 0)
            i++;
        rt_subtest = argv[a];
        if (i == count) {
            FAIL("no such sub-test");
            continue;
        }
        tests[i].run();
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
