/* tests/user/threads.c: threads and the process as NT defines them. NtCreateThread with valid and
 * hostile arguments (bad process handles, no context, a context that asks for kernel privileges),
 * the TEB and client IDs, exit statuses through ThreadBasicInformation and waits on thread handles,
 * suspended creation and NtResumeThread, NtTerminateThread of other threads (also of mutant
 * owners), ProcessBasicInformation, 1,000 create/exit/close cycles, services called by two threads
 * at once (racing_*), and the process ending with its last thread.
 * Sub-tests (argv[1]): create exit_status suspended terminate process_info thread_info
 * create_hostile context many cycles racing_query_name racing_create_thread racing_shared_position
 * (skipped without C:) last_thread. last_thread ends the main thread, so it runs last; the
 * process's exit status is then the last thread's: the number of failed checks. */
#include "user/rt/rt.h"

static const LARGE_INTEGER_QUAD zero_timeout = 0;
static const LARGE_INTEGER_QUAD five_seconds = RT_RELATIVE_MS(5000);

static THREAD_BASIC_INFORMATION thread_info(HANDLE thread)
{
    THREAD_BASIC_INFORMATION info;
    uint32_t length = 0;
    memset(&info, 0, sizeof info);
    if (CHECK_STATUS(
            NtQueryInformationThread(thread, ThreadBasicInformation, &info, sizeof info, &length),
            STATUS_SUCCESS))
        CHECK_EQ(length, sizeof info);
    return info;
}

/* The current thread's TEB, through FS as NT's NtCurrentTeb(). */
static PAGODA_TEB *current_teb(void)
{
    PAGODA_TEB *teb;
    __asm__ volatile("movl %%fs:0x18, %0" : "=r"(teb));
    return teb;
}

static void *current_peb(void)
{
    void *peb;
    __asm__ volatile("movl %%fs:0x30, %0" : "=r"(peb));
    return peb;
}

static uintptr_t current_esp(void)
{
    uintptr_t esp;
    __asm__ volatile("movl %%esp, %0" : "=r"(esp));
    return esp;
}

/* ---- create ---- */
/* What a new thread sees of itself. It records everything it needs from its TEB while it runs: NT
 * frees a thread's TEB when the thread ends. */
struct seen {
    PAGODA_TEB *teb;
    void *peb, *teb_self, *teb_peb;
    CLIENT_ID teb_client_id;
    uintptr_t esp, stack_base, stack_limit;
    void *arg;
    HANDLE go; /* set by the creator once it has compared the threads */
    volatile uint32_t recorded;
};

static NTSTATUS record_thread(void *arg)
{
    struct seen *s = arg;
    s->teb = current_teb();
    s->peb = current_peb();
    s->teb_self = s->teb->NtTib.Self;
    s->teb_peb = s->teb->ProcessEnvironmentBlock;
    s->teb_client_id = s->teb->ClientId;
    s->esp = current_esp();
    s->stack_base = (uintptr_t)s->teb->NtTib.StackBase;
    s->stack_limit = (uintptr_t)s->teb->NtTib.StackLimit;
    s->arg = arg;
    /* 48 KiB of stack: more than is committed at first, so the stack grows through its guard page
     * (the compiler probes each page in order: -fstack-clash-protection, as __chkstk does). */
    volatile uint8_t big[48 * 1024];
    for (size_t i = 0; i < sizeof big; i += 512)
        big[i] = (uint8_t)i;
    s->recorded = 1;
    /* Stay alive until the creator has compared this thread with another live one: an ended
     * thread's TEB and stack may be reused. */
    LARGE_INTEGER_QUAD five = RT_RELATIVE_MS(5000);
    NtWaitForSingleObject(s->go, 0, &five);
    return 0x1234;
}

static void check_seen(const struct seen *s, HANDLE thread, const CLIENT_ID *cid)
{
    THREAD_BASIC_INFORMATION info = thread_info(thread);
    CHECK(s->arg == s);
    CHECK(s->peb == rt_peb);
    CHECK(s->teb != NULL && s->teb == info.TebBaseAddress);
    CHECK(s->teb_self == s->teb);
    CHECK(s->teb_peb == rt_peb);
    CHECK(info.ClientId.UniqueThread == cid->UniqueThread);
    CHECK(info.ClientId.UniqueProcess == cid->UniqueProcess);
    CHECK(s->teb_client_id.UniqueThread == cid->UniqueThread);
    CHECK(s->teb_client_id.UniqueProcess == cid->UniqueProcess);
    CHECK(cid->UniqueThread != NULL && ((uintptr_t)cid->UniqueThread & 3) == 0);
    CHECK(cid->UniqueProcess == current_teb()->ClientId.UniqueProcess);
    CHECK(cid->UniqueThread != current_teb()->ClientId.UniqueThread);
    CHECK(s->esp < s->stack_base && s->esp >= s->stack_limit);
    CHECK_EQ(info.ExitStatus, 0x1234);
}

