/* tests/kernel/bench.c: benchmarks (test=bench, run by `make bench`, never by test=all). Most run a
 * user program that measures with rdtsc and prints "bench NAME CYCLES" lines, read by
 * tools/bench.sh; the disk benchmarks print "bench NAME MIB_PER_S". */
#include "kernel/drivers/ata/ata.h"
#include "kernel/io/blockdev.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ob/ob.h"
#include "kernel/ps/thread.h"
#include "mm/mm.h"
#include "tests/common/bench_sections.h"
#include "tests/kernel/program.h"

static struct mm_fault_counters bench_faults; /* of the last benchmark program */

static struct ps_process *start_bench(const char *image, const char *cmdline, const char **error)
{
    struct ps_process *p;
    NTSTATUS status = kt_start_program(image, cmdline, &p);
    if (NT_SUCCESS(status))
        return p;
    *error = ktest_failf("starting %s failed with %08x", cmdline, (uint32_t)status);
    return NULL;
}

static const char *finish_bench(struct ps_process *p, const char *cmdline)
{
    ke_wait_for_object(p, NULL);
    NTSTATUS exit_status = p->exit_status;
    bench_faults = p->address_space.faults;
    ob_dereference_object(p);
    if (exit_status != STATUS_SUCCESS)
        return ktest_failf("%s exited with %08x", cmdline, (uint32_t)exit_status);
    return NULL;
}

static const char *run_bench(const char *image)
{
    const char *error = NULL;
    struct ps_process *p = start_bench(image, image, &error);
    return p ? finish_bench(p, image) : error;
}

KTEST(bench, null_syscall) { return run_bench("bench_syscall"); }
KTEST(bench, event_pair_switch) { return run_bench("bench_switch"); }
/* The VM figures (tests/user/bench_vm.c). The demand-zero fault takes a zeroed frame when the idle
 * thread has left some (NT's zero page thread): the zeroed list is filled before those samples,
 * and emptied (its frames given back as free ones) before the samples of the fault that zeroes. */
static void fill_zeroed_list(void) { mm_zero_free_frames(UINT32_MAX); }

static void empty_zeroed_list(void)
{
    pfn_t head = MM_PFN_NONE, pfn;
    struct mm_frame_stats s;
    mm_get_frame_stats(&s);
    for (uint32_t i = 0; i < s.zeroed && (pfn = mm_alloc_frame(MM_FRAME_ZEROED)); i++) {
        pfn_t *link = mm_map_hyperspace(pfn);
        *link = head;
        mm_unmap_hyperspace(link);
        head = pfn;
    }
    while ((pfn = head) != MM_PFN_NONE) {
        pfn_t *link = mm_map_hyperspace(pfn);
        head = *link;
        mm_unmap_hyperspace(link);
        mm_free_frame(pfn);
    }
}

KTEST(bench, virtual_memory)
{
    const char *error = NULL;
    fill_zeroed_list();
    struct ps_process *p = start_bench("bench_vm", "bench_vm zeroed", &error);
    KT_RUN(p ? finish_bench(p, "bench_vm zeroed") : error);
    empty_zeroed_list();
    p = start_bench("bench_vm", "bench_vm inline", &error);
    return p ? finish_bench(p, "bench_vm inline") : error;
}

/* The demand-zero fault in a process with 10 more VADs and in one with 10,000, the two taking
 * their samples in turn. */
KTEST(bench, fault_with_vads)
{
    const char *error = NULL, *few_cmdline = "bench_vm vads 10 1",
               *many_cmdline = "bench_vm vads 10000 0";
    fill_zeroed_list();
    struct ps_process *few = start_bench("bench_vm", few_cmdline, &error);
    struct ps_process *many = few ? start_bench("bench_vm", many_cmdline, &error) : NULL;
    const char *few_error = few ? finish_bench(few, few_cmdline) : NULL;
    const char *many_error = many ? finish_bench(many, many_cmdline) : NULL;
    return error ? error : few_error ? few_error : many_error;
}

/* tests/user/bench_sections.c: each timed touch must have taken exactly one fault of its kind. */
KTEST(bench, section_faults)
{
    KT_RUN(run_bench("bench_sections"));
    if (!ke_cpu_has(CPU_FEATURE_TSC))
        return NULL;
    const struct mm_fault_counters *f = &bench_faults;
    uint32_t samples = BENCH_FAULT_SAMPLES + 1, disk_samples = BENCH_DISK_SAMPLES + 1;
    KT_EQ(f->views.copy_on_write, samples * BENCH_BATCH_PAGES);
    KT_EQ(f->views.read, BENCH_FILE_PAGES + disk_samples * BENCH_DISK_PAGES);
    /* the keeper, the read-only and the copy-on-write views map resident pages; each disk page is
     * mapped once read */
    KT_EQ(f->views.resident,
          BENCH_FILE_PAGES + 2 * samples * BENCH_BATCH_PAGES + disk_samples * BENCH_DISK_PAGES);
    KT_EQ(f->views.collided, 0);
    return NULL;
}

/* Disk reads: 16 MiB from the start of ata0.0 in 128 KiB requests, timed with the TSC, whose rate
 * is measured against the clock (20 ticks). Prints "bench disk_read_<mode>_mib_s N". */
#define DISK_BENCH_BYTES   (16u << 20)
#define DISK_BENCH_REQUEST (128u << 10)

static uint64_t tsc_per_second(void)
{
    unsigned hz = ke_get_timer_hz(), ticks = 20;
    uint64_t t = ke_get_tick_count();
    while (ke_get_tick_count() == t)
        ; /* start on a tick edge */
    uint64_t c0 = ke_read_cycles(), t0 = ke_get_tick_count();
    while (ke_get_tick_count() < t0 + ticks)
        ;
    return (ke_read_cycles() - c0) * hz / ticks;
}

