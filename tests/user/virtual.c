/* tests/user/virtual.c: the virtual-memory services (NtAllocateVirtualMemory, NtFreeVirtualMemory,
 * NtProtectVirtualMemory, NtQueryVirtualMemory) against every rule of docs/vm.md ("Statuses"), with
 * exact statuses and all seven MEMORY_BASIC_INFORMATION fields: the rounding of bases and sizes,
 * reserve/commit/decommit/release, protections, MEM_RESET, MEM_TOP_DOWN and ZeroBits, hostile
 * arguments, guard pages met by a system call's copy, stack growth, a walk of the whole address
 * space, and (sub-test "other", started by tests/kernel/mm_virtual.c with handles) another process.
 *
 * argv[1] may also be a child mode, which does one thing the kernel test judges by the exit status:
 *   guard_touch                 touch a guard page                  -> STATUS_GUARD_PAGE_VIOLATION
 *   stack_overflow              recurse without end                 -> STATUS_STACK_OVERFLOW
 *   stack_growth                recurse 600 KiB deep and return     -> 0 (the failed checks)
 *   read_reserved read_noaccess read_decommitted read_released write_readonly write_execute_read
 *                               a forbidden access                  -> STATUS_ACCESS_VIOLATION
 *   target                      sleep for a minute (the other process of "other")
 *   laa 1, laa 0                the split, run with and without large-address awareness -> 0
 * Sub-tests: rounding commit overlap partial_commit release decommit protect protections reset
 * zero_bits top_down arguments query_arguments handles guard_syscall stack_syscall walk other. */
#include "kernel/rtl/format.h"
#include "user/rt/rt.h"

#define PAGE     0x1000u
#define GRAN     0x10000u /* the allocation granularity */
#define SELF     NtCurrentProcess()
#define MBI_SIZE ((uint32_t)sizeof(MEMORY_BASIC_INFORMATION))

/* NULL, the no-access first 64 KiB, system space (2G split), the kernel image, a pointer that
 * wraps. */
static const uintptr_t bad_pointers[] = {0, 0x00001000, 0x80000000, 0xC0100000, 0xFFFFFFFC};
#define READ_ONLY_PAGE ((uintptr_t)KUSER_SHARED_DATA_ADDRESS)

/* The address space's limits (KUSER_SHARED_DATA has the split; this program is not large-address
 * aware, so its own limit is 2 GiB either way). */
#define HIGHEST_USER_ADDRESS  0x7FFEFFFFu
#define HIGHEST_VAD_ADDRESS   0x7FFDFFFFu
#define SYSTEM_HIGHEST_USER() (RT_SHARED_DATA->HighestUserAddress)

/* ---- helpers ---- */

static NTSTATUS allocate(uintptr_t *base, size_t *size, uint32_t type, uint32_t protect)
{
    return NtAllocateVirtualMemory(SELF, (void **)base, 0, size, type, protect);
}

static NTSTATUS release_at(uintptr_t base)
{
    size_t size = 0;
    return NtFreeVirtualMemory(SELF, (void **)&base, &size, MEM_RELEASE);
}

static NTSTATUS free_range(uintptr_t base, size_t size, uint32_t type)
{
    return NtFreeVirtualMemory(SELF, (void **)&base, &size, type);
}

static NTSTATUS protect(uintptr_t base, size_t size, uint32_t protection, uint32_t *old)
{
    return NtProtectVirtualMemory(SELF, (void **)&base, &size, protection, old);
}

static NTSTATUS query_in(HANDLE process, uintptr_t va, MEMORY_BASIC_INFORMATION *m)
{
    memset(m, 0xCC, sizeof *m);
    return NtQueryVirtualMemory(process, (void *)va, MemoryBasicInformation, m, sizeof *m, NULL);
}

/* A free, 64 KiB-aligned range of `size` bytes: reserved by the system's choice, then released. */
static uintptr_t free_area(size_t size)
{
    uintptr_t base = 0;
    if (!CHECK_STATUS(allocate(&base, &size, MEM_RESERVE, PAGE_NOACCESS), STATUS_SUCCESS))
        return 0x50000000u;
    CHECK_STATUS(release_at(base), STATUS_SUCCESS);
    return base;
}

/* Reserves (type) at a chosen base and checks the status, base and size that come back. */
static void allocate_expect(int line, uintptr_t base, size_t size, uint32_t type, uint32_t protect,
                            uintptr_t want_base, size_t want_size)
{
    uintptr_t b = base;
    size_t s = size;
    if (!rt_check_status(line, "NtAllocateVirtualMemory", allocate(&b, &s, type, protect),
                         STATUS_SUCCESS))
        return;
    rt_check_value(line, "returned BaseAddress", b, want_base);
    rt_check_value(line, "returned RegionSize", s, want_size);
}
#define ALLOCATE_EXPECT(base, size, type, protect, want_base, want_size)                           \
    allocate_expect(__LINE__, base, size, type, protect, want_base, want_size)

/* One region as NtQueryVirtualMemory describes it: all seven fields. */
struct region {
    uintptr_t base, allocation_base;
    uint32_t allocation_protect;
    size_t size;
    uint32_t state, protect, type;
};

static void check_region_in(int line, HANDLE process, uintptr_t va, struct region want)
{
    MEMORY_BASIC_INFORMATION m;
    size_t returned = 0;
    memset(&m, 0xCC, sizeof m);
    if (!rt_check_status(line, "NtQueryVirtualMemory",
                         NtQueryVirtualMemory(process, (void *)va, MemoryBasicInformation, &m,
                                              sizeof m, &returned),
                         STATUS_SUCCESS))
        return;
    rt_check_value(line, "ReturnLength", returned, MBI_SIZE);
    rt_check_value(line, "BaseAddress", (uintptr_t)m.BaseAddress, want.base);
    rt_check_value(line, "AllocationBase", (uintptr_t)m.AllocationBase, want.allocation_base);
    rt_check_value(line, "AllocationProtect", m.AllocationProtect, want.allocation_protect);
    rt_check_value(line, "RegionSize", m.RegionSize, want.size);
    rt_check_value(line, "State", m.State, want.state);
    rt_check_value(line, "Protect", m.Protect, want.protect);
    rt_check_value(line, "Type", m.Type, want.type);
}
#define CHECK_REGION(va, ...)                                                                      \
    check_region_in(__LINE__, SELF, (uintptr_t)(va), (struct region){__VA_ARGS__})
#define CHECK_REGION_IN(process, va, ...)                                                          \
    check_region_in(__LINE__, process, (uintptr_t)(va), (struct region){__VA_ARGS__})

/* Committed and reserved private regions of one allocation, and the free-range fields. */
#define COMMITTED(base, alloc, aprot, size, prot)                                                  \
    base, alloc, aprot, size, MEM_COMMIT, prot, MEM_PRIVATE
#define RESERVED(base, alloc, aprot, size) base, alloc, aprot, size, MEM_RESERVE, 0, MEM_PRIVATE

/* A free range starting at va: the fields NT gives, and its end is the start of something else
 * (a region that is not free) or the top of the address space. */
static void check_free(int line, uintptr_t va)
{
    MEMORY_BASIC_INFORMATION m, next;
    if (!rt_check_status(line, "query", query_in(SELF, va, &m), STATUS_SUCCESS))
        return;
    rt_check_value(line, "free BaseAddress", (uintptr_t)m.BaseAddress, va & ~(PAGE - 1));
    rt_check_value(line, "free AllocationBase", (uintptr_t)m.AllocationBase, 0);
    rt_check_value(line, "free AllocationProtect", m.AllocationProtect, 0);
    rt_check_value(line, "free State", m.State, MEM_FREE);
    rt_check_value(line, "free Protect", m.Protect, PAGE_NOACCESS);
    rt_check_value(line, "free Type", m.Type, 0);
    uintptr_t end = (uintptr_t)m.BaseAddress + m.RegionSize;
    if (end - 1 >= HIGHEST_VAD_ADDRESS)
        return;
    if (rt_check_status(line, "query after a free range", query_in(SELF, end, &next),
                        STATUS_SUCCESS))
        rt_check_true(line, "a free range ends where something else starts",
                      next.State != MEM_FREE);
}
#define CHECK_FREE(va) check_free(__LINE__, (uintptr_t)(va))

/* The commit charge of this process (VM_COUNTERS_EX.PrivateUsage), in pages. */
static uint32_t commit_pages(void)
{
    VM_COUNTERS_EX vm;
    memset(&vm, 0, sizeof vm);
    CHECK_STATUS(NtQueryInformationProcess(SELF, ProcessVmCounters, &vm, sizeof vm, NULL),
                 STATUS_SUCCESS);
    CHECK_EQ(vm.PagefileUsage, vm.PrivateUsage);
    CHECK(vm.PeakPagefileUsage >= vm.PagefileUsage);
    return vm.PrivateUsage / PAGE;
}

static PAGODA_TEB *current_teb(void)
{
    PAGODA_TEB *teb;
    __asm__ volatile("movl %%fs:0x18, %0" : "=r"(teb));
    return teb;
}

/* Accesses through a volatile pointer, so that the compiler keeps them. */
static uint32_t peek(uintptr_t va) { return *(volatile uint32_t *)va; }
static void poke(uintptr_t va, uint32_t value) { *(volatile uint32_t *)va = value; }

/* ---- reserve and commit ---- */

/* A chosen base rounds down to 64 KiB for a reservation; the size covers every page of
 * [base, base + size). The cases are NT's (ReactOS's apitest of NtAllocateVirtualMemory). */
