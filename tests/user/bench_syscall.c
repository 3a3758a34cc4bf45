/* tests/user/bench_syscall.c: the cost of a null system call. Prints
 *     bench null_syscall_cycles N
 * N = the median over 15 runs of the rdtsc cycles per NtTestAlert call, each run 1000 calls, after
 * a warm-up run. `make bench` reads the line. Without a time-stamp counter (an i486) it prints a
 * diagnostic instead and measures nothing. Exit status: failed checks. */
#include "user/rt/rt.h"

#define RUNS  15
#define CALLS 1000

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    rt_subtest = "null_syscall";
    if (!rt_has_tsc()) {
        rt_print("  bench_syscall: no time-stamp counter, nothing measured\n");
        return 0;
    }
    uint32_t wrong = 0;
    for (int i = 0; i < CALLS; i++)
        wrong += NtTestAlert() != STATUS_SUCCESS;
    uint64_t per_call[RUNS];
    for (int run = 0; run < RUNS; run++) {
        uint64_t start = rt_rdtsc();
        for (int i = 0; i < CALLS; i++)
            wrong += NtTestAlert() != STATUS_SUCCESS;
        per_call[run] = (rt_rdtsc() - start) / CALLS;
    }
    if (wrong)
        FAIL("%u of %u NtTestAlert calls did not return STATUS_SUCCESS", wrong, (RUNS + 1) * CALLS);
    rt_print("bench null_syscall_cycles %llu\n", (unsigned long long)rt_median(per_call, RUNS));
    return (int)rt_failures;
}
