/* tests/win32/forward.c: imports through forwarders: fwd_a's chained forwards to fwd_b's, which
 * forwards to fwd_c's real_chained (a chain), and by_ordinal to fwd_c's ordinal 2 (no name); the
 * DLLs the chains reach are loaded with the process. Exit status: failed checks. */
#include "tests/win32/common/win32.h"

__attribute__((dllimport)) int chained(void);
__attribute__((dllimport)) int by_ordinal(void);
__attribute__((dllimport)) int fwd_a_own(void);

static void imports(void)
{
    CHECK_EQ(fwd_a_own(), 0xA);
    CHECK_EQ(chained(), 0xC1);
    CHECK_EQ(by_ordinal(), 0xC2);
}

static void lookups(void)
{
    void *a = dll_handle("fwd_a.dll"), *c = dll_handle("fwd_c.dll"), *real = NULL;
    CHECK(a && c && dll_handle("fwd_b.dll"));
    CHECK_EQ((uintptr_t)proc_address(a, "chained"), (uintptr_t)proc_address(c, "real_chained"));
    CHECK_STATUS(LdrGetProcedureAddress(c, NULL, 2, &real), STATUS_SUCCESS);
    CHECK_EQ((uintptr_t)proc_address(a, "by_ordinal"), (uintptr_t)real);
    CHECK_EQ((uintptr_t)chained, (uintptr_t)proc_address(c, "real_chained"));
}

static const struct rt_subtest tests[] = {
    {"imports", imports},
    {"lookups", lookups},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