static void test_create(void)
{
    struct seen a, b;
    CLIENT_ID cid_a, cid_b;
    HANDLE ha = NULL, hb = NULL, go = rt_new_event(NotificationEvent, 0);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.go = b.go = go;
    CHECK_STATUS(rt_create_thread_ex(record_thread, &a, 0, &ha, &cid_a), STATUS_SUCCESS);
    CHECK_STATUS(rt_create_thread_ex(record_thread, &b, 0, &hb, &cid_b), STATUS_SUCCESS);
    for (int i = 0; i < 500 && !(a.recorded && b.recorded); i++)
        rt_sleep_ms(10);
    CHECK(a.recorded && b.recorded);
    /* Two live threads: their own TEBs, stacks and client IDs. */
    CHECK(a.teb != b.teb);
    CHECK(a.stack_base != b.stack_base);
    CHECK(cid_a.UniqueThread != cid_b.UniqueThread);
    CHECK_STATUS(NtSetEvent(go, NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtWaitForSingleObject(ha, 0, &five_seconds), STATUS_SUCCESS);
    CHECK_STATUS(NtWaitForSingleObject(hb, 0, &five_seconds), STATUS_SUCCESS);
    check_seen(&a, ha, &cid_a);
    check_seen(&b, hb, &cid_b);
    CHECK_STATUS(NtClose(ha), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(hb), STATUS_SUCCESS);
    /* A thread created without a CLIENT_ID pointer (it is optional). */
    HANDLE h = NULL;
    CONTEXT context;
    INITIAL_TEB teb;
    memset(&teb, 0, sizeof teb);
    memset(&a, 0, sizeof a);
    a.go = go; /* already set */
    rt_init_thread_context(&context, record_thread, &a);
    CHECK_STATUS(
        NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, NtCurrentProcess(), NULL, &context, &teb, 0),
        STATUS_SUCCESS);
    CHECK_EQ(rt_join(h), 0x1234);
    CHECK(a.peb == rt_peb);
    CHECK_STATUS(NtClose(go), STATUS_SUCCESS);
}

/* ---- exit_status ---- */
static NTSTATUS return_arg(void *arg) { return (NTSTATUS)(uintptr_t)arg; }

static volatile uint32_t ran_after_terminate;

static NTSTATUS terminate_self(void *arg)
{
    NtTerminateThread(NtCurrentThread(), (NTSTATUS)(uintptr_t)arg);
    ran_after_terminate = 1;
    return 0x666;
}

static NTSTATUS wait_then_return(void *arg)
{
    NtWaitForSingleObject(arg, 0, &five_seconds);
    return 5;
}