static void test_rounding(void)
{
    uintptr_t b = free_area(4 * GRAN);
    static const struct {
        uint32_t offset, size, want_offset, want_size;
    } cases[] = {
        {0x0000, 0x0001, 0x0000, 0x1000},  {0x8000, 0x0001, 0x0000, 0x9000},
        {0x0010, 0x1000, 0x0000, 0x2000},  {0x10000, 0x2000, 0x10000, 0x2000},
        {0xFFFF, 0x3000, 0x0000, 0x13000}, {0x1010, 0x7000, 0x0000, 0x9000},
        {0x1010, 0xC000, 0x0000, 0xE000},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uintptr_t base = b + cases[i].want_offset;
        ALLOCATE_EXPECT(b + cases[i].offset, cases[i].size, MEM_RESERVE, PAGE_READWRITE, base,
                        cases[i].want_size);
        CHECK_REGION(base, RESERVED(base, base, PAGE_READWRITE, cases[i].want_size));
        CHECK_STATUS(release_at(base), STATUS_SUCCESS);
    }
    /* The system's choice: 64 KiB-aligned, the size rounded up to pages. */
    uintptr_t base = 0;
    size_t size = 0x10001;
    CHECK_STATUS(allocate(&base, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY), STATUS_SUCCESS);
    CHECK_EQ(base % GRAN, 0);
    CHECK_EQ(size, 0x11000);
    CHECK_REGION(base, COMMITTED(base, base, PAGE_READONLY, 0x11000, PAGE_READONLY));
    CHECK_STATUS(release_at(base), STATUS_SUCCESS);
}

/* A commit inside a reservation rounds to pages; committing again changes the protection;
 * MEM_RESERVE | MEM_COMMIT at a chosen base rounds like a reservation and commits it all. */
