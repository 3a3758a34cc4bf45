/* user/rt/rt.h: the runtime of the test programs (tests/user, tests/win32), PE files built by
 * mingw-w64 and linked with the stock -lntdll: start-up and exit, console output, threads, object
 * names, time, and the checks the test programs report with. The services are ntdll's exports;
 * kernel/rtl/format.c and kernel/rtl/string.c are compiled in, and there is no other C library.
 * docs/user-mode.md describes the ABI. */
#ifndef PAGODA_USER_RT_H
#define PAGODA_USER_RT_H

#include <stdarg.h>
#include "kernel/rtl/string.h"
#include "kernel/ndk/types.h"
#include "pagoda/ntdll.h"
#include "user/rt/cmdline.h"

/* ---- start-up and exit (user/rt/start.c, user/rt/process.c) ---- */
/* The program: argv[0] is the first word of the command line, argv[argc] is NULL. Its return value
 * ends the process (rt_exit). */
int main(int argc, char **argv);

#define RT_MAX_ARGS         32
#define RT_MAX_COMMAND_LINE 512 /* characters kept of the command line */

extern PAGODA_PEB *rt_peb; /* the PEB the entry was called with */
extern const char *rt_name; /* argv[0] without any path: the prefix of diagnostics */

/* Reports the checks outside sub-tests, then ends the process with status (ntdll's
 * RtlExitUserProcess, ExitProcess's sequence); never returns. */
NORETURN void rt_exit(NTSTATUS status);

/* ---- console (user/rt/print.c) ---- */
/* printf-style output (kernel/rtl/format.c) to the kernel console through NtDisplayString. A call
 * prints at most RT_PRINT_MAX characters; the rest is cut. */
#define RT_PRINT_MAX 1024
void rt_print(const char *fmt, ...) PRINTF_LIKE(1, 2);
void rt_vprint(const char *fmt, va_list ap);

/* ---- threads (user/rt/thread.c) ---- */
/* A thread's code: its return value becomes the thread's exit status. */
typedef NTSTATUS (*rt_thread_routine)(void *arg);

/* The CONTEXT NtCreateThread needs to start routine(arg) in this process: Eip = ntdll's
 * RtlUserThreadStart, EAX = routine, EBX = arg (NT's convention), user selectors, IF set. */
void rt_init_thread_context(CONTEXT *context, rt_thread_routine routine, void *arg);

/* Creates a thread running routine(arg) with a default stack; when it returns, the thread ends with
 * the routine's return value. `out` receives the thread handle (THREAD_ALL_ACCESS); client_id may
 * be NULL. Returns NtCreateThread's status. */
NTSTATUS rt_create_thread(rt_thread_routine routine, void *arg, HANDLE *out);
NTSTATUS rt_create_thread_ex(rt_thread_routine routine, void *arg, BOOLEAN suspended, HANDLE *out,
                             CLIENT_ID *client_id);

/* ---- names and object attributes (user/rt/object.c) ---- */
/* Points us at buf holding ascii converted to UTF-16 (at most cap characters are kept). */
void rt_init_unicode(UNICODE_STRING *us, WCHAR *buf, size_t cap, const char *ascii);
/* OBJECT_ATTRIBUTES for name (NULL: no name) with attributes (OBJ_*), no root, no security. */
void rt_object_attributes(OBJECT_ATTRIBUTES *oa, UNICODE_STRING *name, uint32_t attributes);

/* A name and its attributes in one place, for the common case:
 *   struct rt_name n;
 *   NtCreateEvent(&h, EVENT_ALL_ACCESS, rt_named(&n, "\\BaseNamedObjects\\X", 0),
 *                 NotificationEvent, FALSE); */
#define RT_NAME_MAX 128
struct rt_name {
    WCHAR chars[RT_NAME_MAX];
    UNICODE_STRING string;
    OBJECT_ATTRIBUTES attributes;
};
OBJECT_ATTRIBUTES *rt_named(struct rt_name *n, const char *name, uint32_t attributes);