static void test_exit_status(void)
{
    CHECK_EQ(rt_join(rt_start_thread(return_arg, (void *)42)), 42);
    CHECK_EQ(rt_join(rt_start_thread(return_arg, (void *)(uintptr_t)0xC0000005u)), 0xC0000005u);
    CHECK_EQ(rt_join(rt_start_thread(return_arg, (void *)0)), 0);
    CHECK_EQ(rt_join(rt_start_thread(terminate_self, (void *)77)), 77);
    CHECK_EQ(ran_after_terminate, 0);
    /* A running thread reports STATUS_PENDING (Win32's STILL_ACTIVE) and is not signaled. */
    HANDLE go = rt_new_event(NotificationEvent, 0);
    HANDLE t = rt_start_thread(wait_then_return, go);
    CHECK_STATUS(thread_info(t).ExitStatus, STATUS_PENDING);
    CHECK_STATUS(rt_poll(t), STATUS_TIMEOUT);
    CHECK_STATUS(NtSetEvent(go, NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtWaitForSingleObject(t, 0, &five_seconds), STATUS_SUCCESS);
    /* An ended thread stays signaled, and its handle stays usable until closed. */
    CHECK_STATUS(rt_poll(t), STATUS_SUCCESS);
    CHECK_EQ(thread_info(t).ExitStatus, 5);
    CHECK_EQ(rt_join(t), 5);
    CHECK_STATUS(NtClose(go), STATUS_SUCCESS);
}

/* ---- suspended ---- */
static NTSTATUS mark(void *arg)
{
    *(volatile uint32_t *)arg = 1;
    return 9;
}

static void test_suspended(void)
{
    static volatile uint32_t ran;
    uint32_t previous = 99;
    HANDLE t = NULL;
    ran = 0;
    CHECK_STATUS(rt_create_thread_ex(mark, (void *)&ran, 1, &t, NULL), STATUS_SUCCESS);
    rt_sleep_ms(30);
    CHECK_EQ(ran, 0);
    CHECK_STATUS(thread_info(t).ExitStatus, STATUS_PENDING);
    CHECK_STATUS(rt_poll(t), STATUS_TIMEOUT);
    CHECK_STATUS(NtResumeThread(t, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 1);
    CHECK_EQ(rt_join(t), 9);
    CHECK_EQ(ran, 1);
    /* Resuming a thread that is not suspended changes nothing and reports 0. */
    HANDLE go = rt_new_event(NotificationEvent, 0);
    t = rt_start_thread(wait_then_return, go);
    previous = 99;
    CHECK_STATUS(NtResumeThread(t, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(NtResumeThread(t, NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtSetEvent(go, NULL), STATUS_SUCCESS);
    CHECK_EQ(rt_join(t), 5);
    CHECK_STATUS(NtClose(go), STATUS_SUCCESS);
}

/* ---- terminate ---- */
static NTSTATUS spin_yielding(void *arg)
{
    volatile uint32_t *stop = arg; /* never set: the thread is terminated */
    while (!*stop)
        NtYieldExecution();
    return 1;
}

static NTSTATUS block_forever(void *arg)
{
    NtWaitForSingleObject(arg, 0, NULL);
    return 1;
}

static NTSTATUS own_and_block(void *arg)
{
    HANDLE *h = arg; /* [0] the mutant, [1] an event that is never set */
    NTSTATUS status = rt_poll(h[0]);
    if (status == STATUS_SUCCESS)
        NtWaitForSingleObject(h[1], 0, NULL);
    return status;
}

static void terminate_and_check(HANDLE t, NTSTATUS status)
{
    CHECK_STATUS(NtTerminateThread(t, status), STATUS_SUCCESS);
    CHECK_EQ(rt_join(t), status);
}

static void test_terminate(void)
{
    /* A running thread, a blocked one, and one that never ran. */
    HANDLE never = rt_new_event(NotificationEvent, 0);
    static volatile uint32_t never_stop;
    HANDLE t = rt_start_thread(spin_yielding, (void *)&never_stop);
    rt_sleep_ms(20);
    terminate_and_check(t, (NTSTATUS)0xDEAD0001);
    t = rt_start_thread(block_forever, never);
    rt_sleep_ms(20);
    terminate_and_check(t, (NTSTATUS)0xDEAD0002);
    static volatile uint32_t ran;
    ran = 0;
    t = NULL;
    CHECK_STATUS(rt_create_thread_ex(mark, (void *)&ran, 1, &t, NULL), STATUS_SUCCESS);
    terminate_and_check(t, (NTSTATUS)0xDEAD0003);
    CHECK_EQ(ran, 0);

    /* A thread ended while owning a mutant abandons it. */
    HANDLE m = NULL;
    CHECK_STATUS(NtCreateMutant(&m, MUTANT_ALL_ACCESS, NULL, 0), STATUS_SUCCESS);
    HANDLE pair[2] = {m, never};
    t = rt_start_thread(own_and_block, pair);
    rt_sleep_ms(20);
    terminate_and_check(t, (NTSTATUS)0xDEAD0004);
    CHECK_STATUS(rt_poll(m), STATUS_ABANDONED);
    CHECK_STATUS(NtReleaseMutant(m, NULL), STATUS_SUCCESS);

    /* THREAD_TERMINATE is needed. */
    t = rt_start_thread(block_forever, never);
    HANDLE query_only = NULL;
    CHECK_STATUS(NtDuplicateObject(NtCurrentProcess(), t, NtCurrentProcess(), &query_only,
                                   THREAD_QUERY_INFORMATION | SYNCHRONIZE, 0, 0),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtTerminateThread(query_only, 1), STATUS_ACCESS_DENIED);
    CHECK_STATUS(rt_poll(query_only), STATUS_TIMEOUT);
    CHECK_STATUS(NtClose(query_only), STATUS_SUCCESS);
    terminate_and_check(t, (NTSTATUS)0xDEAD0005);
    CHECK_STATUS(NtClose(m), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(never), STATUS_SUCCESS);
}

/* ---- process_info ---- */
static void test_process_info(void)
{
    PROCESS_BASIC_INFORMATION pbi;
    uint32_t length = 0;
    memset(&pbi, 0, sizeof pbi);
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessBasicInformation, &pbi,
                                           sizeof pbi, &length),
                 STATUS_SUCCESS);
    CHECK_EQ(length, sizeof pbi);
    CHECK(pbi.PebBaseAddress == rt_peb);
    CHECK(pbi.PebBaseAddress == current_peb());
    CHECK_STATUS(pbi.ExitStatus, STATUS_PENDING);
    CHECK(pbi.UniqueProcessId != 0 && (pbi.UniqueProcessId & 3) == 0);
    CHECK(pbi.UniqueProcessId == (uintptr_t)current_teb()->ClientId.UniqueProcess);
    CHECK_EQ(pbi.BasePriority, 8); /* NT's normal priority class */
    /* The PEB the kernel built. */
    CHECK(rt_peb->ImageBaseAddress == (void *)0x00400000); /* the exe's preferred base */
    const PAGODA_PROCESS_PARAMETERS *params = rt_peb->ProcessParameters;
    CHECK(params != NULL && params->CommandLine.Buffer != NULL && params->CommandLine.Length > 0);
    /* The main thread's stack is described by its TEB. */
    uintptr_t esp = current_esp();
    CHECK(esp < (uintptr_t)current_teb()->NtTib.StackBase &&
          esp >= (uintptr_t)current_teb()->NtTib.StackLimit);

    /* Exact lengths, known classes, real process handles with query access. */
    uint8_t buf[64];
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessBasicInformation, buf,
                                           sizeof pbi - 1, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessBasicInformation, buf,
                                           sizeof pbi + 4, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(
        NtQueryInformationProcess(NtCurrentProcess(), ProcessBasicInformation, buf, 0, NULL),
        STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), (PROCESSINFOCLASS)1000, buf,
                                           sizeof buf, NULL),
                 STATUS_INVALID_INFO_CLASS);
    CHECK_STATUS(
        NtQueryInformationProcess((HANDLE)0x1234, ProcessBasicInformation, &pbi, sizeof pbi, NULL),
        STATUS_INVALID_HANDLE);
    HANDLE p = NULL;
    CHECK_STATUS(NtDuplicateObject(NtCurrentProcess(), NtCurrentProcess(), NtCurrentProcess(), &p,
                                   PROCESS_QUERY_INFORMATION, 0, 0),
                 STATUS_SUCCESS);
    memset(&pbi, 0, sizeof pbi);
    CHECK_STATUS(NtQueryInformationProcess(p, ProcessBasicInformation, &pbi, sizeof pbi, NULL),
                 STATUS_SUCCESS);
    CHECK(pbi.PebBaseAddress == rt_peb);
    CHECK_STATUS(NtClose(p), STATUS_SUCCESS);
    CHECK_STATUS(NtQueryInformationProcess(p, ProcessBasicInformation, &pbi, sizeof pbi, NULL),
                 STATUS_INVALID_HANDLE);
    /* A running process is not signaled. */
    CHECK_STATUS(rt_poll(NtCurrentProcess()), STATUS_TIMEOUT);
}

/* ---- thread_info ---- */
static void test_thread_info(void)
{
    THREAD_BASIC_INFORMATION info = thread_info(NtCurrentThread());
    CHECK_STATUS(info.ExitStatus, STATUS_PENDING);
    CHECK(info.TebBaseAddress == current_teb());
    CHECK(info.ClientId.UniqueThread == current_teb()->ClientId.UniqueThread);
    CHECK(info.ClientId.UniqueProcess == current_teb()->ClientId.UniqueProcess);
    uint8_t buf[64];
    CHECK_STATUS(NtQueryInformationThread(NtCurrentThread(), ThreadBasicInformation, buf,
                                          sizeof info - 1, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtQueryInformationThread(NtCurrentThread(), ThreadBasicInformation, buf,
                                          sizeof info + 4, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(
        NtQueryInformationThread(NtCurrentThread(), (THREADINFOCLASS)1000, buf, sizeof buf, NULL),
        STATUS_INVALID_INFO_CLASS);
    /* THREAD_QUERY_INFORMATION is needed. */
    HANDLE t = NULL;
    CHECK_STATUS(NtDuplicateObject(NtCurrentProcess(), NtCurrentThread(), NtCurrentProcess(), &t,
                                   THREAD_TERMINATE, 0, 0),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtQueryInformationThread(t, ThreadBasicInformation, &info, sizeof info, NULL),
                 STATUS_ACCESS_DENIED);
    CHECK_STATUS(NtClose(t), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(NtCurrentThread()), STATUS_TIMEOUT);
}

/* ---- create_hostile ---- */
static volatile uint32_t hostile_ran;

static NTSTATUS hostile_routine(void *arg)
{
    (void)arg;
    hostile_ran = 1;
    return 0;
}

static void test_create_hostile(void)
{
    CONTEXT context;
    INITIAL_TEB teb;
    HANDLE h = NULL, cur = NtCurrentProcess();
    CLIENT_ID cid;
    memset(&teb, 0, sizeof teb);
    rt_init_thread_context(&context, hostile_routine, NULL);
    hostile_ran = 0;

    /* Process handles: forged, closed, of another type, without PROCESS_CREATE_THREAD. */
    CHECK_STATUS(
        NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, (HANDLE)0x1234, &cid, &context, &teb, 0),
        STATUS_INVALID_HANDLE);
    HANDLE closed = NULL, limited = NULL;
    CHECK_STATUS(NtDuplicateObject(cur, cur, cur, &closed, 0, 0, DUPLICATE_SAME_ACCESS),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(closed), STATUS_SUCCESS);
    CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, closed, &cid, &context, &teb, 0),
                 STATUS_INVALID_HANDLE);
    HANDLE event = rt_new_event(NotificationEvent, 0);
    CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, event, &cid, &context, &teb, 0),
                 STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(
        NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, NtCurrentThread(), &cid, &context, &teb, 0),
        STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtDuplicateObject(cur, cur, cur, &limited, PROCESS_QUERY_INFORMATION, 0, 0),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, limited, &cid, &context, &teb, 0),
                 STATUS_ACCESS_DENIED);

    /* NT requires a context from user mode; the INITIAL_TEB is not optional either. */
    CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, cur, &cid, NULL, &teb, 0),
                 STATUS_INVALID_PARAMETER);
    CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, cur, &cid, &context, NULL, 0),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, cur, &cid,
                                (const CONTEXT *)0xC0100000u, &teb, 0),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtCreateThread(NULL, THREAD_ALL_ACCESS, NULL, cur, &cid, &context, &teb, 0),
                 STATUS_ACCESS_VIOLATION);
    /* Malformed object attributes. */
    OBJECT_ATTRIBUTES oa;
    rt_object_attributes(&oa, NULL, 0);
    oa.Length = 0;
    CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, &oa, cur, &cid, &context, &teb, 0),
                 STATUS_INVALID_PARAMETER);

    /* None of them started a thread. */
    rt_sleep_ms(30);
    CHECK_EQ(hostile_ran, 0);
    /* And the same arguments, corrected, do. */
    CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, cur, &cid, &context, &teb, 0),
                 STATUS_SUCCESS);
    CHECK_EQ(rt_join(h), 0);
    CHECK_EQ(hostile_ran, 1);
    CHECK_STATUS(NtClose(limited), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(event), STATUS_SUCCESS);
}

