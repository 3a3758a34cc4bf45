/* tests/kernel/bench.c: benchmarks (test=bench, run by `make bench`, never by test=all). Each runs a
 * user program that measures with rdtsc and prints "bench NAME CYCLES" lines, read by tools/bench.sh. */
#include "kernel/ke.h"
#include "kernel/ktest.h"
#include "kernel/ob.h"
#include "kernel/thread.h"

static const char *run_bench(const char *image)
{
    struct ps_process *p;
    NTSTATUS status = ps_create_process_from_image(image, image, &p);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting %s failed with %08x", image, (uint32_t)status);
    ke_wait_for_object(p, NULL);
    NTSTATUS exit_status = p->exit_status;
    ob_dereference_object(p);
    if (exit_status != STATUS_SUCCESS)
        return ktest_failf("%s exited with %08x", image, (uint32_t)exit_status);
    return NULL;
}

KTEST(bench, null_syscall) { return run_bench("bench_syscall"); }
KTEST(bench, event_pair_switch) { return run_bench("bench_switch"); }
