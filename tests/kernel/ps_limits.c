/* tests/kernel/ps_limits.c: resource limits. Pool quotas: one process floods its quota with events
 * and handle duplicates while another goes on creating objects and running, and every charge, pool
 * byte and frame comes back when they end; the default quota leaves most of memory to the others.
 * Mutants: with the recursion limit lowered (a test hook) the next acquisition is refused with
 * STATUS_MUTANT_LIMIT_EXCEEDED, from kernel mode and from user mode (tests/user/limits.c). */
#include "kernel/rtl/format.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ob/ob.h"
#include "kernel/ex/sync.h"
#include "kernel/ps/thread.h"
#include "tests/kernel/program.h"

#define PROGRAM_TIMEOUT   (-300000000ll) /* 30 s */
#define FLOOD_LIMIT       (256u << 10) /* the flooder's quota where the default is larger, */
#define FLOOD_DEFAULT_MAX (2u << 20) /* so that the 16 MiB machine floods its default quota */
#define MUTANT_DEPTH      3 /* acquisitions the lowered mutant limit allows */

/* ---- running the limits program ---- */

static const char *finish(struct ps_process *p, const char *what, NTSTATUS *exit_status)
{
    int64_t timeout = PROGRAM_TIMEOUT;
    const char *error = NULL;
    if (ke_wait_for_object(p, &timeout) == STATUS_TIMEOUT) {
        ps_terminate_process(p, STATUS_TIMEOUT);
        ke_wait_for_object(p, NULL);
        error = ktest_failf("'%s' did not end within 30 s", what);
    }
    *exit_status = p->exit_status;
    return error;
}

/* An unnamed notification event of the kernel's (charged to no one). */
static struct ke_event *new_event(void)
{
    struct ke_event *e;
    if (!NT_SUCCESS(ob_create_object(&ex_event_type, sizeof *e, NULL, 0, (void **)&e)))
        return NULL;
    ke_init_dispatcher_header(&e->header, KE_NOTIFICATION_EVENT, 0);
    return e;
}

/* Starts `limits MODE 4 8` with the quota `limit` (0: the default); 4 and 8 are the first two
 * handles of its fresh table, given to the two events before its first thread runs (the kernel is
 * not preempted). */
static const char *start_limits(const char *mode, struct ke_event *events[2], size_t limit,
                                struct ps_process **out)
{
    struct ps_process *p;
    HANDLE h[2] = {NULL, NULL};
    char cmdline[32];
    rtl_snprintf(cmdline, sizeof cmdline, "limits %s 4 8", mode);
    NTSTATUS status = kt_start_program("limits", cmdline, &p);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting '%s' failed with %08x", cmdline, (uint32_t)status);
    *out = p;
    if (limit)
        p->pool_quota.limit = limit;
    for (int i = 0; i < 2 && NT_SUCCESS(status); i++)
        status = ob_insert_handle(p, events[i], EVENT_ALL_ACCESS, 0, &h[i]);
    KT_EQ(status, STATUS_SUCCESS);
    KT_EQ((uintptr_t)h[0], 4);
    KT_EQ((uintptr_t)h[1], 8);
    return NULL;
}

/* Waits for p to end and releases it, keeping its quota; returns an error if it hung. */
static const char *stop(struct ps_process *p, const char *what, NTSTATUS *exit_status,
                        struct ps_pool_quota *quota)
{
    if (!p)
        return NULL;
    const char *error = finish(p, what, exit_status);
    *quota = p->pool_quota;
    ob_dereference_object(p);
    return error;
}

/* ---- the pool quota ---- */

struct usage {
    uint32_t frames, processes, threads, events;
    size_t pool_bytes, event_bytes, mutant_bytes, table_bytes, process_bytes, thread_bytes;
};

