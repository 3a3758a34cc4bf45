/* kernel/ke/ktest.h: in-kernel tests (tests/kernel/), HelenOS style: a test is a function that
 * returns NULL on success or a message that says what was expected and what came instead.
 *
 *   KTEST(mm, frames_balance) { ...; KT_EQ(after.active, before.active); return NULL; }
 *
 * registers mm.frames_balance in the .ktests section; test=mm (or test=all) runs it. */
#ifndef PAGODA_KTEST_H
#define PAGODA_KTEST_H

#include "kernel/ndk/types.h"

struct ktest {
    const char *subsystem;
    const char *name;
    const char *(*run)(void);
};
/* The .ktests section (linker.ld): every KTEST, in link order. */
extern const struct ktest __ktests_start[], __ktests_end[];

#define KTEST(subsys, tname)                                                                       \
    static const char *ktest_##subsys##_##tname(void);                                             \
    static const struct ktest ktest_entry_##subsys##_##tname                                       \
        __attribute__((used, section(".ktests"), aligned(4))) = {#subsys, #tname,                  \
                                                                 ktest_##subsys##_##tname};        \
    static const char *ktest_##subsys##_##tname(void)

/* Builds the failure message in a static buffer (tests run one at a time). */
const char *ktest_fail_values(const char *file, int line, const char *expr, uint64_t expected,
                              uint64_t actual);
const char *ktest_failf(const char *fmt, ...) PRINTF_LIKE(1, 2);

#define KT_EQ(actual, expected)                                                                    \
    do {                                                                                           \
        uint64_t a_ = (uint64_t)(actual), e_ = (uint64_t)(expected);                               \
        if (a_ != e_)                                                                              \
            return ktest_fail_values(__FILE__, __LINE__, #actual, e_, a_);                         \
    } while (0)

#define KT_TRUE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return ktest_failf("expected %s at %s:%d", #cond, __FILE__, __LINE__);                 \
    } while (0)

#define KT_STR_EQ(actual, expected)                                                                \
    do {                                                                                           \
        const char *a_ = (actual), *e_ = (expected);                                               \
        if (strcmp(a_, e_) != 0)                                                                   \
            return ktest_failf("expected \"%s\" got \"%s\" (%s at %s:%d)", e_, a_, #actual,        \
                               __FILE__, __LINE__);                                                \
    } while (0)

/* Runs a helper that returns NULL or a failure message, and fails the test with its message. */
#define KT_RUN(call)                                                                               \
    do {                                                                                           \
        const char *error_ = (call);                                                               \
        if (error_)                                                                                \
            return error_;                                                                         \
    } while (0)

/* Runs the tests the filter selects, prints the results and powers off. */
NORETURN void ktest_run(const char *filter);

/* tests/kernel/panic.c: mode "panic" faults on purpose, "panic_stack" overflows the kernel stack,
 * "panic_lock" waits holding a spin lock, so the harness can check the panic report. */
NORETURN void ktest_run_panic(const char *mode);

#endif
