/* tests/user/bench_switch.c: the cost of a thread switch through the wait path. Two threads of this
 * process ping-pong through two synchronization events with NtSignalAndWaitForSingleObject, so each
 * call is one switch. Prints
 *     bench event_pair_switch_cycles N
 * N = the median over 15 runs of the rdtsc cycles per switch, each run 1000 round trips (2000
 * switches), after a warm-up run. `make bench` reads the line. Without a time-stamp counter it
 * prints a diagnostic instead. Exit status: failed checks. */
#include "user/rt/rt.h"

#define RUNS        15
#define ROUND_TRIPS 1000

static const LARGE_INTEGER_QUAD five_seconds = RT_RELATIVE_MS(5000);

struct pair {
    HANDLE ping, pong; /* the main thread waits on ping, the partner on pong */
    volatile uint32_t stop;
    volatile uint32_t partner_trips;
};

static NTSTATUS partner(void *arg)
{
    struct pair *p = arg;
    NTSTATUS status = NtWaitForSingleObject(p->pong, 0, &five_seconds);
    while (status == STATUS_SUCCESS && !p->stop) {
        p->partner_trips++;
        status = NtSignalAndWaitForSingleObject(p->ping, p->pong, 0, &five_seconds);
    }
    return status;
}

/* One run of round trips; false when a wait failed. */
static bool run(struct pair *p, uint32_t trips)
{
    for (uint32_t i = 0; i < trips; i++) {
        NTSTATUS status = NtSignalAndWaitForSingleObject(p->pong, p->ping, 0, &five_seconds);
        if (!CHECK_STATUS(status, STATUS_SUCCESS))
            return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    rt_subtest = "event_pair_switch";
    if (!rt_has_tsc()) {
        rt_print("  bench_switch: no time-stamp counter, nothing measured\n");
        return 0;
    }
    struct pair p = {NULL, NULL, 0, 0};
    HANDLE thread = NULL;
    if (!CHECK_STATUS(NtCreateEvent(&p.ping, EVENT_ALL_ACCESS, NULL, SynchronizationEvent, 0),
                      STATUS_SUCCESS) ||
        !CHECK_STATUS(NtCreateEvent(&p.pong, EVENT_ALL_ACCESS, NULL, SynchronizationEvent, 0),
                      STATUS_SUCCESS) ||
        !CHECK_STATUS(rt_create_thread(partner, &p, &thread), STATUS_SUCCESS))
        return (int)rt_failures;

    uint64_t per_switch[RUNS];
    bool ok = run(&p, ROUND_TRIPS);
    for (int r = 0; r < RUNS && ok; r++) {
        uint64_t start = rt_rdtsc();
        ok = run(&p, ROUND_TRIPS);
        per_switch[r] = (rt_rdtsc() - start) / (2 * ROUND_TRIPS);
    }
    p.stop = 1;
    CHECK_STATUS(NtSetEvent(p.pong, NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtWaitForSingleObject(thread, 0, &five_seconds), STATUS_SUCCESS);
    if (ok) {
        CHECK_EQ(p.partner_trips, (RUNS + 1) * ROUND_TRIPS);
        rt_print("bench event_pair_switch_cycles %llu\n",
                 (unsigned long long)rt_median(per_switch, RUNS));
    }
    return (int)rt_failures;
}
