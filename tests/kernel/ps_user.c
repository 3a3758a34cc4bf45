/* tests/kernel/ps_user.c: user mode, driven from the kernel: the user test programs (tests/user)
 * run as processes and must exit with 0; faults in user mode end only the faulting process with the
 * right status; processes cannot see each other's memory; a spinning process does not starve
 * others; and 1,000 process lifetimes leak no frame, pool byte or handle. */
#include "kernel/ke/cmdline.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ex/sync.h"
#include "kernel/ob/ob.h"
#include "kernel/rtl/string.h"
#include "kernel/ke/syscall.h"
#include "kernel/ps/thread.h"
#include "tests/kernel/program.h"

#define PROGRAM_TIMEOUT (-300000000ll) /* 30 s */

/* Starts image with cmdline; returns the process (one reference) or NULL with *error set. */
static struct ps_process *start(const char *image, const char *cmdline, const char **error)
{
    struct ps_process *p;
    NTSTATUS status = kt_start_program(image, cmdline, &p);
    if (!NT_SUCCESS(status)) {
        *error = ktest_failf("starting '%s' failed with %08x", cmdline, (uint32_t)status);
        return NULL;
    }
    return p;
}

/* Waits for p to end; returns its exit status, or ends it and reports a hang. */
static const char *finish(struct ps_process *p, const char *cmdline, NTSTATUS *exit_status)
{
    int64_t timeout = PROGRAM_TIMEOUT;
    NTSTATUS status = ke_wait_for_object(p, &timeout);
    const char *error = NULL;
    if (status == STATUS_TIMEOUT) {
        ps_terminate_process(p, STATUS_TIMEOUT);
        ke_wait_for_object(p, NULL);
        error = ktest_failf("'%s' did not end within 30 s", cmdline);
    }
    *exit_status = p->exit_status;
    ob_dereference_object(p);
    return error;
}

static const char *run(const char *image, const char *cmdline, NTSTATUS expected)
{
    const char *error = NULL;
    NTSTATUS exit_status;
    struct ps_process *p = start(image, cmdline, &error);
    if (!p)
        return error;
    if ((error = finish(p, cmdline, &exit_status)))
        return error;
    if (exit_status != expected)
        return ktest_failf("'%s' exited with %08x (%d failed checks?), expected %08x", cmdline,
                           (uint32_t)exit_status, (int)exit_status, (uint32_t)expected);
    return NULL;
}

KTEST(user, handles) { return run("handles", "handles", 0); }
KTEST(user, pointers) { return run("pointers", "pointers", 0); }
KTEST(user, sync) { return run("sync", "sync", 0); }
KTEST(user, threads) { return run("threads", "threads", 0); }
KTEST(user, fpu) { return run("fpu", "fpu", 0); }
/* The parameters of a process the kernel starts; then one process starts others
 * (NtCreateUserProcess), and what they were given. */
KTEST(user, spawn_kernel_defaults) { return run("spawn", "spawn kernel_defaults", 0); }

/* Regression: NtQueryObject (ObjectNameInformation) and NtCreateThread kept the caller's data in
 * static buffers across copies of user memory, so two threads whose copies waited got each other's
 * answers. The copies yield here (copyyield=1 for the length of the test), as a page-in would
 * wait. */
KTEST(user, racing_services)
{
    bool copy_yield = ke_config.copy_yield;
    ke_config.copy_yield = true;
    const char *error =
        run("threads", "threads racing_query_name racing_create_thread racing_shared_position", 0);
    ke_config.copy_yield = copy_yield;
    return error;
}

/* Regression: NtTerminateProcess(NULL, status) also ended its caller, so ExitProcess could never
 * run its second step; the program ends with 0x0E1D0E1D only if its own checks pass. */
KTEST(ps, terminate_process_null_spares_the_caller)
{
    return run("exitprocess", "exitprocess", 0x0E1D0E1D);
}

KTEST(ps, user_faults_end_only_that_process)
{
    static const struct {
        const char *cmdline;
        NTSTATUS status;
    } cases[] = {
        {"faults write_2g", STATUS_ACCESS_VIOLATION},
        {"faults write_3g", STATUS_ACCESS_VIOLATION},
        {"faults read_kernel", STATUS_ACCESS_VIOLATION},
        {"faults null", STATUS_ACCESS_VIOLATION},
        {"faults write_shared", STATUS_ACCESS_VIOLATION},
        {"faults gp", STATUS_PRIVILEGED_INSTRUCTION},
        {"faults divide", STATUS_INTEGER_DIVIDE_BY_ZERO},
        {"faults ud2", STATUS_ILLEGAL_INSTRUCTION},
        {"faults ok", STATUS_SUCCESS},
    };
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *error = run("faults", cases[i].cmdline, cases[i].status);
        if (error)
            return error;
    }
    return NULL;
}

