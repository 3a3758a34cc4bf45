/* kernel/ke/ktest.c: the in-kernel test runner. Prints the plan, "ktest: run" before each test (so
 * a hang or crash names its test), "ok" or "FAIL" after it, and the totals; then powers off with a
 * code the host harness (tests/run) reads along with the serial log. */
#include "kernel/rtl/format.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ke/lock.h"
#include "kernel/ke/thread.h"
#include "kernel/rtl/string.h"

/* Does a comma-separated filter select subsystem.name? Entries are "all", a subsystem, or one
 * test. */
static bool selected(const char *filter, const struct ktest *t)
{
    char full[96];
    rtl_snprintf(full, sizeof full, "%s.%s", t->subsystem, t->name);
    const char *p = filter;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        /* "all" is every test but the benchmarks, which print figures and take their time, the
         * fault-injection tests, which need a disk that fails on purpose (tests/run's blkdebug),
         * the second boot of tests/run's diskcheck, which needs the disk its first boot wrote, and
         * the long fuzzer runs (tests/run's fuzz entry; the short one is user.fuzz). */
        if ((len == 3 && !strncmp(p, "all", 3) && strcmp(t->subsystem, "bench") != 0 &&
             strcmp(t->subsystem, "inject") != 0 && strcmp(t->subsystem, "diskcheck") != 0 &&
             strcmp(t->subsystem, "fuzz") != 0) ||
            (len == strlen(t->subsystem) && !strncmp(p, t->subsystem, len)) ||
            (len == strlen(full) && !strncmp(p, full, len)))
            return true;
        p += len + (end ? 1 : 0);
    }
    return false;
}

/* A test that left a lock held or interrupts off would make the next one fail somewhere else. */
static const char *check_left_clean(void)
{
    const struct ke_lock *lock = ke_first_lock_held_by(ke_current_thread());
    if (ke_spin_locks_held)
        return ktest_failf("the test left %u spin lock(s) held", ke_spin_locks_held);
    if (lock)
        return ktest_failf("the test left the lock %s held", lock->name);
    if (!(read_eflags() & EFLAGS_IF))
        return "the test left interrupts off";
    return NULL;
}

NORETURN void ktest_run(const char *filter)
{
    if (!strcmp(filter, "panic") || !strcmp(filter, "panic_stack") || !strcmp(filter, "panic_lock"))
        ktest_run_panic(filter);
    unsigned planned = 0, passed = 0, failed = 0;
    uintptr_t start = (uintptr_t)__ktests_start, end = (uintptr_t)__ktests_end;
    if ((start & 3) || (end - start) % sizeof(struct ktest))
        ke_panic("ktest: the test table %08x-%08x is misaligned (see linker.ld)", (uint32_t)start,
                 (uint32_t)end);
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
        planned += selected(filter, t);
    ke_print("ktest: begin %u tests (filter=%s)\n", planned, filter);
    if (planned == 0 && strcmp(filter, "none") != 0) {
        ke_print("FAIL ktest.filter: test=%s selects no test\n", filter);
        failed++;
    }
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        if (!selected(filter, t))
            continue;
        ke_print("ktest: run %s.%s\n", t->subsystem, t->name);
        const char *error = t->run();
        if (!error)
            error = check_left_clean();
        if (error) {
            ke_print("FAIL %s.%s: %s\n", t->subsystem, t->name, error);
            failed++;
        } else {
            ke_print("ok %s.%s\n", t->subsystem, t->name);
            passed++;
        }
    }
    ke_print("ktest: end %u passed, %u failed\n", passed, failed);
    hal_shutdown(failed ? KE_EXIT_TESTS_FAILED : KE_EXIT_TESTS_PASSED);
}