static void measure(struct usage *u)
{
    struct mm_frame_stats s;
    kt_frame_stats(&s);
    u->frames = kt_frames_used(&s);
    u->processes = ps_process_type.object_count;
    u->threads = ps_thread_type.object_count;
    u->events = ex_event_type.object_count;
    u->pool_bytes = mm_pool_bytes_in_use();
    u->event_bytes = mm_pool_tag_bytes(ex_event_type.pool_tag);
    u->mutant_bytes = mm_pool_tag_bytes(ex_mutant_type.pool_tag);
    u->table_bytes = mm_pool_tag_bytes(MM_TAG('O', 'b', 'H', 't'));
    u->process_bytes = mm_pool_tag_bytes(ps_process_type.pool_tag);
    u->thread_bytes = mm_pool_tag_bytes(ps_thread_type.pool_tag);
}

static const char *compare(const struct usage *before, const struct usage *after)
{
    KT_EQ(after->frames, before->frames);
    KT_EQ(after->processes, before->processes);
    KT_EQ(after->threads, before->threads);
    KT_EQ(after->events, before->events);
    KT_EQ(after->event_bytes, before->event_bytes);
    KT_EQ(after->mutant_bytes, before->mutant_bytes);
    KT_EQ(after->table_bytes, before->table_bytes);
    KT_EQ(after->process_bytes, before->process_bytes);
    KT_EQ(after->thread_bytes, before->thread_bytes);
    KT_EQ(after->pool_bytes, before->pool_bytes);
    return NULL;
}

/* Regression: one process could fill the whole pool (1.66 million events, or 4 million handles, on
 * 128 MiB), and every other process failed until it ended. The flooder (at the default quota on a
 * machine small enough to flood it quickly, 256 KiB elsewhere) must stop at STATUS_QUOTA_EXCEEDED,
 * its neighbour must work all along, and their charges must come back to zero (the flooder leaves
 * its handles for its exit to close). */
KTEST(ps, pool_quota_stops_a_flood_and_spares_others)
{
    struct usage before, after;
    struct ps_process *flooder = NULL, *neighbour = NULL;
    struct ps_pool_quota flooder_quota = {0}, neighbour_quota = {0};
    NTSTATUS flooder_status = -1, neighbour_status = -1;
    size_t limit = ps_default_pool_quota <= FLOOD_DEFAULT_MAX ? ps_default_pool_quota : FLOOD_LIMIT;
    measure(&before);
    struct ke_event *events[2] = {new_event(), new_event()};
    const char *error = events[0] && events[1] ? NULL : "out of pool for two events";
    if (!error)
        error = start_limits("neighbour", events, 0, &neighbour);
    if (!error)
        error = start_limits("flood", events, limit, &flooder);
    if (error && flooder) /* one without the other would wait for it forever */
        ps_terminate_process(flooder, STATUS_UNSUCCESSFUL);
    if (error && neighbour)
        ps_terminate_process(neighbour, STATUS_UNSUCCESSFUL);
    const char *flooder_error = stop(flooder, "limits flood", &flooder_status, &flooder_quota);
    const char *neighbour_error =
        stop(neighbour, "limits neighbour", &neighbour_status, &neighbour_quota);
    for (int i = 0; i < 2; i++)
        if (events[i])
            ob_dereference_object(events[i]);
    measure(&after);
    KT_RUN(error ? error : flooder_error ? flooder_error : neighbour_error);
    KT_EQ(flooder_status, 0);
    KT_EQ(neighbour_status, 0);
    KT_TRUE(flooder_quota.peak <= limit && flooder_quota.peak > limit / 2);
    KT_TRUE(flooder_quota.refused && !neighbour_quota.refused);
    KT_TRUE(neighbour_quota.peak > 0); /* its objects were charged to it, not to the flooder */
    KT_EQ(flooder_quota.usage, 0);
    KT_EQ(neighbour_quota.usage, 0);
    return compare(&before, &after);
}

/* The default quota: 1/8 of RAM within [256 KiB, 32 MiB], and on this machine one process at its
 * quota leaves at least half of what is free now to the others (the 16 MiB entry included). */