/* ---- context ---- */
struct privileges {
    uint16_t cs, ss, ds, es;
    uint32_t eflags;
    uintptr_t esp;
    PAGODA_TEB *teb;
};

static NTSTATUS report_privileges(void *arg)
{
    struct privileges *p = arg;
    __asm__ volatile("movw %%cs, %0" : "=r"(p->cs));
    __asm__ volatile("movw %%ss, %0" : "=r"(p->ss));
    __asm__ volatile("movw %%ds, %0" : "=r"(p->ds));
    __asm__ volatile("movw %%es, %0" : "=r"(p->es));
    __asm__ volatile("pushfl\n\tpopl %0" : "=r"(p->eflags));
    p->esp = current_esp();
    p->teb = current_teb();
    return 0x600D;
}

static void test_context(void)
{
    /* A context that asks for ring 0 selectors, IOPL 3 and interrupts off, with a kernel ESP
     * (which the all-zero INITIAL_TEB makes the kernel ignore). The thread must still run at CPL 3
     * with IOPL 0, interrupts on and its own TEB and stack: NT sanitizes user contexts. */
    struct privileges p;
    memset(&p, 0, sizeof p);
    CONTEXT context;
    INITIAL_TEB teb;
    memset(&teb, 0, sizeof teb);
    rt_init_thread_context(&context, report_privileges, &p);
    context.SegCs = 0x08;
    context.SegSs = context.SegDs = context.SegEs = context.SegGs = 0x10;
    context.SegFs = 0x30;
    context.EFlags = 0x3002; /* IOPL 3, IF clear */
    context.Esp = 0x80001000u;
    HANDLE h = NULL;
    NTSTATUS status =
        NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, NtCurrentProcess(), NULL, &context, &teb, 0);
    if (!CHECK_STATUS(status, STATUS_SUCCESS))
        return;
    THREAD_BASIC_INFORMATION info;
    CHECK_STATUS(NtWaitForSingleObject(h, 0, &five_seconds), STATUS_SUCCESS);
    info = thread_info(h);
    CHECK_EQ(rt_join(h), 0x600D);
    CHECK_EQ(p.cs & 3, 3);
    CHECK_EQ(p.ss & 3, 3);
    CHECK_EQ(p.ds & 3, 3);
    CHECK_EQ(p.es & 3, 3);
    CHECK_EQ((p.eflags >> 12) & 3, 0); /* IOPL */
    CHECK(p.eflags & 0x200); /* IF */
    CHECK(p.teb == info.TebBaseAddress);
    CHECK(p.esp < RT_SHARED_DATA->HighestUserAddress);
}

