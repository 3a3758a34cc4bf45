/* kernel/ke/ktest_message.c: the failure messages of the test macros (kernel/ke/ktest.h). Pure C,
 * so the shared cases in tests/common build the same messages in the kernel and on the host. */
#include <stdarg.h>
#include "kernel/rtl/format.h"
#include "kernel/ke/ktest.h"

static char fail_message[384];

const char *ktest_fail_values(const char *file, int line, const char *expr, uint64_t expected,
                              uint64_t actual)
{
    rtl_snprintf(fail_message, sizeof fail_message,
                 "expected %llu (%#llx) got %llu (%#llx) for %s at %s:%d",
                 (unsigned long long)expected, (unsigned long long)expected,
                 (unsigned long long)actual, (unsigned long long)actual, expr, file, line);
    return fail_message;
}

const char *ktest_failf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rtl_vsnprintf(fail_message, sizeof fail_message, fmt, ap);
    va_end(ap);
    return fail_message;
}
