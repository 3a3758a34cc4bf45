/* tests/kernel/pure.c: the shared pure-code cases (tests/common) as kernel tests, so the code is
 * checked as the kernel's compiler built it, not only as the host's did. */
#include "kernel/ke/ktest.h"
#include "tests/common/cases.h"

#define TC_KTEST(n)                                                                                \
    KTEST(pure, n) { return tc_##n(); }
TC_LIST(TC_KTEST)