/* ---- many ---- */
#define MANY_THREADS 20

struct gate {
    HANDLE go;
    uint32_t index;
};

static NTSTATUS gated_thread(void *arg)
{
    struct gate *g = arg;
    NTSTATUS status = NtWaitForSingleObject(g->go, 0, &five_seconds);
    return status == STATUS_SUCCESS ? (NTSTATUS)(100 + g->index) : status;
}

static void test_many(void)
{
    static struct gate gates[MANY_THREADS];
    HANDLE threads[MANY_THREADS];
    HANDLE go = rt_new_event(NotificationEvent, 0);
    for (uint32_t i = 0; i < MANY_THREADS; i++) {
        gates[i].go = go;
        gates[i].index = i;
        threads[i] = rt_start_thread(gated_thread, &gates[i]);
    }
    rt_sleep_ms(30);
    CHECK_STATUS(NtWaitForMultipleObjects(MANY_THREADS, threads, WaitAny, 0, &zero_timeout),
                 STATUS_TIMEOUT);
    CHECK_STATUS(NtSetEvent(go, NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtWaitForMultipleObjects(MANY_THREADS, threads, WaitAll, 0, &five_seconds),
                 STATUS_SUCCESS);
    for (uint32_t i = 0; i < MANY_THREADS; i++)
        CHECK_EQ(rt_join(threads[i]), 100 + i);
    CHECK_STATUS(NtClose(go), STATUS_SUCCESS);
}

/* ---- cycles ---- */
static void test_cycles(void)
{
    uint32_t failures_before = rt_failures;
    for (uint32_t i = 0; i < 1000 && rt_failures - failures_before < 10; i++) {
        HANDLE t = NULL;
        if (!CHECK_STATUS(rt_create_thread(return_arg, (void *)(uintptr_t)i, &t), STATUS_SUCCESS))
            continue;
        if (rt_join(t) != (NTSTATUS)i)
            FAIL("thread %u of 1000 ended with the wrong status", i);
    }
}

/* ---- last_thread ---- */
static NTSTATUS last_thread(void *arg)
{
    HANDLE main_thread = arg;
    rt_subtest = "last_thread";
    CHECK_STATUS(NtWaitForSingleObject(main_thread, 0, &five_seconds), STATUS_SUCCESS);
    CHECK_EQ(thread_info(main_thread).ExitStatus, 0xBAD0);
    PROCESS_BASIC_INFORMATION pbi;
    memset(&pbi, 0, sizeof pbi);
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessBasicInformation, &pbi,
                                           sizeof pbi, NULL),
                 STATUS_SUCCESS);
    CHECK_STATUS(pbi.ExitStatus, STATUS_PENDING); /* one thread left: still running */
    CHECK_STATUS(NtClose(main_thread), STATUS_SUCCESS);
    /* NULL names the caller only while another thread is left (NT's rule). */
    CHECK_STATUS(NtTerminateThread(NULL, 0x5E1F), STATUS_CANT_TERMINATE_SELF);
    /* The last thread's exit status becomes the process's. */
    NtTerminateThread(NtCurrentThread(), (NTSTATUS)rt_failures);
    rt_exit(0x1A57); /* not reached */
}

