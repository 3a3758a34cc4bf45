/* tests/kernel/ps_limits.c: resource limits. Mutants: with the recursion limit lowered (a test
 * hook) the next acquisition is refused with STATUS_MUTANT_LIMIT_EXCEEDED, from kernel mode and from
 * user mode (tests/user/limits.c). */
#include "kernel/format.h"
#include "kernel/ke.h"
#include "kernel/ktest.h"
#include "kernel/ob.h"
#include "kernel/thread.h"

#define PROGRAM_TIMEOUT (-300000000ll) /* 30 s */
#define MUTANT_DEPTH    3 /* acquisitions the lowered mutant limit allows */

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
    KT_TRUE(m->owner == ps_current_thread());
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
    ke_snprintf(cmdline, sizeof cmdline, "limits mutant %d", MUTANT_DEPTH);
    NTSTATUS status = ps_create_process_from_image("limits", cmdline, &p);
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
    while (m.owner == ps_current_thread()) /* a failed check may leave it owned: the thread's */
        ke_release_mutant(&m, &previous); /* list of owned mutants must not keep this stack slot */
    KT_RUN(error);
    KT_EQ(saved, INT32_MIN);
    return NULL;
}
