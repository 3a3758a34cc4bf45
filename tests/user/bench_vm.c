/* tests/user/bench_vm.c: the VM manager's costs, in rdtsc cycles, each the median of many short
 * samples taken back to back (tenths of a millisecond each: long samples pick up the host's
 * scheduling, docs/benchmarks.md). argv[1] chooses:
 *   zeroed (the default)   bench demand_zero_fault_cycles N: a write to each page of a fresh
 *                          32-page committed region (allocated and freed outside the timing), with
 *                          zeroed frames ready (tests/kernel/bench.c fills the zeroed list first,
 *                          as the idle thread does when the system has idle time);
 *                          bench virtual_alloc_free_64k_cycles N: NtAllocateVirtualMemory
 *                          (MEM_RESERVE | MEM_COMMIT, 64 KiB) + NtFreeVirtualMemory (MEM_RELEASE)
 *   inline                 bench demand_zero_fault_inline_zero_cycles N: the same fault when the
 *                          zeroed list is empty and the fault zeroes the frame itself
 *   vads N FIRST           bench fault_N_vads_cycles: the demand-zero sample in a process with N
 *                          more one-page VADs, taken in turn with the other process of the pair
 *                          (tests/kernel/bench.c starts "vads 10 1" and "vads 10000 0") through two
 *                          named events, so that both see the same emulator state
 * Each figure is followed by a line with its spread. Without a time-stamp counter it prints a
 * diagnostic instead. Exit status: failed checks. */
#include "kernel/rtl/format.h"
#include "user/rt/rt.h"

#define PAGE          0x1000u
#define BATCH_PAGES   32
#define FAULT_SAMPLES 201
#define ALLOC_SAMPLES 301
#define ALLOC_BATCH   8

static const LARGE_INTEGER_QUAD ten_seconds = RT_RELATIVE_MS(10000);