static void test_last_thread(void)
{
    HANDLE self = NULL, t = NULL;
    CHECK_STATUS(NtDuplicateObject(NtCurrentProcess(), NtCurrentThread(), NtCurrentProcess(), &self,
                                   0, 0, DUPLICATE_SAME_ACCESS),
                 STATUS_SUCCESS);
    if (!CHECK_STATUS(rt_create_thread(last_thread, self, &t), STATUS_SUCCESS))
        return;
    NtTerminateThread(NULL, 0xBAD0); /* another thread is left: NULL ends the caller */
    FAIL("NtTerminateThread(NULL) returned with another thread left");
}

/* ---- racing: two threads call the same services at once, each checking that it gets its own
 * answer. The kernel test user.racing_services runs these with every copy of user memory yielding
 * first (copyyield), so the threads meet inside the services at every copy: a service that kept its
 * caller's data in a static buffer across a copy handed it to the other thread, and two reads
 * through one synchronous handle both read at the position they found. ---- */

#define RACE_ROUNDS   40
#define RACE_NAME_MAX 64

static const LARGE_INTEGER_QUAD race_timeout = RT_RELATIVE_MS(30000);

/* Runs routine(arg[0]) and routine(arg[1]) on two threads at once and waits for both; their exit
 * statuses are their failed checks. */