KTEST(ps, processes_are_isolated)
{
    const char *error = NULL;
    struct ps_process *a = start("isolation", "isolation 11111111", &error);
    struct ps_process *b = a ? start("isolation", "isolation 22222222", &error) : NULL;
    NTSTATUS status_a = -1, status_b = -1;
    const char *error_a = a ? finish(a, "isolation a", &status_a) : NULL;
    const char *error_b = b ? finish(b, "isolation b", &status_b) : NULL;
    if (error || error_a || error_b)
        return error ? error : error_a ? error_a : error_b;
    KT_EQ(status_a, 0);
    KT_EQ(status_b, 0);
    return NULL;
}

KTEST(ps, spinning_process_does_not_starve_others)
{
    const char *error = NULL;
    struct ps_process *spin = start("spin", "spin", &error);
    if (!spin)
        return error;
    error = run("faults", "faults ok", STATUS_SUCCESS);
    ps_terminate_process(spin, 0x1234);
    NTSTATUS exit_status;
    const char *spin_error = finish(spin, "spin", &exit_status);
    if (error || spin_error)
        return error ? error : spin_error;
    KT_EQ(exit_status, 0x1234);
    return NULL;
}

struct usage {
    uint32_t frames, processes, threads, system_handles;
    size_t process_bytes, thread_bytes, pool_bytes;
};

static void measure(struct usage *u)
{
    struct mm_frame_stats s;
    kt_frame_stats(&s);
    u->frames = kt_frames_used(&s);
    u->processes = ps_process_type.object_count;
    u->threads = ps_thread_type.object_count;
    u->system_handles = ob_handle_table_count(ps_system_process->handle_table);
    u->process_bytes = mm_pool_tag_bytes(ps_process_type.pool_tag);
    u->thread_bytes = mm_pool_tag_bytes(ps_thread_type.pool_tag);
    u->pool_bytes = mm_pool_bytes_in_use();
}

KTEST(ps, thousand_process_lifetimes_leak_nothing)
{
    struct usage before, after;
    const char *error = run("faults", "faults ok", STATUS_SUCCESS); /* warm up */
    if (error)
        return error;
    measure(&before);
    for (int i = 0; i < 1000 && !error; i++)
        error = run("faults", "faults ok", STATUS_SUCCESS);
    if (error)
        return error;
    measure(&after);
    KT_EQ(after.frames, before.frames);
    KT_EQ(after.processes, before.processes);
    KT_EQ(after.threads, before.threads);
    KT_EQ(after.system_handles, before.system_handles);
    KT_EQ(after.process_bytes, before.process_bytes);
    KT_EQ(after.thread_bytes, before.thread_bytes);
    KT_EQ(after.pool_bytes, before.pool_bytes);
    return NULL;
}

/* A process that starts others, the good calls and the refused ones, leaves the kernel as it was:
 * the children, their parameters and handles, the captured strings (pool tag PsPa). */
KTEST(user, spawn)
{
    struct usage before, after;
    const char *error = run("spawn", "spawn create", 0); /* warm up */
    if (error)
        return error;
    measure(&before);
    KT_RUN(run("spawn", "spawn", 0));
    measure(&after);
    KT_EQ(after.frames, before.frames);
    KT_EQ(after.processes, before.processes);
    KT_EQ(after.threads, before.threads);
    KT_EQ(after.process_bytes, before.process_bytes);
    KT_EQ(after.pool_bytes, before.pool_bytes);
    KT_EQ(mm_pool_tag_bytes(PS_PARAMETERS_TAG), 0);
    return NULL;
}

/* Regression: a thread whose creation failed part-way (its TEB made, then no commit left for its
 * stack) was marked ended and then unlinked from a process list it was never on, and its kernel
 * stack leaked. Creating threads until the commit runs out must fail cleanly, and ending the
 * process must free everything. */
KTEST(ps, thread_creation_failure_frees_everything)
{
    struct usage before, after;
    struct ps_process *p;
    measure(&before);
    KT_EQ(ps_create_process("commit", "commit", MM_LIMIT_2GB, &p), STATUS_SUCCESS);
    struct mm_commit_info commit;
    mm_get_commit_info(&commit);
    /* Room for a few threads: a TEB page and 4 stack pages plus a guard page each. */
    uint32_t old_limit = mm_test_set_commit_limit(commit.total + 5 * 6 + 3);
    struct ps_thread_start start = {.eip = 0x00400000, .suspended = true, .stack_size = 16384};
    NTSTATUS status = STATUS_SUCCESS;
    uint32_t created = 0;
    while (created <= 100 && NT_SUCCESS(status)) {
        struct ps_thread *t;
        status = ps_create_thread(p, &start, &t);
        if (NT_SUCCESS(status)) {
            ob_dereference_object(t);
            created++;
        }
    }
    mm_test_set_commit_limit(old_limit);
    uint32_t thread_objects = ps_thread_type.object_count;
    ps_terminate_process(p, 0x55);
    KT_EQ(ke_wait_for_object(p, NULL), STATUS_WAIT_0);
    ob_dereference_object(p);
    measure(&after);
    KT_EQ(status, STATUS_COMMITMENT_LIMIT);
    KT_EQ(created, 5);
    KT_EQ(thread_objects, before.threads + 5);
    KT_EQ(after.frames, before.frames);
    KT_EQ(after.threads, before.threads);
    KT_EQ(after.processes, before.processes);
    KT_EQ(after.pool_bytes, before.pool_bytes);
    return NULL;
}

