/* tests/win32/laa.c: built twice, as laa.exe (large-address-aware) and nolaa.exe (user/pe.mk); both
 * import high.dll, whose preferred base is 0x90000000. The kernel test says what the split and the
 * flag give: `high` (3 GiB of user space: high.dll at its base, memory at 2 GiB can be had) or
 * `low` (2 GiB: high.dll relocated below 2 GiB, working there, and nothing above it). */
#include "tests/win32/common/win32.h"

#define HIGH_BASE 0x90000000u
#define TWO_GIB   0x80000000u

__attribute__((dllimport)) int high_value(void);
__attribute__((dllimport)) void *high_where(void);

static NTSTATUS allocate_at_2g(void)
{
    void *base = (void *)TWO_GIB;
    size_t size = 0x10000;
    NTSTATUS status = NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                              MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (NT_SUCCESS(status)) {
        *(volatile uint32_t *)base = 1;
        size = 0;
        NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);
    }
    return status;
}

static void high(void)
{
    CHECK_EQ((uintptr_t)dll_handle("high.dll"), HIGH_BASE);
    CHECK_EQ(high_value(), 0x41);
    CHECK((uintptr_t)high_where() > HIGH_BASE);
    CHECK_STATUS(allocate_at_2g(), STATUS_SUCCESS);
}

static void low(void)
{
    uintptr_t base = (uintptr_t)dll_handle("high.dll");
    CHECK(base && base < TWO_GIB);
    CHECK_EQ(high_value(), 0x41); /* through its relocated pointer */
    CHECK((uintptr_t)high_where() - base < 0x10000);
    CHECK(!NT_SUCCESS(allocate_at_2g()));
}

static const struct rt_subtest tests[] = {
    {"high", high},
    {"low", low},
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        FAIL("run as `laa high` or `laa low`");
        return 1;
    }
    return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests));
}