static void test_commit(void)
{
    uintptr_t b = free_area(2 * GRAN);
    ALLOCATE_EXPECT(b + 0x10, 0x3000, MEM_RESERVE, PAGE_NOACCESS, b, 0x4000);
    ALLOCATE_EXPECT(b + 0x2010, 0x1000, MEM_COMMIT, PAGE_READWRITE, b + 0x2000, 0x2000);
    CHECK_REGION(b, RESERVED(b, b, PAGE_NOACCESS, 0x2000));
    CHECK_REGION(b + 0x2FFF, COMMITTED(b + 0x2000, b, PAGE_NOACCESS, 0x2000, PAGE_READWRITE));
    poke(b + 0x2000, 0x1234);
    ALLOCATE_EXPECT(b + 0x2000, 0x1000, MEM_COMMIT, PAGE_READONLY, b + 0x2000, 0x1000);
    CHECK_EQ(peek(b + 0x2000), 0x1234); /* committing again keeps the data */
    CHECK_REGION(b + 0x2000, COMMITTED(b + 0x2000, b, PAGE_NOACCESS, 0x1000, PAGE_READONLY));
    /* Past the end of the reservation, or in free space. */
    uintptr_t base = b + 0x3000;
    size_t size = 0x2000;
    CHECK_STATUS(allocate(&base, &size, MEM_COMMIT, PAGE_READWRITE), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(base, b + 0x3000); /* nothing is written back on failure */
    base = b + 0x8000;
    size = 0x1000;
    CHECK_STATUS(allocate(&base, &size, MEM_COMMIT, PAGE_READWRITE), STATUS_CONFLICTING_ADDRESSES);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
    /* Reserve and commit at once, at a chosen base (ReactOS's case). */
    ALLOCATE_EXPECT(b + 0x4080, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, b, 0x6000);
    poke(b, 1);
    poke(b + 0x4080, 2);
    CHECK_REGION(b, COMMITTED(b, b, PAGE_READWRITE, 0x6000, PAGE_READWRITE));
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
}

/* Any overlap with a reservation is STATUS_CONFLICTING_ADDRESSES, whatever the size. */
static void test_overlap(void)
{
    uintptr_t b = free_area(2 * GRAN), base;
    size_t size;
    ALLOCATE_EXPECT(b, 0x3000, MEM_RESERVE, PAGE_NOACCESS, b, 0x3000);
    ALLOCATE_EXPECT(b + GRAN, GRAN, MEM_RESERVE, PAGE_NOACCESS, b + GRAN, GRAN);
    static const uint32_t offsets[] = {0x8000, 0x1000, 0x1F000, 0x10000, 0xFFFF};
    for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
        base = b + offsets[i];
        size = 0x1000;
        CHECK_STATUS(allocate(&base, &size, MEM_RESERVE, PAGE_READWRITE),
                     STATUS_CONFLICTING_ADDRESSES);
        CHECK_EQ(base, b + offsets[i]); /* nothing written back on failure */
    }
    /* A free start whose end runs into the next reservation. */
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
    base = b;
    size = GRAN + PAGE;
    CHECK_STATUS(allocate(&base, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
                 STATUS_CONFLICTING_ADDRESSES);
    /* A commit across two adjacent reservations. */
    ALLOCATE_EXPECT(b, GRAN, MEM_RESERVE, PAGE_NOACCESS, b, GRAN);
    base = b + GRAN - PAGE;
    size = 2 * PAGE;
    CHECK_STATUS(allocate(&base, &size, MEM_COMMIT, PAGE_READWRITE), STATUS_CONFLICTING_ADDRESSES);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
    CHECK_STATUS(release_at(b + GRAN), STATUS_SUCCESS);
}

/* The fields of a reserved region with committed parts: one region per run of equal state and
 * protection, AllocationBase and AllocationProtect from the reservation. */
static void test_partial_commit(void)
{
    uintptr_t b = free_area(GRAN);
    uint32_t before = commit_pages();
    ALLOCATE_EXPECT(b, 16 * PAGE, MEM_RESERVE, PAGE_READONLY, b, 16 * PAGE);
    CHECK_EQ(commit_pages(), before); /* a reservation charges nothing */
    ALLOCATE_EXPECT(b + 4 * PAGE, 4 * PAGE, MEM_COMMIT, PAGE_READWRITE, b + 4 * PAGE, 4 * PAGE);
    ALLOCATE_EXPECT(b + 9 * PAGE, 1, MEM_COMMIT, PAGE_EXECUTE_READ, b + 9 * PAGE, PAGE);
    CHECK_EQ(commit_pages(), before + 5);
    CHECK_REGION(b, RESERVED(b, b, PAGE_READONLY, 4 * PAGE));
    CHECK_REGION(b + 4 * PAGE, COMMITTED(b + 4 * PAGE, b, PAGE_READONLY, 4 * PAGE, PAGE_READWRITE));
    CHECK_REGION(b + 5 * PAGE + 0x123,
                 COMMITTED(b + 5 * PAGE, b, PAGE_READONLY, 3 * PAGE, PAGE_READWRITE));
    CHECK_REGION(b + 8 * PAGE, RESERVED(b + 8 * PAGE, b, PAGE_READONLY, PAGE));
    CHECK_REGION(b + 9 * PAGE, COMMITTED(b + 9 * PAGE, b, PAGE_READONLY, PAGE, PAGE_EXECUTE_READ));
    CHECK_REGION(b + 10 * PAGE, RESERVED(b + 10 * PAGE, b, PAGE_READONLY, 6 * PAGE));
    CHECK_REGION(b + 15 * PAGE + 0xFFF, RESERVED(b + 15 * PAGE, b, PAGE_READONLY, PAGE));
    CHECK_FREE(b + 16 * PAGE);
    /* Pages are zero, and writable where committed read-write. */
    CHECK_EQ(peek(b + 4 * PAGE), 0);
    poke(b + 7 * PAGE + 0xFFC, 0xFEEDF00D);
    CHECK_EQ(peek(b + 7 * PAGE + 0xFFC), 0xFEEDF00D);
    CHECK_EQ(peek(b + 9 * PAGE), 0);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
    CHECK_EQ(commit_pages(), before);
}

/* ---- decommit and release ---- */

static void test_release(void)
{
    uintptr_t b = free_area(2 * GRAN);
    uint32_t before = commit_pages();
    ALLOCATE_EXPECT(b, 16 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, b, 16 * PAGE);
    CHECK_EQ(commit_pages(), before + 16);
    /* Size 0 means the whole region, from its base (an address in its first page will do). */
    CHECK_STATUS(release_at(b + PAGE), STATUS_FREE_VM_NOT_AT_BASE);
    CHECK_STATUS(free_range(b, 17 * PAGE, MEM_RELEASE), STATUS_UNABLE_TO_FREE_VM);
    uintptr_t base = b + 0x10;
    size_t size = 0;
    CHECK_STATUS(NtFreeVirtualMemory(SELF, (void **)&base, &size, MEM_RELEASE), STATUS_SUCCESS);
    CHECK_EQ(base, b);
    CHECK_EQ(size, 16 * PAGE);
    CHECK_EQ(commit_pages(), before);
    CHECK_FREE(b);
    CHECK_STATUS(release_at(b), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_STATUS(free_range(b, PAGE, MEM_DECOMMIT), STATUS_MEMORY_NOT_ALLOCATED);
    /* Parts of a region: the first pages, the last pages, the middle (the region splits; the
     * upper part's AllocationBase is its own start, as NT's split VAD). */
    ALLOCATE_EXPECT(b, 16 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, b, 16 * PAGE);
    base = b;
    size = 2 * PAGE - 1;
    CHECK_STATUS(NtFreeVirtualMemory(SELF, (void **)&base, &size, MEM_RELEASE), STATUS_SUCCESS);
    CHECK_EQ(base, b);
    CHECK_EQ(size, 2 * PAGE);
    CHECK_FREE(b);
    CHECK_STATUS(free_range(b + 14 * PAGE, 2 * PAGE, MEM_RELEASE), STATUS_SUCCESS);
    CHECK_STATUS(free_range(b + 6 * PAGE, 2 * PAGE, MEM_RELEASE), STATUS_SUCCESS);
    CHECK_EQ(commit_pages(), before + 10);
    CHECK_REGION(b + 2 * PAGE,
                 COMMITTED(b + 2 * PAGE, b + 2 * PAGE, PAGE_READWRITE, 4 * PAGE, PAGE_READWRITE));
    CHECK_REGION(b + 8 * PAGE,
                 COMMITTED(b + 8 * PAGE, b + 8 * PAGE, PAGE_READWRITE, 6 * PAGE, PAGE_READWRITE));
    CHECK_FREE(b + 6 * PAGE);
    CHECK_FREE(b + 14 * PAGE);
    /* A range that runs from one region into the next is not one region. */
    CHECK_STATUS(free_range(b + 2 * PAGE, 8 * PAGE, MEM_RELEASE), STATUS_UNABLE_TO_FREE_VM);
    CHECK_STATUS(release_at(b + 2 * PAGE), STATUS_SUCCESS);
    CHECK_STATUS(release_at(b + 8 * PAGE), STATUS_SUCCESS);
    CHECK_EQ(commit_pages(), before);
    /* The released range can be reserved again. */
    ALLOCATE_EXPECT(b, 2 * GRAN, MEM_RESERVE, PAGE_READWRITE, b, 2 * GRAN);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
}

static void test_decommit(void)
{
    uintptr_t b = free_area(GRAN), base;
    size_t size;
    uint32_t before = commit_pages();
    ALLOCATE_EXPECT(b, 16 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, b, 16 * PAGE);
    for (uint32_t i = 0; i < 16; i++)
        poke(b + i * PAGE, 0xA0 + i);
    /* The middle: three regions, the data around it intact. */
    base = b + 5 * PAGE + 0x20;
    size = 4 * PAGE - 0x20;
    CHECK_STATUS(NtFreeVirtualMemory(SELF, (void **)&base, &size, MEM_DECOMMIT), STATUS_SUCCESS);
    CHECK_EQ(base, b + 5 * PAGE);
    CHECK_EQ(size, 4 * PAGE);
    CHECK_EQ(commit_pages(), before + 12);
    CHECK_REGION(b, COMMITTED(b, b, PAGE_READWRITE, 5 * PAGE, PAGE_READWRITE));
    CHECK_REGION(b + 5 * PAGE, RESERVED(b + 5 * PAGE, b, PAGE_READWRITE, 4 * PAGE));
    CHECK_REGION(b + 9 * PAGE,
                 COMMITTED(b + 9 * PAGE, b, PAGE_READWRITE, 7 * PAGE, PAGE_READWRITE));
    for (uint32_t i = 0; i < 16; i++)
        if (i < 5 || i > 8)
            CHECK_EQ(peek(b + i * PAGE), 0xA0 + i);
    /* Decommitting reserved pages again is no error (NT); committing them gives zeroes. */
    CHECK_STATUS(free_range(b + 4 * PAGE, 6 * PAGE, MEM_DECOMMIT), STATUS_SUCCESS);
    CHECK_EQ(commit_pages(), before + 10);
    ALLOCATE_EXPECT(b + 4 * PAGE, 6 * PAGE, MEM_COMMIT, PAGE_READONLY, b + 4 * PAGE, 6 * PAGE);
    CHECK_EQ(commit_pages(), before + 16);
    CHECK_EQ(peek(b + 4 * PAGE), 0);
    CHECK_EQ(peek(b + 6 * PAGE), 0);
    CHECK_REGION(b + 4 * PAGE, COMMITTED(b + 4 * PAGE, b, PAGE_READWRITE, 6 * PAGE, PAGE_READONLY));
    /* Size 0 decommits the whole region, but only from its base. */
    CHECK_STATUS(free_range(b + PAGE, 0, MEM_DECOMMIT), STATUS_FREE_VM_NOT_AT_BASE);
    CHECK_REGION(b + PAGE, COMMITTED(b + PAGE, b, PAGE_READWRITE, 3 * PAGE, PAGE_READWRITE));
    base = b;
    size = 0;
    CHECK_STATUS(NtFreeVirtualMemory(SELF, (void **)&base, &size, MEM_DECOMMIT), STATUS_SUCCESS);
    CHECK_EQ(base, b);
    CHECK_EQ(size, 16 * PAGE);
    CHECK_REGION(b, RESERVED(b, b, PAGE_READWRITE, 16 * PAGE));
    CHECK_EQ(commit_pages(), before);
    /* Past the end of the region. */
    CHECK_STATUS(free_range(b + 15 * PAGE, 2 * PAGE, MEM_DECOMMIT), STATUS_UNABLE_TO_FREE_VM);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
}

/* ---- protections ---- */

/* Every protection NtProtectVirtualMemory takes for private memory (WRITECOPY is for views). */
static const uint32_t private_protections[] = {
    PAGE_NOACCESS,
    PAGE_READONLY,
    PAGE_READWRITE,
    PAGE_EXECUTE,
    PAGE_EXECUTE_READ,
    PAGE_EXECUTE_READWRITE,
    PAGE_READONLY | PAGE_GUARD,
    PAGE_READWRITE | PAGE_GUARD,
    PAGE_EXECUTE | PAGE_GUARD,
    PAGE_EXECUTE_READ | PAGE_GUARD,
    PAGE_EXECUTE_READWRITE | PAGE_GUARD,
    PAGE_READONLY | PAGE_NOCACHE,
    PAGE_READWRITE | PAGE_NOCACHE,
    PAGE_EXECUTE | PAGE_NOCACHE,
    PAGE_EXECUTE_READ | PAGE_NOCACHE,
    PAGE_EXECUTE_READWRITE | PAGE_NOCACHE,
};

/* Protections no service takes: NT's MiMakeProtectionMask refuses them. PAGE_WRITECOMBINE, which
 * NT 5.1 accepts, is refused too (docs/vm.md). */
static const uint32_t invalid_protections[] = {
    0,
    PAGE_READONLY | PAGE_READWRITE,
    PAGE_NOACCESS | PAGE_READONLY,
    PAGE_EXECUTE | PAGE_EXECUTE_READ,
    PAGE_GUARD,
    PAGE_NOCACHE,
    PAGE_NOACCESS | PAGE_GUARD,
    PAGE_NOACCESS | PAGE_NOCACHE,
    PAGE_READWRITE | PAGE_GUARD | PAGE_NOCACHE,
    PAGE_READWRITE | PAGE_WRITECOMBINE,
    PAGE_READWRITE | 0x800,
    0x10000 | PAGE_READWRITE,
};

static void test_protect(void)
{
    uintptr_t b = 0;
    size_t size = 4 * PAGE;
    uint32_t old = 0xDEAD;
    CHECK_STATUS(allocate(&b, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    poke(b, 0x600D);
    /* The base rounds down and the size up to pages; the old protection is the first page's. */
    uintptr_t base = b + 0x10;
    size = PAGE + 1;
    CHECK_STATUS(NtProtectVirtualMemory(SELF, (void **)&base, &size, PAGE_READONLY, &old),
                 STATUS_SUCCESS);
    CHECK_EQ(base, b);
    CHECK_EQ(size, 2 * PAGE);
    CHECK_EQ(old, PAGE_READWRITE);
    CHECK_EQ(peek(b), 0x600D);
    CHECK_REGION(b, COMMITTED(b, b, PAGE_READWRITE, 2 * PAGE, PAGE_READONLY));
    CHECK_STATUS(protect(b, 4 * PAGE, PAGE_EXECUTE_READWRITE, &old), STATUS_SUCCESS);
    CHECK_EQ(old, PAGE_READONLY);
    /* Each protection reads back exactly and is the next change's old protection. */
    uint32_t previous = PAGE_EXECUTE_READWRITE;
    for (size_t i = 0; i < ARRAY_SIZE(private_protections); i++) {
        uint32_t p = private_protections[i];
        CHECK_STATUS(protect(b + PAGE, 2 * PAGE, p, &old), STATUS_SUCCESS);
        CHECK_EQ(old, previous);
        /* The last page is still EXECUTE_READWRITE: one region with it then. */
        size = p == PAGE_EXECUTE_READWRITE ? 3 * PAGE : 2 * PAGE;
        CHECK_REGION(b + PAGE, COMMITTED(b + PAGE, b, PAGE_READWRITE, size, p));
        previous = p;
    }
    /* The page's data lives through NOACCESS and GUARD (it keeps its frame). */
    CHECK_STATUS(protect(b, PAGE, PAGE_NOACCESS, &old), STATUS_SUCCESS);
    CHECK_STATUS(protect(b, PAGE, PAGE_READWRITE | PAGE_GUARD, &old), STATUS_SUCCESS);
    CHECK_EQ(old, PAGE_NOACCESS);
    CHECK_STATUS(protect(b, PAGE, PAGE_READONLY, &old), STATUS_SUCCESS);
    CHECK_EQ(old, PAGE_READWRITE | PAGE_GUARD);
    CHECK_EQ(peek(b), 0x600D);
    /* Refused: WRITECOPY for private memory (NT: STATUS_INVALID_PARAMETER_4), bad values. */
    CHECK_STATUS(protect(b, PAGE, PAGE_WRITECOPY, &old), STATUS_INVALID_PARAMETER_4);
    CHECK_STATUS(protect(b, PAGE, PAGE_EXECUTE_WRITECOPY, &old), STATUS_INVALID_PARAMETER_4);
    for (size_t i = 0; i < ARRAY_SIZE(invalid_protections); i++)
        CHECK_STATUS(protect(b, PAGE, invalid_protections[i], &old),
                     STATUS_INVALID_PAGE_PROTECTION);
    CHECK_REGION(b, COMMITTED(b, b, PAGE_READWRITE, PAGE, PAGE_READONLY));
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
}

/* Back to the region's own protection: in a MEM_COMMIT region that makes a page's PTE zero, and
 * the page table whose PTEs all became zero was freed in the middle of the change (the fuzzer's
 * kernel fault in mm_protect_virtual; the same in a commit over committed pages). */
static void test_protect_back(void)
{
    /* alone in its page table: at a 4 MiB boundary of a free area */
    uintptr_t b = (free_area(0x800000u) + 0x3FFFFFu) & ~0x3FFFFFu, c;
    size_t size = 2 * PAGE;
    uint32_t old = 0;
    CHECK_STATUS(allocate(&b, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    CHECK_STATUS(protect(b, PAGE, PAGE_READONLY, &old), STATUS_SUCCESS);
    CHECK_STATUS(protect(b, 2 * PAGE, PAGE_READWRITE, &old), STATUS_SUCCESS);
    CHECK_EQ(old, PAGE_READONLY);
    CHECK_REGION(b, COMMITTED(b, b, PAGE_READWRITE, 2 * PAGE, PAGE_READWRITE));
    CHECK_STATUS(protect(b, PAGE, PAGE_READONLY, &old), STATUS_SUCCESS);
    c = b, size = 2 * PAGE;
    CHECK_STATUS(allocate(&c, &size, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    CHECK_REGION(b, COMMITTED(b, b, PAGE_READWRITE, 2 * PAGE, PAGE_READWRITE));
    poke(b + PAGE, 0x600D);
    CHECK_EQ(peek(b + PAGE), 0x600D);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
}

/* Where the change may not go: reserved pages, free ones, two regions, the shared page. */
static void test_protect_ranges(void)
{
    uintptr_t b = free_area(2 * GRAN);
    uint32_t old = 0xDEAD;
    ALLOCATE_EXPECT(b, 4 * PAGE, MEM_RESERVE, PAGE_READWRITE, b, 4 * PAGE);
    ALLOCATE_EXPECT(b + PAGE, PAGE, MEM_COMMIT, PAGE_READWRITE, b + PAGE, PAGE);
    ALLOCATE_EXPECT(b + GRAN, PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, b + GRAN, PAGE);
    CHECK_STATUS(protect(b, PAGE, PAGE_READONLY, &old), STATUS_NOT_COMMITTED);
    CHECK_STATUS(protect(b + PAGE, 2 * PAGE, PAGE_READONLY, &old), STATUS_NOT_COMMITTED);
    CHECK_EQ(old, 0xDEAD);
    CHECK_REGION(b + PAGE, COMMITTED(b + PAGE, b, PAGE_READWRITE, PAGE, PAGE_READWRITE));
    CHECK_STATUS(protect(b + 4 * PAGE, PAGE, PAGE_READONLY, &old), STATUS_CONFLICTING_ADDRESSES);
    CHECK_STATUS(protect(b + 3 * PAGE, 2 * PAGE, PAGE_READONLY, &old),
                 STATUS_CONFLICTING_ADDRESSES);
    CHECK_STATUS(protect(b + GRAN - PAGE, 2 * PAGE, PAGE_READONLY, &old),
                 STATUS_CONFLICTING_ADDRESSES);
    CHECK_STATUS(protect(READ_ONLY_PAGE, PAGE, PAGE_READWRITE, &old),
                 STATUS_INVALID_PAGE_PROTECTION);
    CHECK_STATUS(protect(b + PAGE, 0, PAGE_READONLY, &old), STATUS_INVALID_PARAMETER_3);
    CHECK_STATUS(protect(HIGHEST_USER_ADDRESS + 1, PAGE, PAGE_READONLY, &old),
                 STATUS_INVALID_PARAMETER_2);
    CHECK_STATUS(protect(b, 0 - b, PAGE_READONLY, &old), STATUS_INVALID_PARAMETER_3);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
    CHECK_STATUS(release_at(b + GRAN), STATUS_SUCCESS);
}

/* What each protection allows without ending the process: reading READONLY and execute-only pages
 * (no NX on i386: execute implies read), running code, NOCACHE memory that works as memory. */
static void test_protection_access(void)
{
    static const uint8_t code[] = {0xB8, 0x78, 0x56, 0x34, 0x12, 0xC3}; /* mov eax, imm; ret */
    uintptr_t b = 0;
    size_t size = 3 * PAGE;
    uint32_t old;
    CHECK_STATUS(allocate(&b, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    memcpy((void *)b, code, sizeof code);
    CHECK_STATUS(protect(b, PAGE, PAGE_EXECUTE_READ, &old), STATUS_SUCCESS);
    uint32_t (*routine)(void) = (uint32_t(*)(void))b;
    CHECK_EQ(routine(), 0x12345678);
    CHECK_STATUS(protect(b, PAGE, PAGE_EXECUTE, &old), STATUS_SUCCESS);
    CHECK_EQ(routine(), 0x12345678);
    CHECK_EQ(peek(b) & 0xFF, 0xB8);
    CHECK_STATUS(protect(b + PAGE, PAGE, PAGE_READONLY, &old), STATUS_SUCCESS);
    CHECK_EQ(peek(b + PAGE), 0);
    CHECK_STATUS(protect(b + 2 * PAGE, PAGE, PAGE_READWRITE | PAGE_NOCACHE, &old), STATUS_SUCCESS);
    poke(b + 2 * PAGE + 8, 0xCAFE);
    CHECK_EQ(peek(b + 2 * PAGE + 8), 0xCAFE);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
}

/* Allocation with each protection: AllocationProtect and Protect are what was asked; WRITECOPY
 * (private memory is never copy-on-write) and invalid values are refused. */
static void test_allocate_protections(void)
{
    uintptr_t base;
    size_t size;
    for (size_t i = 0; i < ARRAY_SIZE(private_protections); i++) {
        uint32_t p = private_protections[i];
        base = 0;
        size = PAGE;
        if (!CHECK_STATUS(allocate(&base, &size, MEM_RESERVE | MEM_COMMIT, p), STATUS_SUCCESS))
            continue;
        CHECK_REGION(base, COMMITTED(base, base, p, PAGE, p));
        CHECK_STATUS(release_at(base), STATUS_SUCCESS);
        base = 0;
        size = PAGE;
        CHECK_STATUS(allocate(&base, &size, MEM_RESERVE, p), STATUS_SUCCESS);
        CHECK_REGION(base, RESERVED(base, base, p, PAGE));
        CHECK_STATUS(release_at(base), STATUS_SUCCESS);
    }
    for (size_t i = 0; i < ARRAY_SIZE(invalid_protections); i++) {
        base = 0;
        size = PAGE;
        CHECK_STATUS(allocate(&base, &size, MEM_RESERVE | MEM_COMMIT, invalid_protections[i]),
                     STATUS_INVALID_PAGE_PROTECTION);
    }
    static const uint32_t copy_on_write[] = {PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY};
    uintptr_t b = free_area(GRAN);
    ALLOCATE_EXPECT(b, GRAN, MEM_RESERVE, PAGE_READWRITE, b, GRAN);
    for (size_t i = 0; i < ARRAY_SIZE(copy_on_write); i++) {
        base = 0;
        size = PAGE;
        CHECK_STATUS(allocate(&base, &size, MEM_RESERVE, copy_on_write[i]),
                     STATUS_INVALID_PAGE_PROTECTION);
        base = b;
        size = PAGE;
        CHECK_STATUS(allocate(&base, &size, MEM_COMMIT, copy_on_write[i]),
                     STATUS_INVALID_PAGE_PROTECTION);
    }
    CHECK_REGION(b, RESERVED(b, b, PAGE_READWRITE, GRAN));
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
}

/* MEM_RESET: whole pages inside the range only (NT rounds the start up and the end down); their
 * data goes (Pagoda gives the frames back: they read as zero), they stay committed; pages that are
 * only reserved are skipped. */
static void test_reset(void)
{
    uintptr_t b = free_area(GRAN), base;
    size_t size;
    ALLOCATE_EXPECT(b, 8 * PAGE, MEM_RESERVE, PAGE_READWRITE, b, 8 * PAGE);
    ALLOCATE_EXPECT(b, 4 * PAGE, MEM_COMMIT, PAGE_READWRITE, b, 4 * PAGE);
    for (uint32_t i = 0; i < 4; i++)
        poke(b + i * PAGE, 0x51 + i);
    base = b + 0x10;
    size = 3 * PAGE;
    CHECK_STATUS(allocate(&base, &size, MEM_RESET, PAGE_NOACCESS), STATUS_SUCCESS);
    CHECK_EQ(base, b + PAGE);
    CHECK_EQ(size, 2 * PAGE);
    CHECK_EQ(peek(b), 0x51);
    CHECK_EQ(peek(b + 3 * PAGE), 0x54);
    CHECK_EQ(peek(b + PAGE), 0);
    CHECK_EQ(peek(b + 2 * PAGE), 0);
    CHECK_REGION(b, COMMITTED(b, b, PAGE_READWRITE, 4 * PAGE, PAGE_READWRITE));
    /* Reserved pages in the range are skipped; a range with no whole page, free memory or two
     * regions are STATUS_CONFLICTING_ADDRESSES; the protection must still be valid. */
    base = b + 2 * PAGE;
    size = 4 * PAGE;
    CHECK_STATUS(allocate(&base, &size, MEM_RESET, PAGE_READWRITE), STATUS_SUCCESS);
    CHECK_REGION(b + 4 * PAGE, RESERVED(b + 4 * PAGE, b, PAGE_READWRITE, 4 * PAGE));
    base = b + 0x10;
    size = 0x100;
    CHECK_STATUS(allocate(&base, &size, MEM_RESET, PAGE_READWRITE), STATUS_CONFLICTING_ADDRESSES);
    base = b + 8 * PAGE;
    size = PAGE;
    CHECK_STATUS(allocate(&base, &size, MEM_RESET, PAGE_READWRITE), STATUS_CONFLICTING_ADDRESSES);
    base = b + 7 * PAGE;
    size = 2 * PAGE;
    CHECK_STATUS(allocate(&base, &size, MEM_RESET, PAGE_READWRITE), STATUS_CONFLICTING_ADDRESSES);
    base = b;
    size = PAGE;
    CHECK_STATUS(allocate(&base, &size, MEM_RESET, 0), STATUS_INVALID_PAGE_PROTECTION);
    CHECK_STATUS(allocate(&base, &size, MEM_RESET, PAGE_WRITECOPY), STATUS_SUCCESS);
    /* Pagoda resets nothing for a NULL base (NT 5.2 would take it for a reservation). */
    base = 0;
    size = PAGE;
    CHECK_STATUS(allocate(&base, &size, MEM_RESET, PAGE_READWRITE), STATUS_CONFLICTING_ADDRESSES);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
}

/* ZeroBits: at most 21; with a NULL base the region ends below 2^(32 - ZeroBits), and a limit
 * above the highest VAD address is STATUS_INVALID_PARAMETER_3 (NT's MM_USER_ADDRESS_RANGE_LIMIT
 * >> ZeroBits check, which refuses ZeroBits 1 in a 2 GiB address space). */
static void test_zero_bits(void)
{
    uintptr_t base = 0;
    size_t size = PAGE;
    CHECK_STATUS(
        NtAllocateVirtualMemory(SELF, (void **)&base, 22, &size, MEM_RESERVE, PAGE_READWRITE),
        STATUS_INVALID_PARAMETER_3);
    CHECK_STATUS(NtAllocateVirtualMemory(SELF, (void **)&base, 0xFFFFFFFF, &size, MEM_RESERVE,
                                         PAGE_READWRITE),
                 STATUS_INVALID_PARAMETER_3);
    CHECK_STATUS(
        NtAllocateVirtualMemory(SELF, (void **)&base, 1, &size, MEM_RESERVE, PAGE_READWRITE),
        STATUS_INVALID_PARAMETER_3);
    base = 0;
    CHECK_STATUS(
        NtAllocateVirtualMemory(SELF, (void **)&base, 21, &size, MEM_RESERVE, PAGE_READWRITE),
        STATUS_NO_MEMORY);
    static const uint32_t bits[] = {2, 3, 9};
    for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
        base = 0;
        size = GRAN;
        uint32_t type = MEM_RESERVE | (i == 1 ? MEM_TOP_DOWN : 0);
        if (!CHECK_STATUS(
                NtAllocateVirtualMemory(SELF, (void **)&base, bits[i], &size, type, PAGE_READWRITE),
                STATUS_SUCCESS))
            continue;
        CHECK(base + size - 1 <= (0xFFFFFFFFu >> bits[i]));
        CHECK_STATUS(release_at(base), STATUS_SUCCESS);
    }
    /* With a chosen base, ZeroBits is not used (but still checked). */
    uintptr_t b = free_area(GRAN);
    base = b;
    size = PAGE;
    CHECK_STATUS(
        NtAllocateVirtualMemory(SELF, (void **)&base, 21, &size, MEM_RESERVE, PAGE_READWRITE),
        STATUS_SUCCESS);
    CHECK_EQ(base, b);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
}

/* Whether a free range [start, end) could hold `size` bytes at a 64 KiB boundary. */
static bool fits_aligned(uintptr_t start, uintptr_t end, size_t size)
{
    uintptr_t aligned = (start + GRAN - 1) & ~(GRAN - 1);
    return aligned >= start && aligned < end && end - aligned >= size;
}

/* MEM_TOP_DOWN takes the highest free range: nothing free above it could hold the region. */
static void test_top_down(void)
{
    uintptr_t top = 0, bottom = 0;
    size_t size = 2 * GRAN, bottom_size = 2 * GRAN;
    CHECK_STATUS(allocate(&top, &size, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE), STATUS_SUCCESS);
    CHECK_STATUS(allocate(&bottom, &bottom_size, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    CHECK(top > bottom);
    CHECK(top + size - 1 <= HIGHEST_VAD_ADDRESS);
    CHECK_EQ(top % GRAN, 0);
    for (uintptr_t va = top + size; va <= HIGHEST_VAD_ADDRESS;) {
        MEMORY_BASIC_INFORMATION m;
        if (!CHECK_STATUS(query_in(SELF, va, &m), STATUS_SUCCESS) || m.RegionSize == 0)
            break;
        uintptr_t end = MIN(va + m.RegionSize, HIGHEST_VAD_ADDRESS + 1);
        if (m.State == MEM_FREE && fits_aligned(va, end, 2 * GRAN))
            FAIL("free range %08X-%08X above the top-down region at %08X", (uint32_t)va,
                 (uint32_t)end, (uint32_t)top);
        va += m.RegionSize;
    }
    /* With a chosen base MEM_TOP_DOWN changes nothing. */
    uintptr_t b = free_area(GRAN);
    ALLOCATE_EXPECT(b, PAGE, MEM_RESERVE | MEM_COMMIT | MEM_TOP_DOWN, PAGE_READWRITE, b, PAGE);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
    CHECK_STATUS(release_at(top), STATUS_SUCCESS);
    CHECK_STATUS(release_at(bottom), STATUS_SUCCESS);
}

/* ---- hostile arguments ---- */

/* Allocation types NT refuses with STATUS_INVALID_PARAMETER_5 (MiAllocateVirtualMemory's checks),
 * and the ones it takes that Pagoda does not support. */
static void test_allocation_types(void)
{
    static const uint32_t invalid[] = {
        0,
        MEM_DECOMMIT,
        MEM_RELEASE,
        MEM_TOP_DOWN,
        MEM_RESET | MEM_COMMIT,
        MEM_RESET | MEM_TOP_DOWN,
        MEM_COMMIT | 0x40000000,
        MEM_RESERVE | MEM_FREE,
        MEM_WRITE_WATCH | MEM_COMMIT,
        MEM_WRITE_WATCH | MEM_PHYSICAL | MEM_RESERVE,
        MEM_PHYSICAL | MEM_RESERVE | MEM_COMMIT,
        MEM_PHYSICAL | MEM_COMMIT,
        MEM_LARGE_PAGES | MEM_RESERVE,
        MEM_LARGE_PAGES | MEM_COMMIT | MEM_RESERVE | MEM_WRITE_WATCH,
        MEM_LARGE_PAGES | MEM_COMMIT | MEM_PHYSICAL | MEM_RESERVE,
    };
    uintptr_t base = 0;
    size_t size = PAGE;
    for (size_t i = 0; i < ARRAY_SIZE(invalid); i++) {
        rt_subtest = "allocation types";
        if (!CHECK_STATUS(allocate(&base, &size, invalid[i], PAGE_READWRITE),
                          STATUS_INVALID_PARAMETER_5))
            rt_print("  virtual: (the type was 0x%08X)\n", invalid[i]);
    }
    /* MEM_PHYSICAL is read-write only (parameter 6); then Pagoda has no AWE or large pages. */
    CHECK_STATUS(allocate(&base, &size, MEM_PHYSICAL | MEM_RESERVE, PAGE_READONLY),
                 STATUS_INVALID_PARAMETER_6);
    CHECK_STATUS(allocate(&base, &size, MEM_PHYSICAL | MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE),
                 STATUS_NOT_SUPPORTED);
    CHECK_STATUS(allocate(&base, &size, MEM_WRITE_WATCH | MEM_RESERVE, PAGE_READWRITE),
                 STATUS_NOT_SUPPORTED);
    CHECK_STATUS(allocate(&base, &size, MEM_LARGE_PAGES | MEM_COMMIT, PAGE_READWRITE),
                 STATUS_NOT_SUPPORTED);
    CHECK_EQ(base, 0);
}

static void test_arguments(void)
{
    uintptr_t base = 0, p;
    size_t size = PAGE;
    static union {
        uint32_t align;
        uint8_t bytes[16];
    } scratch;
    test_allocation_types();
    /* The order: ZeroBits, type, protection, then the pointers. */
    CHECK_STATUS(NtAllocateVirtualMemory(SELF, NULL, 22, NULL, 0, 0), STATUS_INVALID_PARAMETER_3);
    CHECK_STATUS(NtAllocateVirtualMemory(SELF, NULL, 0, NULL, 0, 0), STATUS_INVALID_PARAMETER_5);
    CHECK_STATUS(NtAllocateVirtualMemory(SELF, NULL, 0, NULL, MEM_COMMIT, 0),
                 STATUS_INVALID_PAGE_PROTECTION);
    for (size_t i = 0; i < ARRAY_SIZE(bad_pointers); i++) {
        p = bad_pointers[i];
        CHECK_STATUS(NtAllocateVirtualMemory(SELF, (void **)p, 0, &size, MEM_COMMIT | MEM_RESERVE,
                                             PAGE_READWRITE),
                     STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtAllocateVirtualMemory(SELF, (void **)&base, 0, (size_t *)p,
                                             MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE),
                     STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtFreeVirtualMemory(SELF, (void **)p, &size, MEM_RELEASE),
                     STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtFreeVirtualMemory(SELF, (void **)&base, (size_t *)p, MEM_RELEASE),
                     STATUS_ACCESS_VIOLATION);
    }
    /* In/out arguments are written back, so a read-only one fails before anything happens. */
    CHECK_STATUS(NtAllocateVirtualMemory(SELF, (void **)READ_ONLY_PAGE, 0, &size,
                                         MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE),
                 STATUS_ACCESS_VIOLATION);
    /* Misaligned in/out pointers work (x86 NT's ProbeForWritePointer does not check). */
    uintptr_t *mis_base = (uintptr_t *)(scratch.bytes + 1);
    size_t *mis_size = (size_t *)(scratch.bytes + 7);
    *mis_base = 0;
    *mis_size = PAGE;
    CHECK_STATUS(NtAllocateVirtualMemory(SELF, (void **)mis_base, 0, mis_size,
                                         MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE),
                 STATUS_SUCCESS);
    CHECK_EQ(*mis_size, PAGE);
    *mis_size = 0;
    CHECK_STATUS(NtFreeVirtualMemory(SELF, (void **)mis_base, mis_size, MEM_RELEASE),
                 STATUS_SUCCESS);
    /* Bases and sizes: past the highest VAD address, sizes that reach past it, zero. */
    static const struct {
        uintptr_t base;
        size_t size;
        NTSTATUS status;
    } ranges[] = {
        {HIGHEST_VAD_ADDRESS + 1, PAGE, STATUS_INVALID_PARAMETER_2},
        {0xFFFFF000, PAGE, STATUS_INVALID_PARAMETER_2},
        {HIGHEST_VAD_ADDRESS - 0xFFF, 0x2000, STATUS_INVALID_PARAMETER_4},
        {0, 0xFFFFFFFF, STATUS_INVALID_PARAMETER_4},
        {0x10000, 0xFFFFFFFF, STATUS_INVALID_PARAMETER_4},
        {0, 0, STATUS_INVALID_PARAMETER_4},
        {0x20000000, 0, STATUS_INVALID_PARAMETER_4},
        {0, HIGHEST_VAD_ADDRESS + 1, STATUS_NO_MEMORY},
        {0x1000, PAGE, STATUS_CONFLICTING_ADDRESSES}, /* the first 64 KiB (docs/vm.md) */
        {0xFFFF, PAGE, STATUS_CONFLICTING_ADDRESSES},
    };
    for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
        base = ranges[i].base;
        size = ranges[i].size;
        if (!CHECK_STATUS(allocate(&base, &size, MEM_RESERVE, PAGE_READWRITE), ranges[i].status))
            rt_print("  virtual: (base 0x%08X, size 0x%08X)\n", (uint32_t)ranges[i].base,
                     (uint32_t)ranges[i].size);
    }
    /* NtFreeVirtualMemory: the type first, then the range against the highest user address. */
    base = 0x20000000;
    size = PAGE;
    static const uint32_t bad_free_types[] = {0, MEM_DECOMMIT | MEM_RELEASE, MEM_COMMIT,
                                              MEM_RELEASE | 0x1, MEM_FREE};
    for (size_t i = 0; i < ARRAY_SIZE(bad_free_types); i++)
        CHECK_STATUS(NtFreeVirtualMemory(SELF, NULL, NULL, bad_free_types[i]),
                     STATUS_INVALID_PARAMETER_4);
    CHECK_STATUS(free_range(HIGHEST_USER_ADDRESS + 1, PAGE, MEM_RELEASE),
                 STATUS_INVALID_PARAMETER_2);
    CHECK_STATUS(free_range(0x20000000, 0x70000000, MEM_RELEASE), STATUS_INVALID_PARAMETER_3);
    CHECK_STATUS(free_range(0x20000000, PAGE, MEM_RELEASE), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_STATUS(free_range(READ_ONLY_PAGE, 0, MEM_RELEASE), STATUS_UNABLE_TO_FREE_VM);
    CHECK_STATUS(free_range(READ_ONLY_PAGE, PAGE, MEM_DECOMMIT), STATUS_UNABLE_TO_FREE_VM);
    /* NtProtectVirtualMemory: the protection first, then the pointers (OldProtect included,
     * before anything changes); a misaligned OldProtect works. */
    uintptr_t b = 0;
    size = PAGE;
    uint32_t *mis_old = (uint32_t *)(scratch.bytes + 3);
    CHECK_STATUS(allocate(&b, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    CHECK_STATUS(NtProtectVirtualMemory(SELF, NULL, NULL, 0, NULL), STATUS_INVALID_PAGE_PROTECTION);
    for (size_t i = 0; i < ARRAY_SIZE(bad_pointers); i++) {
        p = bad_pointers[i];
        base = b;
        size = PAGE;
        CHECK_STATUS(NtProtectVirtualMemory(SELF, (void **)p, &size, PAGE_READONLY, mis_old),
                     STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(
            NtProtectVirtualMemory(SELF, (void **)&base, (size_t *)p, PAGE_READONLY, mis_old),
            STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(
            NtProtectVirtualMemory(SELF, (void **)&base, &size, PAGE_READONLY, (uint32_t *)p),
            STATUS_ACCESS_VIOLATION);
    }
    CHECK_STATUS(NtProtectVirtualMemory(SELF, (void **)&base, &size, PAGE_READONLY,
                                        (uint32_t *)READ_ONLY_PAGE),
                 STATUS_ACCESS_VIOLATION);
    CHECK_REGION(b, COMMITTED(b, b, PAGE_READWRITE, PAGE, PAGE_READWRITE));
    CHECK_STATUS(NtProtectVirtualMemory(SELF, (void **)&base, &size, PAGE_READONLY, mis_old),
                 STATUS_SUCCESS);
    CHECK_EQ(*mis_old, PAGE_READWRITE);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
}

static void test_query_arguments(void)
{
    MEMORY_BASIC_INFORMATION m;
    static union {
        uint32_t align;
        uint8_t bytes[64];
    } scratch;
    size_t returned = 0;
    uintptr_t image = 0x00400000;
    /* The class, then the length, then the buffer, then the address. */
    CHECK_STATUS(NtQueryVirtualMemory(SELF, (void *)image, 1, &m, sizeof m, NULL),
                 STATUS_INVALID_INFO_CLASS);
    CHECK_STATUS(
        NtQueryVirtualMemory(SELF, (void *)image, MemoryBasicInformation, NULL, sizeof m - 1, NULL),
        STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtQueryVirtualMemory(SELF, (void *)image, MemoryBasicInformation, &m, 0, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    for (size_t i = 0; i < ARRAY_SIZE(bad_pointers); i++) {
        uintptr_t p = bad_pointers[i];
        CHECK_STATUS(NtQueryVirtualMemory(SELF, (void *)image, MemoryBasicInformation, (void *)p,
                                          sizeof m, NULL),
                     STATUS_ACCESS_VIOLATION);
        if (p)
            CHECK_STATUS(NtQueryVirtualMemory(SELF, (void *)image, MemoryBasicInformation, &m,
                                              sizeof m, (size_t *)p),
                         STATUS_ACCESS_VIOLATION);
    }
    CHECK_STATUS(NtQueryVirtualMemory(SELF, (void *)image, MemoryBasicInformation,
                                      (void *)READ_ONLY_PAGE, sizeof m, NULL),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtQueryVirtualMemory(SELF, (void *)image, MemoryBasicInformation,
                                      scratch.bytes + 2, sizeof m, NULL),
                 STATUS_DATATYPE_MISALIGNMENT);
    CHECK_STATUS(NtQueryVirtualMemory(SELF, (void *)image, MemoryBasicInformation,
                                      (void *)(HIGHEST_USER_ADDRESS + 1 - 0x10), sizeof m, NULL),
                 STATUS_ACCESS_VIOLATION);
    /* A longer buffer is fine; ReturnLength is the structure's size, misaligned or not. */
    CHECK_STATUS(NtQueryVirtualMemory(SELF, (void *)image, MemoryBasicInformation, scratch.bytes,
                                      sizeof scratch.bytes, (size_t *)(scratch.bytes + 40 + 1)),
                 STATUS_SUCCESS);
    memcpy(&returned, scratch.bytes + 41, sizeof returned);
    CHECK_EQ(returned, MBI_SIZE);
    /* Addresses: anything up to the highest user address (of the system) answers. */
    CHECK_STATUS(NtQueryVirtualMemory(SELF, (void *)(uintptr_t)(SYSTEM_HIGHEST_USER() + 1),
                                      MemoryBasicInformation, &m, sizeof m, NULL),
                 STATUS_INVALID_PARAMETER);
    CHECK_STATUS(
        NtQueryVirtualMemory(SELF, (void *)0xFFFFFFFF, MemoryBasicInformation, &m, sizeof m, NULL),
        STATUS_INVALID_PARAMETER);
    CHECK_STATUS(query_in(SELF, SYSTEM_HIGHEST_USER(), &m), STATUS_SUCCESS);
    CHECK_STATUS(query_in(SELF, 0, &m), STATUS_SUCCESS);
    CHECK_FREE(0);
    CHECK_EQ(m.RegionSize, 0x10000); /* the first 64 KiB, then the first reservation */
}

/* Process handles: NtCurrentProcess or a process handle with the right access (the "other"
 * sub-test); anything else is refused before the work. */
static void test_handles(void)
{
    HANDLE event = rt_new_event(NotificationEvent, 0);
    static const struct {
        HANDLE handle;
        NTSTATUS status;
    } cases[] = {
        {(HANDLE)0, STATUS_INVALID_HANDLE},
        {(HANDLE)0x1234, STATUS_INVALID_HANDLE},
        {NtCurrentThread(), STATUS_OBJECT_TYPE_MISMATCH},
    };
    MEMORY_BASIC_INFORMATION m;
    uint32_t old;
    for (size_t i = 0; i <= ARRAY_SIZE(cases); i++) {
        HANDLE h = i < ARRAY_SIZE(cases) ? cases[i].handle : event;
        NTSTATUS want = i < ARRAY_SIZE(cases) ? cases[i].status : STATUS_OBJECT_TYPE_MISMATCH;
        uintptr_t base = 0;
        size_t size = PAGE;
        CHECK_STATUS(
            NtAllocateVirtualMemory(h, (void **)&base, 0, &size, MEM_RESERVE, PAGE_READWRITE),
            want);
        base = 0x00400000;
        CHECK_STATUS(NtFreeVirtualMemory(h, (void **)&base, &size, MEM_DECOMMIT), want);
        CHECK_STATUS(NtProtectVirtualMemory(h, (void **)&base, &size, PAGE_READWRITE, &old), want);
        CHECK_STATUS(
            NtQueryVirtualMemory(h, (void *)base, MemoryBasicInformation, &m, sizeof m, NULL),
            want);
    }
    NtClose(event);
}

/* ---- guard pages and stacks ---- */

/* A system call's copy into a guard page returns STATUS_GUARD_PAGE_VIOLATION, and the guard is
 * gone: the same call then succeeds. Resident pages keep their data through it. */
static void test_guard_syscall(void)
{
    uintptr_t b = 0;
    size_t size = 3 * PAGE;
    uint32_t old;
    CHECK_STATUS(allocate(&b, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD),
                 STATUS_SUCCESS);
    MEMORY_BASIC_INFORMATION *out = (MEMORY_BASIC_INFORMATION *)(b + PAGE);
    CHECK_STATUS(
        NtQueryVirtualMemory(SELF, (void *)b, MemoryBasicInformation, out, sizeof *out, NULL),
        STATUS_GUARD_PAGE_VIOLATION);
    CHECK_REGION(b,
                 COMMITTED(b, b, PAGE_READWRITE | PAGE_GUARD, PAGE, PAGE_READWRITE | PAGE_GUARD));
    CHECK_REGION(b + PAGE,
                 COMMITTED(b + PAGE, b, PAGE_READWRITE | PAGE_GUARD, PAGE, PAGE_READWRITE));
    CHECK_STATUS(
        NtQueryVirtualMemory(SELF, (void *)b, MemoryBasicInformation, out, sizeof *out, NULL),
        STATUS_SUCCESS);
    CHECK_EQ((uintptr_t)out->AllocationBase, b);
    /* A resident page made a guard page: its data stays. */
    poke(b + PAGE + 0x100, 0x0DDBA11);
    CHECK_STATUS(protect(b + PAGE, PAGE, PAGE_READONLY | PAGE_GUARD, &old), STATUS_SUCCESS);
    CHECK_EQ(old, PAGE_READWRITE);
    size = PAGE;
    CHECK_STATUS(NtAllocateVirtualMemory(SELF, (void **)(b + PAGE), 0, &size,
                                         MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
                 STATUS_GUARD_PAGE_VIOLATION);
    CHECK_REGION(b + PAGE,
                 COMMITTED(b + PAGE, b, PAGE_READWRITE | PAGE_GUARD, PAGE, PAGE_READONLY));
    CHECK_EQ(peek(b + PAGE + 0x100), 0x0DDBA11);
    /* A guard page that is only demand zero, met by an input the service reads. */
    CHECK_STATUS(NtFreeVirtualMemory(SELF, (void **)(b + 2 * PAGE), &size, MEM_RELEASE),
                 STATUS_GUARD_PAGE_VIOLATION);
    CHECK_EQ(peek(b + 2 * PAGE), 0);
    CHECK_STATUS(release_at(b), STATUS_SUCCESS);
}

/* The thread's own stack guard page met by a system call's copy grows the stack instead. */
static void test_stack_syscall(void)
{
    PAGODA_TEB *teb = current_teb();
    uintptr_t limit = (uintptr_t)teb->NtTib.StackLimit;
    uintptr_t reservation = (uintptr_t)teb->DeallocationStack;
    CHECK_REGION(limit - PAGE, COMMITTED(limit - PAGE, reservation, PAGE_READWRITE, PAGE,
                                         PAGE_READWRITE | PAGE_GUARD));
    MEMORY_BASIC_INFORMATION *out = (MEMORY_BASIC_INFORMATION *)(limit - MBI_SIZE);
    CHECK_STATUS(
        NtQueryVirtualMemory(SELF, (void *)limit, MemoryBasicInformation, out, sizeof *out, NULL),
        STATUS_SUCCESS);
    CHECK_EQ((uintptr_t)teb->NtTib.StackLimit, limit - PAGE);
    CHECK_REGION(limit - PAGE,
                 COMMITTED(limit - PAGE, reservation, PAGE_READWRITE,
                           (uintptr_t)teb->NtTib.StackBase - (limit - PAGE), PAGE_READWRITE));
    CHECK_REGION(limit - 2 * PAGE, COMMITTED(limit - 2 * PAGE, reservation, PAGE_READWRITE, PAGE,
                                             PAGE_READWRITE | PAGE_GUARD));
    CHECK_REGION(reservation, RESERVED(reservation, reservation, PAGE_READWRITE,
                                       limit - 2 * PAGE - reservation));
}

/* ---- the whole address space ---- */

struct walk {
    uintptr_t va;
    uint32_t regions;
    uintptr_t images[2]; /* the exe's and ntdll's bases: their regions are MEM_IMAGE */
    uint32_t image_regions[2];
    bool previous_free;
    uintptr_t previous_allocation;
    uint32_t previous_state, previous_protect;
};

/* One region of the walk: consistent fields, contiguous with the previous, never two free regions
 * in a row nor two equal runs of one allocation. */
static bool walk_step(struct walk *w, const MEMORY_BASIC_INFORMATION *m)
{
    uintptr_t base = (uintptr_t)m->BaseAddress, alloc = (uintptr_t)m->AllocationBase;
    if (!CHECK_EQ(base, w->va) || !CHECK(m->RegionSize > 0) || !CHECK_EQ(m->RegionSize % PAGE, 0))
        return false;
    if (m->State == MEM_FREE) {
        CHECK(!w->previous_free);
        CHECK_EQ(alloc, 0);
        CHECK_EQ(m->AllocationProtect, 0);
        CHECK_EQ(m->Protect, PAGE_NOACCESS);
        CHECK_EQ(m->Type, 0);
    } else {
        CHECK(alloc <= base && alloc % PAGE == 0);
        uint32_t type = MEM_PRIVATE;
        for (int i = 0; i < 2; i++)
            if (alloc == w->images[i]) {
                type = MEM_IMAGE;
                w->image_regions[i]++;
            }
        CHECK_EQ(m->Type, type);
        CHECK(m->State == MEM_COMMIT || m->State == MEM_RESERVE);
        CHECK(m->AllocationProtect != 0);
        CHECK(!(alloc == w->previous_allocation && m->State == w->previous_state &&
                m->Protect == w->previous_protect));
    }
    w->previous_free = m->State == MEM_FREE;
    w->previous_allocation = alloc;
    w->previous_state = m->State;
    w->previous_protect = m->Protect;
    w->va = base + m->RegionSize;
    w->regions++;
    return true;
}

/* What the walk must find at va (a region starting there with these fields). */
struct expected {
    uintptr_t va;
    struct region r;
};

static void walk_match(const struct expected *e, bool *seen, size_t n,
                       const MEMORY_BASIC_INFORMATION *m)
{
    for (size_t i = 0; i < n; i++) {
        if (e[i].va != (uintptr_t)m->BaseAddress)
            continue;
        seen[i] = true;
        CHECK_REGION(e[i].va, e[i].r.base, e[i].r.allocation_base, e[i].r.allocation_protect,
                     e[i].r.size, e[i].r.state, e[i].r.protect, e[i].r.type);
    }
}

/* From 0 to the highest user address: every byte in exactly one region, all known regions found
 * as they were made, and the end of the walk at the top. */
static void test_walk(void)
{
    uintptr_t a = free_area(2 * GRAN), top = (uintptr_t)SYSTEM_HIGHEST_USER() + 1;
    ALLOCATE_EXPECT(a, 8 * PAGE, MEM_RESERVE, PAGE_EXECUTE_READWRITE, a, 8 * PAGE);
    ALLOCATE_EXPECT(a + 2 * PAGE, 2 * PAGE, MEM_COMMIT, PAGE_READONLY, a + 2 * PAGE, 2 * PAGE);
    ALLOCATE_EXPECT(a + GRAN, GRAN, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, a + GRAN, GRAN);
    PAGODA_TEB *teb = current_teb();
    uintptr_t stack = (uintptr_t)teb->DeallocationStack, limit = (uintptr_t)teb->NtTib.StackLimit;
    struct expected e[] = {
        {a, {RESERVED(a, a, PAGE_EXECUTE_READWRITE, 2 * PAGE)}},
        {a + 2 * PAGE,
         {COMMITTED(a + 2 * PAGE, a, PAGE_EXECUTE_READWRITE, 2 * PAGE, PAGE_READONLY)}},
        {a + 4 * PAGE, {RESERVED(a + 4 * PAGE, a, PAGE_EXECUTE_READWRITE, 4 * PAGE)}},
        {a + GRAN, {COMMITTED(a + GRAN, a + GRAN, PAGE_READWRITE, GRAN, PAGE_READWRITE)}},
        {stack, {RESERVED(stack, stack, PAGE_READWRITE, limit - PAGE - stack)}},
        {limit - PAGE,
         {COMMITTED(limit - PAGE, stack, PAGE_READWRITE, PAGE, PAGE_READWRITE | PAGE_GUARD)}},
        {(uintptr_t)teb,
         {COMMITTED((uintptr_t)teb, (uintptr_t)teb, PAGE_READWRITE, PAGE, PAGE_READWRITE)}},
        {0x7FFDF000, {COMMITTED(0x7FFDF000, 0x7FFDF000, PAGE_READWRITE, PAGE, PAGE_READWRITE)}},
        {0x7FFE0000, {COMMITTED(0x7FFE0000, 0x7FFE0000, PAGE_READONLY, PAGE, PAGE_READONLY)}},
        /* Above the highest VAD address: NT's reserved block. */
        {0x7FFE1000,
         {0x7FFE1000, 0x7FFE0000, PAGE_READONLY, top - 0x7FFE1000, MEM_RESERVE, PAGE_NOACCESS,
          MEM_PRIVATE}},
    };
    bool seen[ARRAY_SIZE(e)] = {false};
    MEMORY_BASIC_INFORMATION m;
    /* The loader's list in load order: the exe, then ntdll.dll. */
    const LIST_ENTRY *exe = rt_peb->Ldr->InLoadOrderModuleList.Flink;
    const LDR_DATA_TABLE_ENTRY *ntdll = (const LDR_DATA_TABLE_ENTRY *)exe->Flink;
    struct walk w = {.images = {(uintptr_t)rt_peb->ImageBaseAddress, (uintptr_t)ntdll->DllBase}};
    while (w.va < top && w.regions < 10000) {
        if (!CHECK_STATUS(query_in(SELF, w.va, &m), STATUS_SUCCESS))
            break;
        walk_match(e, seen, ARRAY_SIZE(e), &m);
        bool special = m.State == MEM_RESERVE && m.Protect == PAGE_NOACCESS;
        if (special) /* the top block is the only reserved region with a protection */
            w.va = (uintptr_t)m.BaseAddress + m.RegionSize;
        else if (!walk_step(&w, &m))
            break;
    }
    CHECK_EQ(w.va, top);
    /* headers, code, data at least, each image */
    CHECK(w.image_regions[0] >= 3 && w.image_regions[1] >= 3);
    CHECK_STATUS(query_in(SELF, top, &m), STATUS_INVALID_PARAMETER);
    for (size_t i = 0; i < ARRAY_SIZE(e); i++)
        if (!seen[i])
            FAIL("the walk found no region starting at %08X", (uint32_t)e[i].va);
    CHECK_STATUS(release_at(a), STATUS_SUCCESS);
    CHECK_STATUS(release_at(a + GRAN), STATUS_SUCCESS);
}

/* ---- another process (argv: other QUERY VMOP BOTH, three handles to the target process) ---- */

static HANDLE handle_arg(const char *s)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint32_t)(*s++ - '0');
    return (HANDLE)(uintptr_t)v;
}

/* Without PROCESS_VM_OPERATION allocate, free and protect are refused; queries need
 * PROCESS_QUERY_INFORMATION. */
static void other_access(HANDLE query_only, HANDLE vm_only)
{
    uintptr_t base = 0;
    size_t size = GRAN;
    uint32_t old;
    MEMORY_BASIC_INFORMATION m;
    CHECK_STATUS(
        NtAllocateVirtualMemory(query_only, (void **)&base, 0, &size, MEM_RESERVE, PAGE_READWRITE),
        STATUS_ACCESS_DENIED);
    base = 0x00400000;
    CHECK_STATUS(NtFreeVirtualMemory(query_only, (void **)&base, &size, MEM_DECOMMIT),
                 STATUS_ACCESS_DENIED);
    CHECK_STATUS(NtProtectVirtualMemory(query_only, (void **)&base, &size, PAGE_READONLY, &old),
                 STATUS_ACCESS_DENIED);
    CHECK_STATUS(query_in(vm_only, base, &m), STATUS_ACCESS_DENIED);
    CHECK_STATUS(query_in(query_only, base, &m), STATUS_SUCCESS);
    CHECK_EQ((uintptr_t)m.AllocationBase, 0x00400000);
    /* VM_OPERATION alone is enough to allocate; the kernel test finds this region in the target. */
    base = 0x20000000;
    size = GRAN;
    CHECK_STATUS(NtAllocateVirtualMemory(vm_only, (void **)&base, 0, &size,
                                         MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
                 STATUS_SUCCESS);
    CHECK_FREE(0x20000000);
}

/* The same address reserved here and committed there: each process sees its own. */
static void other_space(HANDLE both)
{
    uintptr_t x = free_area(GRAN), base = x;
    size_t size = 2 * PAGE;
    uint32_t old = 0;
    ALLOCATE_EXPECT(x, GRAN, MEM_RESERVE, PAGE_NOACCESS, x, GRAN);
    CHECK_STATUS(NtAllocateVirtualMemory(both, (void **)&base, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                         PAGE_READWRITE),
                 STATUS_SUCCESS);
    CHECK_REGION(x, RESERVED(x, x, PAGE_NOACCESS, GRAN));
    CHECK_REGION_IN(both, x, COMMITTED(x, x, PAGE_READWRITE, 2 * PAGE, PAGE_READWRITE));
    size = PAGE;
    CHECK_STATUS(NtProtectVirtualMemory(both, (void **)&base, &size, PAGE_READONLY, &old),
                 STATUS_SUCCESS);
    CHECK_EQ(old, PAGE_READWRITE);
    CHECK_STATUS(NtFreeVirtualMemory(both, (void **)&base, &size, MEM_DECOMMIT), STATUS_SUCCESS);
    CHECK_REGION_IN(both, x, RESERVED(x, x, PAGE_READWRITE, PAGE));
    CHECK_REGION_IN(both, x + PAGE, COMMITTED(x + PAGE, x, PAGE_READWRITE, PAGE, PAGE_READWRITE));
    size = 0;
    CHECK_STATUS(NtFreeVirtualMemory(both, (void **)&base, &size, MEM_RELEASE), STATUS_SUCCESS);
    CHECK_EQ(size, 2 * PAGE);
    CHECK_REGION(x, RESERVED(x, x, PAGE_NOACCESS, GRAN));
    MEMORY_BASIC_INFORMATION m;
    CHECK_STATUS(query_in(both, x, &m), STATUS_SUCCESS);
    CHECK_EQ(m.State, MEM_FREE);
    CHECK_STATUS(release_at(x), STATUS_SUCCESS);
}

static void test_other(int argc, char **argv)
{
    if (argc < 5) {
        FAIL("usage: virtual other QUERY VMOP BOTH");
        return;
    }
    other_access(handle_arg(argv[2]), handle_arg(argv[3]));
    other_space(handle_arg(argv[4]));
}

/* ---- the split ---- */

/* With split=3G a large-address-aware process reserves above 2 GiB (top-down placement starts
 * there) up to its own highest VAD address; any other process stays below 2 GiB and sees the rest
 * as NT's reserved block above the highest VAD address. */
static void check_split(bool laa)
{
    uintptr_t system_top = SYSTEM_HIGHEST_USER() + 1;
    bool large = laa && system_top > 0x80000000u;
    uintptr_t highest_vad = large ? 0xBFFDFFFFu : HIGHEST_VAD_ADDRESS, base = 0;
    size_t size = GRAN;
    CHECK_STATUS(allocate(&base, &size, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE),
                 STATUS_SUCCESS);
    CHECK(base + size - 1 <= highest_vad);
    CHECK(large ? base >= 0x80000000u : base < 0x80000000u);
    CHECK_STATUS(release_at(base), STATUS_SUCCESS);
    base = 0x90000000u;
    size = GRAN;
    CHECK_STATUS(allocate(&base, &size, MEM_RESERVE, PAGE_READWRITE),
                 large ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER_2);
    if (large) {
        CHECK_REGION(base, RESERVED(base, base, PAGE_READWRITE, GRAN));
        CHECK_STATUS(release_at(base), STATUS_SUCCESS);
    }
    uintptr_t block = highest_vad + 1;
    CHECK_REGION(0x7FFE0000, COMMITTED(0x7FFE0000, 0x7FFE0000, PAGE_READONLY, PAGE, PAGE_READONLY));
    if (large)
        CHECK_REGION(block, block, block, PAGE_READONLY, system_top - block, MEM_RESERVE,
                     PAGE_NOACCESS, MEM_PRIVATE);
    if (!large && system_top > 0x80000000u)
        CHECK_REGION(0x90000000u, 0x90000000u, block, PAGE_READONLY, system_top - 0x90000000u,
                     MEM_RESERVE, PAGE_NOACCESS, MEM_PRIVATE);
    MEMORY_BASIC_INFORMATION m;
    if (system_top < 0x90000000u)
        CHECK_STATUS(query_in(SELF, 0x90000000u, &m), STATUS_INVALID_PARAMETER);
}

/* ---- child modes ---- */

static volatile uint32_t sink;

static uint32_t __attribute__((noinline)) recurse(uint32_t depth)
{
    volatile uint8_t frame[1024];
    frame[0] = (uint8_t)depth;
    frame[sizeof frame - 1] = (uint8_t)depth;
    if (depth == 0)
        return frame[0];
    return recurse(depth - 1) + frame[sizeof frame - 1];
}

/* A page in each state a touch must not survive. */
static uintptr_t forbidden_page(const char *mode)
{
    uintptr_t b = 0;
    size_t size = PAGE;
    uint32_t old;
    CHECK_STATUS(allocate(&b, &size, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    if (strcmp(mode, "read_reserved") == 0)
        return b;
    CHECK_STATUS(allocate(&b, &size, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    poke(b, 1);
    if (strcmp(mode, "read_noaccess") == 0)
        CHECK_STATUS(protect(b, PAGE, PAGE_NOACCESS, &old), STATUS_SUCCESS);
    else if (strcmp(mode, "read_decommitted") == 0)
        CHECK_STATUS(free_range(b, PAGE, MEM_DECOMMIT), STATUS_SUCCESS);
    else if (strcmp(mode, "read_released") == 0)
        CHECK_STATUS(release_at(b), STATUS_SUCCESS);
    else if (strcmp(mode, "write_readonly") == 0)
        CHECK_STATUS(protect(b, PAGE, PAGE_READONLY, &old), STATUS_SUCCESS);
    else if (strcmp(mode, "write_execute_read") == 0)
        CHECK_STATUS(protect(b, PAGE, PAGE_EXECUTE_READ, &old), STATUS_SUCCESS);
    return b;
}

#define SURVIVED 0x5EA1

static int child_mode(const char *mode)
{
    if (strcmp(mode, "target") == 0) {
        rt_sleep_ms(60000);
        return 0;
    }
    if (strcmp(mode, "guard_touch") == 0) {
        uintptr_t b = 0;
        size_t size = PAGE;
        CHECK_STATUS(allocate(&b, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD),
                     STATUS_SUCCESS);
        sink = peek(b);
        return SURVIVED;
    }
    if (strcmp(mode, "stack_overflow") == 0) {
        sink = recurse(0xFFFFFFFF);
        return SURVIVED;
    }
    if (strcmp(mode, "stack_growth") == 0) {
        uintptr_t limit = (uintptr_t)current_teb()->NtTib.StackLimit;
        sink = recurse(600);
        CHECK((uintptr_t)current_teb()->NtTib.StackLimit <= limit - 512 * 1024);
        return (int)rt_failures;
    }
    uintptr_t b = forbidden_page(mode);
    if (rt_failures)
        return SURVIVED + 1;
    if (strncmp(mode, "read_", 5) == 0)
        sink = peek(b);
    else if (strncmp(mode, "write_", 6) == 0)
        poke(b, 2);
    else
        rt_print("  virtual: unknown mode \"%s\"\n", mode);
    return SURVIVED;
}

static const struct rt_subtest tests[] = {
    {"rounding", test_rounding},
    {"commit", test_commit},
    {"overlap", test_overlap},
    {"partial_commit", test_partial_commit},
    {"release", test_release},
    {"decommit", test_decommit},
    {"protect", test_protect},
    {"protect_back", test_protect_back},
    {"protect_ranges", test_protect_ranges},
    {"protection_access", test_protection_access},
    {"allocate_protections", test_allocate_protections},
    {"reset", test_reset},
    {"zero_bits", test_zero_bits},
    {"top_down", test_top_down},
    {"arguments", test_arguments},
    {"query_arguments", test_query_arguments},
    {"handles", test_handles},
    {"guard_syscall", test_guard_syscall},
    {"stack_syscall", test_stack_syscall},
    {"walk", test_walk},
};

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "laa") == 0) {
        rt_subtest = "laa";
        check_split(argv[2][0] == '1');
        return (int)rt_failures;
    }
    if (argc > 1 && strcmp(argv[1], "other") == 0) {
        rt_subtest = "other";
        test_other(argc, argv);
        return (int)rt_failures;
    }
    for (size_t i = 0; argc > 1 && i < ARRAY_SIZE(tests); i++)
        if (strcmp(argv[1], tests[i].name) == 0)
            return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests));
    if (argc > 1)
        return child_mode(argv[1]);
    return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests));
}