static const char *disk_read_bench(enum ata_mode mode, const char *name)
{
    if (!ke_cpu_has(CPU_FEATURE_TSC)) {
        ke_print("bench: %s skipped: the CPU has no TSC\n", name);
        return NULL;
    }
    if (ata_drive_info(0, 0)->kind != ATA_DISK ||
        ata_drive_info(0, 0)->sectors * IO_SECTOR_SIZE < DISK_BENCH_BYTES) {
        ke_print("bench: %s skipped: no disk of 16 MiB at ata0.0\n", name);
        return NULL;
    }
    uint8_t *buffer = mm_pool_alloc(DISK_BENCH_REQUEST, MM_TAG('K', 't', 'B', 'd'));
    KT_TRUE(buffer != NULL);
    uint64_t rate = tsc_per_second();
    uint32_t sectors = DISK_BENCH_REQUEST / IO_SECTOR_SIZE;
    NTSTATUS status = STATUS_SUCCESS;
    uint64_t start = ke_read_cycles();
    for (uint32_t lba = 0; NT_SUCCESS(status) && lba < DISK_BENCH_BYTES / IO_SECTOR_SIZE;
         lba += sectors)
        status = ata_transfer(0, 0, ATA_READ, mode, ATA_ADDRESS_AUTO, lba, sectors, buffer);
    uint64_t cycles = ke_read_cycles() - start;
    mm_pool_free(buffer, MM_TAG('K', 't', 'B', 'd'));
    if (!NT_SUCCESS(status))
        return ktest_failf("%s: read failed with %08x", name, (uint32_t)status);
    ke_print("bench %s %llu\n", name, (16 * rate + cycles / 2) / (cycles ? cycles : 1));
    return NULL;
}

KTEST(bench, disk_read_pio) { return disk_read_bench(ATA_MODE_PIO, "disk_read_pio_mib_s"); }
KTEST(bench, disk_read_dma) { return disk_read_bench(ATA_MODE_DMA, "disk_read_dma_mib_s"); }

/* Process creation and exit: \Tests\Bench\bench3.exe with its three DLLs, from
 * ps_create_user_process to the process's end, first with none of the four images resident (their
 * unused segments purged before each sample: every page comes from the disk; ntdll stays, as on any
 * system) and then again with them resident (the second launch). Prints the median cycles and the
 * image pages read from the disk in one launch. */
#define PROCESS_SAMPLES 9

static const char *const bench3_images[] = {
    "\\??\\C:\\Tests\\Bench\\bench3.exe", "\\??\\C:\\Tests\\Bench\\bench_a.dll",
    "\\??\\C:\\Tests\\Bench\\bench_b.dll", "\\??\\C:\\Tests\\Bench\\bench_c.dll"};

static uint32_t bench3_pages_read(void)
{
    uint32_t pages = 0;
    for (unsigned i = 0; i < ARRAY_SIZE(bench3_images); i++)
        pages += ps_image_pages_read(bench3_images[i]);
    return pages;
}

static const char *launch_bench3(uint64_t *cycles)
{
    struct ps_process *p;
    uint64_t start = ke_read_cycles();
    NTSTATUS status = ps_create_user_process(bench3_images[0], "bench3", &p);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting bench3.exe failed with %08x", (uint32_t)status);
    ke_wait_for_object(p, NULL);
    *cycles = ke_read_cycles() - start;
    NTSTATUS exit_status = p->exit_status;
    bench_faults = p->address_space.faults;
    ob_dereference_object(p);
    if (exit_status != STATUS_SUCCESS)
        return ktest_failf("bench3.exe exited with %08x", (uint32_t)exit_status);
    return NULL;
}

static uint64_t median(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

/* One launch with the images' pages read from the disk: the pages the launch read. */
static const char *first_launch(uint64_t *cycles, uint32_t *pages)
{
    mm_purge_unused_segments();
    KT_RUN(launch_bench3(cycles));
    *pages = bench3_pages_read(); /* the segments are new: all they read is this launch's */
    return NULL;
}

KTEST(bench, process_3dll)
{
    if (!ke_cpu_has(CPU_FEATURE_TSC)) {
        ke_print("bench: process_3dll skipped: the CPU has no TSC\n");
        return NULL;
    }
    uint64_t first[PROCESS_SAMPLES], second[PROCESS_SAMPLES];
    uint32_t first_pages = 0, pages_before;
    for (unsigned i = 0; i < PROCESS_SAMPLES; i++)
        KT_RUN(first_launch(&first[i], &first_pages));
    pages_before = bench3_pages_read();
    for (unsigned i = 0; i < PROCESS_SAMPLES; i++)
        KT_RUN(launch_bench3(&second[i]));
    uint32_t second_pages = (bench3_pages_read() - pages_before) / PROCESS_SAMPLES;
    ke_print("bench process_3dll_first_cycles %llu\n", median(first, PROCESS_SAMPLES));
    ke_print("bench process_3dll_first_pages %u\n", first_pages);
    ke_print("bench process_3dll_second_cycles %llu\n", median(second, PROCESS_SAMPLES));
    ke_print("bench process_3dll_second_pages %u\n", second_pages);
    const struct mm_fault_counters *f = &bench_faults;
    ke_print("bench: process_3dll's second launch took %u page faults: %u on resident image pages, "
             "%u image pages read, %u copy-on-write, %u demand-zero, %u stack growth\n",
             f->demand_zero + f->images.copy_on_write + f->images.resident + f->images.read +
                 f->stack_growth,
             f->images.resident, f->images.read, f->images.copy_on_write, f->demand_zero,
             f->stack_growth);
    KT_EQ(second_pages, 0);
    return NULL;
}