static void race(rt_thread_routine routine, void *args[2])
{
    HANDLE threads[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++)
        CHECK_STATUS(rt_create_thread(routine, args[i], &threads[i]), STATUS_SUCCESS);
    for (int i = 0; i < 2 && threads[i]; i++) {
        CHECK_STATUS(NtWaitForSingleObject(threads[i], 0, &race_timeout), STATUS_SUCCESS);
        THREAD_BASIC_INFORMATION info;
        CHECK_STATUS(
            NtQueryInformationThread(threads[i], ThreadBasicInformation, &info, sizeof info, NULL),
            STATUS_SUCCESS);
        CHECK_EQ(info.ExitStatus, 0);
        NtClose(threads[i]);
    }
}

/* ---- NtQueryObject(ObjectNameInformation) built its answer in a static buffer ---- */

struct named {
    const char *name;
    HANDLE event;
};

static NTSTATUS query_names(void *arg)
{
    struct named *n = arg;
    struct {
        OBJECT_NAME_INFORMATION info;
        WCHAR chars[RACE_NAME_MAX];
    } answer;
    size_t chars = strlen(n->name);
    uint32_t failed = 0;
    for (int round = 0; round < RACE_ROUNDS && !failed; round++) {
        memset(&answer, 0, sizeof answer);
        uint32_t needed = 0;
        NTSTATUS status =
            NtQueryObject(n->event, ObjectNameInformation, &answer, sizeof answer, &needed);
        failed += !CHECK_STATUS(status, STATUS_SUCCESS);
        failed += !CHECK_EQ(answer.info.Name.Length, chars * sizeof(WCHAR));
        failed += !CHECK(answer.info.Name.Buffer == answer.chars);
        for (size_t i = 0; i < chars && !failed; i++) {
            if (answer.chars[i] == (WCHAR)(uint8_t)n->name[i])
                continue;
            FAIL("%s: character %u of the name is %04x, expected '%c' (another call's name?)",
                 n->name, (unsigned)i, answer.chars[i], n->name[i]);
            failed++;
        }
    }
    return (NTSTATUS)failed;
}

static void test_racing_query_name(void)
{
    static struct named names[2] = {{"\\BaseNamedObjects\\PagodaRacingA", NULL},
                                    {"\\BaseNamedObjects\\PagodaRacingLongerNameB", NULL}};
    void *args[2] = {&names[0], &names[1]};
    struct rt_name n;
    for (int i = 0; i < 2; i++)
        CHECK_STATUS(NtCreateEvent(&names[i].event, EVENT_ALL_ACCESS,
                                   rt_named(&n, names[i].name, 0), NotificationEvent, 0),
                     STATUS_SUCCESS);
    race(query_names, args);
    for (int i = 0; i < 2; i++)
        NtClose(names[i].event);
}

