/* tests/kernel/fuzz.c: runs the system-call fuzzer (tests/user/fuzz.c) from several seeds and
 * checks that each run left the kernel exactly as it found it: pool bytes and blocks per tag,
 * objects and handles per type, frames in use, the system process's handles. user.fuzz is the short
 * run of every suite boot; fuzz.disk (about 30 s, tests/run's fuzz entry, which then runs fsck.fat
 * on the disk) and fuzz.long (millions of calls, by hand: docs/fuzzing.md) are not part of
 * test=all. */
#include "kernel/rtl/format.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ob/ob.h"
#include "kernel/rtl/string.h"
#include "kernel/ke/syscall.h"
#include "kernel/ps/thread.h"
#include "kernel/ke/wait.h"
#include "mm/mm.h"
#include "tests/kernel/program.h"

/* The mode every run uses: NT and TF on every entry path with EFLAGS checked on every path
 * (flags=all), and files opened more than once (files=on). */
#define FUZZ_MODE "flags=all files=on"

#define MAX_TAGS  128
#define MAX_TYPES 32
#define SETTLE_MS 1000 /* the last thread's stack is freed at the next switch */
#define HOUR      (-36000000000ll)

struct usage {
    uint32_t tag_count, type_count;
    struct mm_pool_tag_usage tags[MAX_TAGS];
    struct {
        struct ob_type *type;
        uint32_t objects, handles;
    } types[MAX_TYPES];
    uint32_t frames; /* active frames but kernel page tables, which stay once made */
    uint32_t page_tables;
    uint32_t system_handles;
    uint32_t commit; /* pages charged system-wide */
};

struct fuzz_run {
    const char *args; /* after "fuzz seed=N" */
    NTSTATUS expected;
};

static struct usage before, after; /* big: not on the 12 KiB kernel stack */
static char report[384];

/* What the kernel holds; the images cached since the fuzzer ended (its pages, their segment and
 * file objects) are let go first, as a run may read pages of fuzz.exe that the last did not. */
static void measure(struct usage *u)
{
    struct mm_frame_stats s;
    memset(u, 0, sizeof *u);
    while (u->tag_count < MAX_TAGS && mm_pool_tag_at(u->tag_count, &u->tags[u->tag_count]))
        u->tag_count++;
    for (struct ob_type *t = ob_next_type(NULL); t && u->type_count < MAX_TYPES;
         t = ob_next_type(t)) {
        u->types[u->type_count].type = t;
        u->types[u->type_count].objects = t->object_count;
        u->types[u->type_count++].handles = t->handle_count;
    }
    kt_frame_stats(&s);
    u->frames = kt_frames_used(&s);
    u->page_tables = s.page_tables;
    u->system_handles = ob_handle_table_count(ps_system_process->handle_table);
    struct mm_commit_info commit;
    mm_get_commit_info(&commit);
    u->commit = commit.total;
}