KTEST(ps, default_pool_quota_leaves_memory_to_others)
{
    KT_EQ(ps_pool_quota_for_frames(100), 256u << 10);
    KT_EQ(ps_pool_quota_for_frames(1024), 512u << 10); /* 4 MiB */
    KT_EQ(ps_pool_quota_for_frames(4096), 2u << 20); /* 16 MiB */
    KT_EQ(ps_pool_quota_for_frames(32768), 16u << 20); /* 128 MiB */
    KT_EQ(ps_pool_quota_for_frames(917504), 32u << 20); /* 3.5 GiB */
    struct mm_frame_stats s;
    kt_frame_stats(&s);
    KT_EQ(ps_default_pool_quota, ps_pool_quota_for_frames(s.total));
    uint64_t available = (uint64_t)(s.free + s.zeroed) * PAGE_SIZE;
    if (ps_default_pool_quota > available / 2)
        return ktest_failf("default pool quota %zu KiB, but only %llu KiB free",
                           ps_default_pool_quota >> 10, available >> 10);
    return NULL;
}

/* ---- the mutant recursion limit ---- */

static const char *check_kernel_mutant_limit(struct ke_mutant *m, struct ke_event *set)
{
    static const int64_t poll = 0;
    void *both[2] = {set, m};
    for (int i = 0; i < MUTANT_DEPTH; i++)
        KT_EQ(ke_wait_for_object(m, &poll), STATUS_WAIT_0);
    KT_EQ(ke_wait_for_object(m, &poll), STATUS_MUTANT_LIMIT_EXCEEDED);
    KT_EQ(ke_wait_for_object(m, NULL), STATUS_MUTANT_LIMIT_EXCEEDED); /* refused, not waited */
    KT_EQ(ke_wait_for_objects(2, both, WaitAll, &poll), STATUS_MUTANT_LIMIT_EXCEEDED);
    KT_EQ(set->header.signal_state, 1); /* WaitAll took nothing */
    KT_EQ(m->header.signal_state, 1 - MUTANT_DEPTH);
    KT_TRUE(m->owner == ke_current_thread());
    for (int i = 0; i < MUTANT_DEPTH; i++) {
        int32_t previous;
        KT_EQ(ke_release_mutant(m, &previous), STATUS_SUCCESS);
        KT_EQ(previous, i + 1 - MUTANT_DEPTH);
    }
    return NULL;
}

static const char *run_mutant_program(void)
{
    char cmdline[32];
    struct ps_process *p;
    NTSTATUS exit_status = -1;
    rtl_snprintf(cmdline, sizeof cmdline, "limits mutant %d", MUTANT_DEPTH);
    NTSTATUS status = kt_start_program("limits", cmdline, &p);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting '%s' failed with %08x", cmdline, (uint32_t)status);
    const char *error = finish(p, cmdline, &exit_status);
    ob_dereference_object(p);
    KT_RUN(error);
    KT_EQ(exit_status, 0);
    return NULL;
}

/* Regression: a mutant's recursion count had no limit. NT refuses an acquisition by the owner at
 * signal state MINLONG; the test hook raises that floor so MUTANT_DEPTH acquisitions reach it. */
KTEST(ps, mutant_recursion_limit)
{
    struct ke_mutant m;
    struct ke_event set;
    ke_init_dispatcher_header(&m.header, KE_MUTANT, 1);
    m.owner = NULL;
    m.abandoned = false;
    list_init(&m.owner_link);
    ke_init_dispatcher_header(&set.header, KE_SYNCHRONIZATION_EVENT, 1);
    int32_t saved = ke_mutant_minimum_signal_state;
    ke_mutant_minimum_signal_state = 1 - MUTANT_DEPTH;
    const char *error = check_kernel_mutant_limit(&m, &set);
    if (!error)
        error = run_mutant_program();
    ke_mutant_minimum_signal_state = saved;
    int32_t previous;
    while (m.owner == ke_current_thread()) /* a failed check may leave it owned: the thread's */
        ke_release_mutant(&m, &previous); /* list of owned mutants must not keep this stack slot */
    KT_RUN(error);
    KT_EQ(saved, INT32_MIN);
    return NULL;
}
