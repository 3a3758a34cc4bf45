/* tests/user/bench_sections.c: the cost of a fault on a view of a file
 * (\Tests\Sizes\size-3145728.bin, 768 pages), in rdtsc cycles per fault, the median of many short
 * samples (tools/bench-linux/peer.c measures the same operations on Linux). Prints
 *     bench file_fault_resident_cycles N   a read of each page of a new 32-page read-only view, the
 *                                          file's pages resident (another view keeps them)
 *     bench cow_fault_cycles N             a write to each page of a new 32-page PAGE_WRITECOPY
 *                                          view whose pages a read has mapped: one copy each
 *     bench file_fault_disk_cycles N       a read of each of 8 pages of a new view of a new
 *                                          section, nothing else mapping the file: each is read
 *                                          from the disk
 * Views and sections are made and removed outside the timing. Without a time-stamp counter it
 * prints a diagnostic instead. Exit status: failed checks. */
#include "tests/common/bench_sections.h"
#include "user/rt/rt.h"

static IO_STATUS_BLOCK iosb;
static uint64_t samples[BENCH_FAULT_SAMPLES];

static HANDLE new_section(HANDLE file)
{
    HANDLE s = NULL;
    CHECK_STATUS(
        NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READONLY, SEC_COMMIT, file),
        STATUS_SUCCESS);
    return s;
}

static volatile uint8_t *map(HANDLE s, uint32_t first_page, uint32_t pages, uint32_t protection)
{
    void *base = NULL;
    size_t size = pages * PAGE_SIZE;
    int64_t offset = (int64_t)first_page * PAGE_SIZE;
    CHECK_STATUS(NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewUnmap,
                                    0, protection),
                 STATUS_SUCCESS);
    return base;
}

static void unmap(volatile uint8_t *v) { NtUnmapViewOfSection(NtCurrentProcess(), (void *)v); }

/* Reads (or writes) one byte of each page; the cycles it took. */
static uint64_t touch(volatile uint8_t *v, uint32_t pages, bool write)
{
    uint32_t sum = 0;
    uint64_t start = rt_rdtsc();
    if (write)
        for (uint32_t i = 0; i < pages; i++)
            v[i * PAGE_SIZE] = 2;
    else
        for (uint32_t i = 0; i < pages; i++)
            sum += v[i * PAGE_SIZE];
    uint64_t cycles = rt_rdtsc() - start;
    __asm__ volatile("" ::"r"(sum));
    return cycles;
}

/* Sample i's window: 32 pages, at a 64 KiB boundary as views must be. */
static uint32_t window(uint32_t i)
{
    return i % (BENCH_FILE_PAGES / BENCH_BATCH_PAGES) * BENCH_BATCH_PAGES;
}

static void report(const char *name, uint64_t *v, uint32_t n, uint32_t per)
{
    rt_print("bench %s %llu\n", name, (unsigned long long)(rt_median(v, (int)n) / per));
}

/* Sample 0 is a warm-up; the rest are kept. */
static void bench_resident(HANDLE s)
{
    for (uint32_t i = 0; i <= BENCH_FAULT_SAMPLES; i++) {
        volatile uint8_t *v = map(s, window(i), BENCH_BATCH_PAGES, PAGE_READONLY);
        uint64_t cycles = touch(v, BENCH_BATCH_PAGES, false);
        unmap(v);
        if (i)
            samples[i - 1] = cycles;
    }
    report("file_fault_resident_cycles", samples, BENCH_FAULT_SAMPLES, BENCH_BATCH_PAGES);
}

static void bench_cow(HANDLE s)
{
    for (uint32_t i = 0; i <= BENCH_FAULT_SAMPLES; i++) {
        volatile uint8_t *v = map(s, window(i), BENCH_BATCH_PAGES, PAGE_WRITECOPY);
        touch(v, BENCH_BATCH_PAGES, false);
        uint64_t cycles = touch(v, BENCH_BATCH_PAGES, true);
        unmap(v);
        if (i)
            samples[i - 1] = cycles;
    }
    report("cow_fault_cycles", samples, BENCH_FAULT_SAMPLES, BENCH_BATCH_PAGES);
}

/* Each sample makes the file's segment anew: nothing else maps the file, so its pages left with
 * the last sample's view. */
static void bench_disk(HANDLE file)
{
    for (uint32_t i = 0; i <= BENCH_DISK_SAMPLES; i++) {
        HANDLE s = new_section(file);
        volatile uint8_t *v = map(s, window(i), BENCH_DISK_PAGES, PAGE_READONLY);
        NtClose(s);
        uint64_t cycles = touch(v, BENCH_DISK_PAGES, false);
        unmap(v);
        if (i)
            samples[i - 1] = cycles;
    }
    report("file_fault_disk_cycles", samples, BENCH_DISK_SAMPLES, BENCH_DISK_PAGES);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    rt_subtest = "section_faults";
    if (!rt_has_tsc()) {
        rt_print("  bench_sections: no time-stamp counter, nothing measured\n");
        return 0;
    }
    struct rt_name n;
    HANDLE file = NULL;
    CHECK_STATUS(NtCreateFile(&file, FILE_READ_DATA | SYNCHRONIZE,
                              rt_named(&n, "\\??\\C:\\Tests\\Sizes\\size-3145728.bin", 0), &iosb,
                              NULL, 0, FILE_SHARE_READ, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT,
                              NULL, 0),
                 STATUS_SUCCESS);
    if (rt_failures)
        return (int)rt_failures;
    /* One view keeps every page of the file resident for the first two figures. */
    HANDLE s = new_section(file);
    volatile uint8_t *keeper = map(s, 0, BENCH_FILE_PAGES, PAGE_READONLY);
    touch(keeper, BENCH_FILE_PAGES, false);
    bench_resident(s);
    bench_cow(s);
    unmap(keeper);
    NtClose(s);
    bench_disk(file);
    NtClose(file);
    return (int)rt_failures;
}