/* Appends one difference to the report. */
static void note(size_t *n, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void note(size_t *n, const char *fmt, ...)
{
    va_list ap;
    if (*n >= sizeof report - 1)
        return;
    va_start(ap, fmt);
    int k = rtl_vsnprintf(report + *n, sizeof report - *n, fmt, ap);
    va_end(ap);
    *n += k > 0 ? (size_t)k : 0;
}

static const struct mm_pool_tag_usage *tag_in(const struct usage *u, uint32_t tag)
{
    for (uint32_t i = 0; i < u->tag_count; i++)
        if (u->tags[i].tag == tag)
            return &u->tags[i];
    return NULL;
}

/* Every difference between a and b, "" when there is none. Tags print as their four letters. */
static const char *differences(const struct usage *a, const struct usage *b)
{
    static const struct mm_pool_tag_usage none;
    size_t n = 0;
    report[0] = 0;
    for (uint32_t i = 0; i < b->tag_count; i++) {
        const struct mm_pool_tag_usage *x = tag_in(a, b->tags[i].tag), *y = &b->tags[i];
        x = x ? x : &none;
        if (x->bytes != y->bytes || x->blocks != y->blocks)
            note(&n, "pool '%.4s' %u bytes/%u blocks -> %u/%u; ", (const char *)&y->tag,
                 (uint32_t)x->bytes, x->blocks, (uint32_t)y->bytes, y->blocks);
    }
    for (uint32_t i = 0; i < b->type_count; i++) {
        uint32_t objects = 0, handles = 0;
        for (uint32_t j = 0; j < a->type_count; j++)
            if (a->types[j].type == b->types[i].type)
                objects = a->types[j].objects, handles = a->types[j].handles;
        if (objects != b->types[i].objects || handles != b->types[i].handles)
            note(&n, "%s objects %u handles %u -> %u %u; ", b->types[i].type->name, objects,
                 handles, b->types[i].objects, b->types[i].handles);
    }
    if (a->frames != b->frames)
        note(&n, "frames in use %u -> %u; ", a->frames, b->frames);
    if (a->system_handles != b->system_handles)
        note(&n, "system handles %u -> %u; ", a->system_handles, b->system_handles);
    if (a->commit != b->commit)
        note(&n, "commit %u -> %u pages; ", a->commit, b->commit);
    return report;
}

/* The fuzzer's handles to the target, in its new handle table (the first three values). */
static const ACCESS_MASK target_access[3] = {PROCESS_ALL_ACCESS, PROCESS_VM_OPERATION,
                                             PROCESS_QUERY_INFORMATION};

/* Gives the fuzzer its handles to the target before it runs (the kernel is not preempted, and
 * this thread has not waited since creating it). */
static const char *give_target(struct ps_process *fuzzer, struct ps_process *target)
{
    for (uint32_t i = 0; i < ARRAY_SIZE(target_access); i++) {
        HANDLE h;
        NTSTATUS status = ob_insert_handle(fuzzer, target, target_access[i], 0, &h);
        if (!NT_SUCCESS(status) || (uint32_t)(uintptr_t)h != 4 * (i + 1))
            return ktest_failf("the target's handle %u: status %08x, value %u (expected %u)", i,
                               (uint32_t)status, (uint32_t)(uintptr_t)h, 4 * (i + 1));
    }
    return NULL;
}

/* Waits for the fuzzer (at most an hour), then ends the target, which may have died already. */
static NTSTATUS finish(struct ps_process *p, struct ps_process *target)
{
    int64_t timeout = HOUR;
    if (ke_wait_for_object(p, &timeout) == STATUS_TIMEOUT) {
        ps_terminate_process(p, STATUS_TIMEOUT);
        ke_wait_for_object(p, NULL);
    }
    ps_terminate_process(target, 0);
    ke_wait_for_object(target, NULL);
    ob_dereference_object(target);
    NTSTATUS status = p->exit_status;
    ob_dereference_object(p);
    return status;
}

/* Runs "fuzz ARGS target=4,8,12" to its end, with a throwaway "fuzz target" process whose
 * handles it gets; NULL or what went wrong. */
static const char *run_fuzzer(const char *args, NTSTATUS expected)
{
    static char cmdline[192];
    struct ps_process *p, *target;
    rtl_snprintf(cmdline, sizeof cmdline, "fuzz %s target=4,8,12", args);
    NTSTATUS status = kt_start_program("fuzz", "fuzz target", &target);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting the target returned %08x", (uint32_t)status);
    status = kt_start_program("fuzz", cmdline, &p);
    if (!NT_SUCCESS(status)) {
        ps_terminate_process(target, 0);
        ke_wait_for_object(target, NULL);
        ob_dereference_object(target);
        return ktest_failf("starting '%s' returned %08x", cmdline, (uint32_t)status);
    }
    const char *error = give_target(p, target);
    if (error)
        ps_terminate_process(p, STATUS_UNSUCCESSFUL);
    status = finish(p, target);
    if (error)
        return error;
    if (status != expected)
        return ktest_failf("'%s' ended with %08x, expected %08x (a positive number is the count of"
                           " failures the fuzzer printed above)",
                           cmdline, (uint32_t)status, (uint32_t)expected);
    return NULL;
}

/* Measures until the kernel is back where it was, for at most SETTLE_MS. */
static const char *settle(void)
{
    const char *diff = "";
    for (int ms = 0; ms <= SETTLE_MS; ms += 10) {
        measure(&after);
        diff = differences(&before, &after);
        if (!*diff)
            return diff;
        ke_delay_execution(-100000, KE_WAIT_KERNEL);
    }
    return diff;
}

/* What the kernel holds once the processes the last run left are gone: the children the fuzzer
 * ended (NtCreateUserProcess) may still be closing their files when it ends itself, so the usage
 * is taken once it stays the same for 100 ms (at most SETTLE_MS). */
static void settle_before(void)
{
    measure(&before);
    for (int ms = 0; ms <= SETTLE_MS; ms += 100) {
        ke_delay_execution(-1000000, KE_WAIT_KERNEL);
        measure(&after);
        if (!*differences(&before, &after))
            return;
        before = after;
    }
}

/* A first run makes whatever is made once (the scratch directory, a namespace entry, pool pages
 * for a tag's first use); then every run must leave things as that one did. */
static const char *fuzz(const struct fuzz_run *runs, size_t count, uint32_t calls)
{
    static char args[160];
    rtl_snprintf(args, sizeof args, "seed=1000 calls=200 threads=2 %s", FUZZ_MODE);
    const char *error = run_fuzzer(args, 0);
    if (error)
        return error;
    settle_before();
    for (size_t i = 0; i < count; i++) {
        if (!runs[i].args)
            continue;
        rtl_snprintf(args, sizeof args, "seed=%u calls=%u %s %s", (uint32_t)i + 1, calls,
                     runs[i].args, FUZZ_MODE);
        if ((error = run_fuzzer(args, runs[i].expected)))
            return error;
        const char *diff = settle();
        if (*diff) {
            ps_log_processes();
            return ktest_failf("after 'fuzz %s': %s", args, diff);
        }
    }
    return NULL;
}

KTEST(user, fuzz)
{
    const struct fuzz_run runs[] = {
        {"threads=4", 0},
        {"threads=1", 0},
        {"threads=3 end=tf", STATUS_SINGLE_STEP},
        /* sysenter with an unreadable EDX: only where the kernel uses the fast path */
        {ke_fast_system_calls() ? "threads=2 end=badsysenter" : NULL, STATUS_ACCESS_VIOLATION},
    };
    return fuzz(runs, ARRAY_SIZE(runs), 3000);
}

KTEST(fuzz, disk)
{
    const struct fuzz_run runs[] = {
        {"threads=4", 0}, {"threads=8", 0},
        {"threads=1", 0}, {"threads=2 end=tf", STATUS_SINGLE_STEP},
        {"threads=6", 0},
    };
    return fuzz(runs, ARRAY_SIZE(runs), 15000);
}

KTEST(fuzz, long)
{
    const struct fuzz_run runs[] = {
        {"threads=4 stats", 0},
        {"threads=8 stats", 0},
        {"threads=1 stats", 0},
        {"threads=2 stats", 0},
    };
    return fuzz(runs, ARRAY_SIZE(runs), 500000);
}
