/* tests/win32/shared.c: shared.dll's IMAGE_SCN_MEM_SHARED counter, one variable for every process:
 * `shared first` and `shared second` run at once (the kernel test starts both) and take turns
 * through two named events: each sees the other's increment, while the DLL's ordinary data stays
 * private to each process. Exit status: failed checks. */
#include "user/rt/rt.h"

__attribute__((dllimport)) uint32_t shared_increment(void);
__attribute__((dllimport)) uint32_t shared_read(void);
__attribute__((dllimport)) uint32_t shared_read_private(void);

#define TURN_TIMEOUT_MS 20000

static HANDLE event(const char *name)
{
    struct rt_name n;
    HANDLE h = NULL;
    NTSTATUS status = NtCreateEvent(&h, EVENT_ALL_ACCESS, rt_named(&n, name, OBJ_OPENIF),
                                    SynchronizationEvent, 0);
    if (!NT_SUCCESS(status))
        FAIL("creating %s failed with 0x%08X", name, (uint32_t)status);
    return h;
}

/* first: increments, lets second run, and finds second's increment on top of its own. */
static void first(void)
{
    HANDLE mine = event("\\BaseNamedObjects\\PagodaSharedFirst");
    HANDLE theirs = event("\\BaseNamedObjects\\PagodaSharedSecond");
    uint32_t value = shared_increment();
    CHECK_EQ(shared_read_private(), 1);
    NtSetEvent(theirs, NULL);
    CHECK_STATUS(rt_wait_ms(mine, TURN_TIMEOUT_MS), STATUS_SUCCESS);
    CHECK_EQ(shared_read(), value + 1);
    CHECK_EQ(shared_read_private(), 1);
    NtClose(mine);
    NtClose(theirs);
}

/* second: waits for first's increment, adds its own. */
static void second(void)
{
    HANDLE mine = event("\\BaseNamedObjects\\PagodaSharedSecond");
    HANDLE theirs = event("\\BaseNamedObjects\\PagodaSharedFirst");
    CHECK_STATUS(rt_wait_ms(mine, TURN_TIMEOUT_MS), STATUS_SUCCESS);
    uint32_t seen = shared_read();
    CHECK(seen >= 1);
    CHECK_EQ(shared_read_private(), 0);
    CHECK_EQ(shared_increment(), seen + 1);
    NtSetEvent(theirs, NULL);
    NtClose(mine);
    NtClose(theirs);
}

static const struct rt_subtest tests[] = {
    {"first", first},
    {"second", second},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        FAIL("run as `shared first` and `shared second`, together");
        return 1;
    }
    return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests));
}