static uintptr_t commit(size_t size)
{
    uintptr_t base = 0;
    CHECK_STATUS(NtAllocateVirtualMemory(NtCurrentProcess(), (void **)&base, 0, &size,
                                         MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
                 STATUS_SUCCESS);
    return base;
}

static void release(uintptr_t base)
{
    size_t size = 0;
    CHECK_STATUS(NtFreeVirtualMemory(NtCurrentProcess(), (void **)&base, &size, MEM_RELEASE),
                 STATUS_SUCCESS);
}

/* One demand-zero sample: cycles for writing one byte of each of BATCH_PAGES fresh pages. */
static uint64_t demand_zero_sample(void)
{
    uintptr_t base = commit(BATCH_PAGES * PAGE);
    if (!base)
        return 0;
    volatile uint8_t *p = (volatile uint8_t *)base;
    uint64_t t0 = rt_rdtsc();
    for (uint32_t k = 0; k < BATCH_PAGES; k++)
        p[k * PAGE] = 1;
    uint64_t cycles = rt_rdtsc() - t0;
    release(base);
    return cycles;
}

static void report(const char *name, uint64_t *samples, int n, uint32_t per)
{
    uint64_t median = rt_median(samples, n);
    rt_print("bench %s %llu\n", name, (unsigned long long)(median / per));
    rt_print("  bench_vm: %s spread: min %llu quartiles %llu %llu max %llu (%d samples)\n", name,
             (unsigned long long)(samples[0] / per), (unsigned long long)(samples[n / 4] / per),
             (unsigned long long)(samples[3 * n / 4] / per),
             (unsigned long long)(samples[n - 1] / per), n);
}

static void bench_demand_zero(const char *name)
{
    static uint64_t s[FAULT_SAMPLES];
    for (int i = 0; i < FAULT_SAMPLES; i++)
        s[i] = demand_zero_sample();
    report(name, s, FAULT_SAMPLES, BATCH_PAGES);
}

static void bench_alloc_free(void)
{
    static uint64_t s[ALLOC_SAMPLES];
    for (int i = 0; i < ALLOC_SAMPLES; i++) {
        uint64_t t0 = rt_rdtsc();
        for (int k = 0; k < ALLOC_BATCH; k++)
            release(commit(0x10000));
        s[i] = rt_rdtsc() - t0;
    }
    report("virtual_alloc_free_64k_cycles", s, ALLOC_SAMPLES, ALLOC_BATCH);
}

/* ---- faults with 10 and 10,000 VADs: two processes in turn ---- */

static HANDLE named_event(const char *name)
{
    struct rt_name n;
    HANDLE h = NULL;
    /* STATUS_OBJECT_NAME_EXISTS when the other process made it first. */
    NTSTATUS status = NtCreateEvent(&h, EVENT_ALL_ACCESS, rt_named(&n, name, OBJ_OPENIF),
                                    SynchronizationEvent, 0);
    if (!NT_SUCCESS(status))
        FAIL("NtCreateEvent(%s) returned 0x%08X", name, (uint32_t)status);
    return h;
}

/* n one-page reservations, alternately read-only and no-access, 64 KiB apart: n VADs. */
static void add_vads(uint32_t n)
{
    for (uint32_t i = 0; i < n && !rt_failures; i++) {
        uintptr_t base = 0;
        size_t size = PAGE;
        CHECK_STATUS(NtAllocateVirtualMemory(NtCurrentProcess(), (void **)&base, 0, &size,
                                             MEM_RESERVE, i % 2 ? PAGE_READONLY : PAGE_NOACCESS),
                     STATUS_SUCCESS);
    }
}

/* The first process samples first; each sample is followed by the other's. */
static void bench_vads(uint32_t n, bool first)
{
    static uint64_t s[FAULT_SAMPLES];
    HANDLE mine = named_event(first ? "\\BaseNamedObjects\\BenchVmFirst"
                                    : "\\BaseNamedObjects\\BenchVmSecond");
    HANDLE other = named_event(first ? "\\BaseNamedObjects\\BenchVmSecond"
                                     : "\\BaseNamedObjects\\BenchVmFirst");
    add_vads(n);
    /* Both set up before the first sample: the second says so, the first waits for it. */
    if (!first)
        CHECK_STATUS(NtSetEvent(other, NULL), STATUS_SUCCESS);
    else
        CHECK_STATUS(NtWaitForSingleObject(mine, 0, &ten_seconds), STATUS_SUCCESS);
    for (int i = 0; i < FAULT_SAMPLES && !rt_failures; i++) {
        if (!first)
            CHECK_STATUS(NtWaitForSingleObject(mine, 0, &ten_seconds), STATUS_SUCCESS);
        s[i] = demand_zero_sample();
        CHECK_STATUS(NtSetEvent(other, NULL), STATUS_SUCCESS);
        if (first)
            CHECK_STATUS(NtWaitForSingleObject(mine, 0, &ten_seconds), STATUS_SUCCESS);
    }
    char name[48];
    rtl_snprintf(name, sizeof name, "fault_%u_vads_cycles", n);
    if (!rt_failures)
        report(name, s, FAULT_SAMPLES, BATCH_PAGES);
    NtClose(mine);
    NtClose(other);
}

static uint32_t number(const char *s)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint32_t)(*s++ - '0');
    return v;
}

int main(int argc, char **argv)
{
    rt_subtest = "bench_vm";
    if (!rt_has_tsc()) {
        rt_print("  bench_vm: no time-stamp counter, nothing measured\n");
        return 0;
    }
    if (argc > 3 && strcmp(argv[1], "vads") == 0) {
        bench_vads(number(argv[2]), argv[3][0] == '1');
        return (int)rt_failures;
    }
    if (argc > 1 && strcmp(argv[1], "inline") == 0) {
        bench_demand_zero("demand_zero_fault_inline_zero_cycles");
        return (int)rt_failures;
    }
    bench_demand_zero("demand_zero_fault_cycles");
    bench_alloc_free();
    return (int)rt_failures;
}
