/* tests/host/test_pure.c: runs the shared pure-code cases (tests/common) on the host, built with
 * AddressSanitizer and UBSan, and prints one "ok"/"FAIL" line per case like the kernel does. */
#include <stdio.h>
#include "tests/common/cases.h"

#define TC_ENTRY(n) {#n, tc_##n},
static const struct tc_case cases[] = {TC_LIST(TC_ENTRY)};

int main(void)
{
    int failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *error = cases[i].run();
        if (error) {
            printf("FAIL host.%s: %s\n", cases[i].name, error);
            failed++;
        } else {
            printf("ok host.%s\n", cases[i].name);
        }
    }
    return failed ? 1 : 0;
}