/* ---- Issue 12: traps and EFLAGS at the user/kernel boundary (tests/user/eflags.c, faults.c)
 * ---- */

/* NT's exception statuses: privileged instructions (decoded from a #GP), breakpoints and into
 * (gates user mode may use), and a #GP that is no privileged instruction. */
KTEST(ps, user_exceptions_have_nt_statuses)
{
    static const struct {
        const char *cmdline;
        NTSTATUS status;
    } cases[] = {
        {"faults hlt", STATUS_PRIVILEGED_INSTRUCTION},
        {"faults sti", STATUS_PRIVILEGED_INSTRUCTION},
        {"faults in", STATUS_PRIVILEGED_INSTRUCTION},
        {"faults out", STATUS_PRIVILEGED_INSTRUCTION},
        {"faults mov_cr", STATUS_PRIVILEGED_INSTRUCTION},
        {"faults wbinvd", STATUS_PRIVILEGED_INSTRUCTION},
        {"faults lgdt", STATUS_PRIVILEGED_INSTRUCTION},
        {"faults prefixed_hlt", STATUS_PRIVILEGED_INSTRUCTION},
        {"faults int1", STATUS_ACCESS_VIOLATION},
        {"faults bad_selector", STATUS_ACCESS_VIOLATION},
        {"faults int3", STATUS_BREAKPOINT},
        {"faults int3_long", STATUS_BREAKPOINT},
        {"faults into", STATUS_INTEGER_OVERFLOW},
    };
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
        KT_RUN(run("faults", cases[i].cmdline, cases[i].status));
    return NULL;
}

/* The sysenter sub-tests need the fast path, which the 486, Pentium and Bochs entries (no SEP) and
 * sysenter=off do not have: they are skipped there, and the log says so. */
static bool sysenter_skipped(const char *test)
{
    if (ke_fast_system_calls())
        return false;
    ke_print("ktest: %s: skipped: system calls use int 0x2e here (no SEP, or sysenter=off)\n",
             test);
    return true;
}

KTEST(user, eflags_int2e) { return run("eflags", "eflags int2e_flags int2e_nt_switch", 0); }

/* Regressions: sysenter returned the kernel's EFLAGS, and a caller's NT went on into the kernel and
 * into the next thread, whose first iret became a task return (#TS, a panic); the entry also read
 * kernel data through the caller's DS. */
KTEST(user, eflags_sysenter)
{
    if (sysenter_skipped("user.eflags_sysenter"))
        return NULL;
    return run("eflags", "eflags sysenter_flags sysenter_nt_switch sysenter_null_ds", 0);
}

/* A call made with TF set must complete (the event is set) and the caller then takes its
 * single-step trap, which without SEH ends the process with STATUS_SINGLE_STEP. */
static const char *single_step_call(const char *cmdline)
{
    static const WCHAR name[] = u"\\BaseNamedObjects\\PagodaEflagsSingleStep"; /* eflags.c's */
    struct ke_event *event;
    NTSTATUS status = ob_create_object(&ex_event_type, sizeof *event, name, ARRAY_SIZE(name) - 1,
                                       (void **)&event);
    if (NT_SUCCESS(status)) {
        ke_init_dispatcher_header(&event->header, KE_NOTIFICATION_EVENT, 0);
        status = ob_insert_object(event, 0, 0, NULL, (void **)&event);
    }
    if (!NT_SUCCESS(status))
        return ktest_failf("creating the event failed with %08x", (uint32_t)status);
    const char *error = run("eflags", cmdline, STATUS_SINGLE_STEP);
    int32_t signaled = event->header.signal_state;
    ob_dereference_object(event);
    if (!error && signaled != 1)
        error = ktest_failf("'%s': the call made with TF set did not run (event state %d)", cmdline,
                            (int)signaled);
    return error;
}

KTEST(user, single_step_into_int2e) { return single_step_call("eflags int2e_single_step"); }

/* Regression: sysenter with TF set took its debug trap on the SYSENTER_ESP stack (the TSS) and
 * panicked the kernel. */
KTEST(user, single_step_into_sysenter)
{
    if (sysenter_skipped("user.single_step_into_sysenter"))
        return NULL;
    return single_step_call("eflags sysenter_single_step");
}