/* ---- time (user/rt/time.c) ---- */
/* KUSER_SHARED_DATA, read-only, at 0x7FFE0000. */
#define RT_SHARED_DATA ((const volatile PAGODA_KUSER_SHARED_DATA *)KUSER_SHARED_DATA_ADDRESS)
uint32_t rt_tick_count(void); /* clock ticks since boot (TickCount.LowPart) */
uint64_t rt_tick_count64(void); /* the whole TickCount, read consistently */
uint32_t rt_timer_hz(void); /* ticks per second (TimerHz) */
/* Spins until the tick count changes and returns the new value: a measurement that starts right
 * after a tick has no partial tick at its start. Gives up after about 10^8 reads (a dead clock)
 * and returns the unchanged count. */
uint32_t rt_wait_next_tick(void);
/* NT time intervals are in 100 ns units; negative means relative. */
#define RT_RELATIVE_MS(ms) (-(LARGE_INTEGER_QUAD)(ms)*10000)
NTSTATUS rt_sleep_ms(uint32_t ms); /* NtDelayExecution(FALSE, relative ms) */
/* NtWaitForSingleObject(handle, FALSE, relative ms); RT_INFINITE waits without a timeout. */
#define RT_INFINITE 0xFFFFFFFFu
NTSTATUS rt_wait_ms(HANDLE handle, uint32_t ms);

/* Time-stamp counter: rt_has_tsc() tells whether CPUID exists and reports a TSC (an i486 may
 * have neither); rt_rdtsc() must only be used when it does. */
bool rt_has_tsc(void);
/* Sorts v and returns its median: the figure the benchmarks print. */
uint64_t rt_median(uint64_t *v, int n);
static inline uint64_t rt_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* ---- checks for test programs (user/rt/check.c) ----
 * Each check is one result of tests/run. A failed check prints
 *     "  check PROGRAM.SUBTEST: what, expected and actual (line N)"
 * and adds one to rt_failures, which the program returns as its exit status; the end of each
 * sub-test of rt_run_subtests, and rt_exit, print the checks counted since the last such line:
 *     "checks PROGRAM.SUBTEST: P passed, F failed"
 * (never a line that starts with "ok " or "FAIL ", the kernel's own results). */
extern volatile uint32_t rt_failures;
extern const char *volatile rt_subtest; /* the sub-test running, for the names and messages */
/* Prints the "checks" line for the checks counted since the last one, if there are any. */
void rt_report_checks(void);

bool rt_check_status(int line, const char *expr, NTSTATUS actual, NTSTATUS expected);
bool rt_check_value(int line, const char *expr, uint32_t actual, uint32_t expected);
bool rt_check_true(int line, const char *expr, bool value);
void rt_fail(int line, const char *fmt, ...) PRINTF_LIKE(2, 3);

#define CHECK_STATUS(call, expected) rt_check_status(__LINE__, #call, (call), (expected))
#define CHECK_EQ(actual, expected)                                                                 \
    rt_check_value(__LINE__, #actual, (uint32_t)(actual), (uint32_t)(expected))
#define CHECK(cond) rt_check_true(__LINE__, #cond, (cond))
#define FAIL(...)   rt_fail(__LINE__, __VA_ARGS__)

/* Sub-tests chosen by argv[1..]: with no argument every one runs, in table order. Returns the
 * number of failed checks (an unknown sub-test name counts as one). */
/* For tests that start threads: rt_create_thread, checked (NULL on failure); and waiting at most 5
 * s for a thread to end (ending it on a timeout), which returns its exit status and closes the
 * handle. */
HANDLE rt_start_thread(rt_thread_routine routine, void *arg);
/* A checked NtCreateEvent (unnamed, all access), and a wait with a zero timeout. */
HANDLE rt_new_event(EVENT_TYPE type, BOOLEAN initial);
NTSTATUS rt_poll(HANDLE h);
NTSTATUS rt_join(HANDLE thread);

struct rt_subtest {
    const char *name;
    void (*run)(void);
};
int rt_run_subtests(int argc, char **argv, const struct rt_subtest *tests, size_t count);

#endif