/* ---- NtCreateThread read the CONTEXT into a static buffer ---- */

/* Creates threads that return their argument and checks each gets its own (its CONTEXT's EBX). */
static NTSTATUS create_threads(void *arg)
{
    uint32_t base = (uint32_t)(uintptr_t)arg, failed = 0;
    for (uint32_t round = 0; round < RACE_ROUNDS && !failed; round++) {
        HANDLE thread = NULL;
        uint32_t mine = base + round;
        if (!CHECK_STATUS(rt_create_thread(return_arg, (void *)(uintptr_t)mine, &thread),
                          STATUS_SUCCESS)) {
            failed++;
            break;
        }
        CHECK_STATUS(NtWaitForSingleObject(thread, 0, &race_timeout), STATUS_SUCCESS);
        THREAD_BASIC_INFORMATION info;
        NtQueryInformationThread(thread, ThreadBasicInformation, &info, sizeof info, NULL);
        if ((uint32_t)info.ExitStatus != mine) {
            FAIL("a thread created with argument %08x started with %08x (another call's "
                 "CONTEXT?)",
                 mine, (uint32_t)info.ExitStatus);
            failed++;
        }
        NtClose(thread);
    }
    return (NTSTATUS)failed;
}

static void test_racing_create_thread(void)
{
    void *args[2] = {(void *)(uintptr_t)0x0A000000u, (void *)(uintptr_t)0x0B000000u};
    race(create_threads, args);
}

/* ---- reads through one synchronous handle moved its position without the other's ---- */

#define SHARED_FILE  "\\??\\C:\\Tests\\Sizes\\size-4096.bin" /* tools/mkdisk.sh */
#define SHARED_SIZE  4096u
#define SHARED_CHUNK 256u

struct shared_reads {
    HANDLE file;
    uint32_t bytes; /* read by this thread */
};

/* Reads SHARED_CHUNK bytes at a time at the handle's position until the end of the file. */
static NTSTATUS read_shared(void *arg)
{
    struct shared_reads *r = arg;
    uint8_t chunk[SHARED_CHUNK];
    IO_STATUS_BLOCK iosb;
    for (;;) {
        NTSTATUS status =
            NtReadFile(r->file, NULL, NULL, NULL, &iosb, chunk, sizeof chunk, NULL, NULL);
        if (status != STATUS_SUCCESS || iosb.Information != SHARED_CHUNK)
            return status == STATUS_END_OF_FILE ? 0 : status;
        r->bytes += SHARED_CHUNK;
    }
}

/* Two threads read one file through one synchronous handle: between them they must read it once
 * (each read starts where the last one ended). NT serializes the I/O of a synchronous file object
 * for this. */
static void test_racing_shared_position(void)
{
    static struct shared_reads reads[2];
    struct rt_name n;
    IO_STATUS_BLOCK iosb;
    HANDLE file = NULL;
    NTSTATUS status = NtCreateFile(&file, GENERIC_READ | SYNCHRONIZE, rt_named(&n, SHARED_FILE, 0),
                                   &iosb, NULL, 0, FILE_SHARE_READ, FILE_OPEN,
                                   FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, NULL, 0);
    if (status == STATUS_OBJECT_PATH_NOT_FOUND)
        return; /* no C: (no disk attached) */
    if (!CHECK_STATUS(status, STATUS_SUCCESS))
        return;
    void *args[2] = {&reads[0], &reads[1]};
    reads[0].file = reads[1].file = file;
    race(read_shared, args);
    CHECK_EQ(reads[0].bytes + reads[1].bytes, SHARED_SIZE);
    NtClose(file);
}

static const struct rt_subtest tests[] = {
    {"create", test_create},
    {"exit_status", test_exit_status},
    {"suspended", test_suspended},
    {"terminate", test_terminate},
    {"process_info", test_process_info},
    {"thread_info", test_thread_info},
    {"create_hostile", test_create_hostile},
    {"context", test_context},
    {"many", test_many},
    {"cycles", test_cycles},
    {"racing_query_name", test_racing_query_name},
    {"racing_create_thread", test_racing_create_thread},
    {"racing_shared_position", test_racing_shared_position},
    {"last_thread", test_last_thread}, /* last: it ends the main thread */
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
