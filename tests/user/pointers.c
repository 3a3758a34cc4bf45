/* tests/user/pointers.c: every system service against hostile pointers and lengths, and the
 * dispatcher against hostile service numbers and argument pointers, with the statuses NT gives
 * (its probe rules, from the Windows Server 2003 sources; docs/user-mode.md has the table):
 *   - a pointer that is NULL (where the argument is not optional), in system space, unmapped, or
 *     read-only for an output, gives STATUS_ACCESS_VIOLATION, before the service changes anything;
 *   - buffers and structures (OBJECT_ATTRIBUTES, CONTEXT, INITIAL_TEB, CLIENT_ID, query buffers,
 *     handle arrays, NtDelayExecution's interval, NtQuerySystemTime's output) must be 4-byte
 *     aligned, and a UNICODE_STRING's characters 2-byte aligned: STATUS_DATATYPE_MISALIGNMENT;
 *   - single HANDLE / LONG / ULONG outputs and wait timeouts have no alignment check on x86, so a
 *     misaligned one works;
 *   - a zero-length buffer is not probed at all, so its address does not matter;
 *   - a length that reaches past user space gives STATUS_ACCESS_VIOLATION. (The lengths used reach
 *     past it with either split: NT's probe also touches every page of an output buffer, so a
 *     long buffer inside user space fails there too, where a kernel that checks only the range
 *     would succeed.)
 * Sub-tests (argv[1]): dispatch display handles waits events semaphores mutants threads info
 * time. */
#include "kernel/rtl/format.h"
#include "pagoda/services.h"
#include "user/rt/rt.h"

#define BNO "\\BaseNamedObjects\\"

/* NULL, unmapped user memory (the 64 KiB no-access region), system space (2G split), the kernel
 * image, the self-map, and a pointer that wraps. */
static const uintptr_t bad_pointers[] = {0,          0x00001000, 0x80000000,
                                         0xC0100000, 0xFFFFF000, 0xFFFFFFFC};
#define READ_ONLY ((uintptr_t)KUSER_SHARED_DATA_ADDRESS)
#define FOR_BAD(p, first)                                                                          \
    for (size_t i_ = (first); i_ < ARRAY_SIZE(bad_pointers) && ((p) = bad_pointers[i_], 1); i_++)
#define NOT_NULL 1 /* FOR_BAD's first index that skips NULL, for optional arguments */

static const LARGE_INTEGER_QUAD zero_timeout = 0;

/* Aligned scratch memory to make misaligned pointers from. */
static union {
    uint64_t q[(sizeof(CONTEXT) + 16) / 8];
    uint8_t b[sizeof(CONTEXT) + 16];
} scratch;

/* The failure messages name the pointer under test. */
static const char *test_name;
static char label[80];

static void with_pointer(uintptr_t p)
{
    rtl_snprintf(label, sizeof label, "%s, pointer 0x%08X", test_name, (uint32_t)p);
    rt_subtest = label;
}

static void begin(void) { test_name = rt_subtest; }
static void end_pointer(void) { rt_subtest = test_name; }

static uint32_t handle_count(HANDLE h)
{
    OBJECT_BASIC_INFORMATION info;
    memset(&info, 0, sizeof info);
    CHECK_STATUS(NtQueryObject(h, ObjectBasicInformation, &info, sizeof info, NULL),
                 STATUS_SUCCESS);
    return info.HandleCount;
}

/* ---- dispatch: the int 0x2E path itself ---- */
static NTSTATUS raw_syscall(uint32_t number, uintptr_t arguments)
{
    NTSTATUS status;
    __asm__ volatile("int $0x2e"
                     : "=a"(status), "+d"(arguments)
                     : "a"(number)
                     : "ecx", "memory", "cc");
    return status;
}

/* syscall_clobbers(number, arguments): makes the call with known values in EBX, ESI, EDI, EBP and
 * the direction flag set, and returns which of them the kernel did not preserve (1 EBX, 2 ESI,
 * 4 EDI, 8 EBP, 16 ESP, 32 DF); the status is left in syscall_status. NT preserves them all. */
uint32_t syscall_clobbers(uint32_t number, const void *arguments);
uint32_t syscall_saved_esp, syscall_flags;
NTSTATUS syscall_status;
__asm__(".text\n"
        ".globl _syscall_clobbers\n"
        "_syscall_clobbers:\n"
        "    pushl %ebp\n"
        "    pushl %ebx\n"
        "    pushl %esi\n"
        "    pushl %edi\n"
        "    movl 20(%esp), %eax\n"
        "    movl 24(%esp), %edx\n"
        "    movl %esp, _syscall_saved_esp\n"
        "    movl $0x11111111, %ebx\n"
        "    movl $0x22222222, %esi\n"
        "    movl $0x33333333, %edi\n"
        "    movl $0x44444444, %ebp\n"
        "    std\n"
        "    int $0x2e\n"
        "    pushfl\n"
        "    popl _syscall_flags\n"
        "    cld\n"
        "    movl %eax, _syscall_status\n"
        "    xorl %eax, %eax\n"
        "    cmpl $0x11111111, %ebx\n"
        "    je 1f\n"
        "    orl $1, %eax\n"
        "1:  cmpl $0x22222222, %esi\n"
        "    je 2f\n"
        "    orl $2, %eax\n"
        "2:  cmpl $0x33333333, %edi\n"
        "    je 3f\n"
        "    orl $4, %eax\n"
        "3:  cmpl $0x44444444, %ebp\n"
        "    je 4f\n"
        "    orl $8, %eax\n"
        "4:  cmpl _syscall_saved_esp, %esp\n"
        "    je 5f\n"
        "    orl $16, %eax\n"
        "    movl _syscall_saved_esp, %esp\n"
        "5:  testl $0x400, _syscall_flags\n"
        "    jnz 6f\n"
        "    orl $32, %eax\n"
        "6:  popl %edi\n"
        "    popl %esi\n"
        "    popl %ebx\n"
        "    popl %ebp\n"
        "    ret\n");

static void test_dispatch(void)
{
    begin();
    HANDLE e = rt_new_event(NotificationEvent, 0);
    uintptr_t close_args[1] = {(uintptr_t)e};

    /* Numbers past the table, including the second table's (0x1000: win32k's in NT). */
    const uint32_t unknown[] = {
        PAGODA_SERVICE_COUNT, PAGODA_SERVICE_COUNT + 1, 0x0FFF, 0x1000, 0x1001, 0x80000000u,
        0xFFFFFFFFu};
    for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
        if (raw_syscall(unknown[i], (uintptr_t)close_args) != STATUS_INVALID_SYSTEM_SERVICE)
            FAIL("service 0x%X did not return STATUS_INVALID_SYSTEM_SERVICE", unknown[i]);

    /* The argument pointer is a user pointer like any other. */
    uintptr_t p;
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(raw_syscall(PAGODA_SERVICE_NtClose, p), STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(raw_syscall(PAGODA_SERVICE_NtDuplicateObject, p), STATUS_ACCESS_VIOLATION);
    }
    end_pointer();
    /* Seven arguments starting 4 bytes before the end of the readable shared page. */
    CHECK_STATUS(raw_syscall(PAGODA_SERVICE_NtDuplicateObject, READ_ONLY + 4096 - 4),
                 STATUS_ACCESS_VIOLATION);
    /* The raw path works with good arguments (and the event survived the attempts above). */
    CHECK_STATUS(raw_syscall(PAGODA_SERVICE_NtClose, (uintptr_t)close_args), STATUS_SUCCESS);
    /* Regression (found by the fuzzer): an argument block at a misaligned address, as a caller
     * with a misaligned ESP has, is copied like any other (NT's dispatcher checks only that it is
     * in user space); Pagoda returned STATUS_DATATYPE_MISALIGNMENT without calling the service. */
    HANDLE e2 = rt_new_event(NotificationEvent, 0);
    uint8_t *odd = scratch.b + 1;
    memcpy(odd, &e2, sizeof e2);
    CHECK_STATUS(raw_syscall(PAGODA_SERVICE_NtClose, (uintptr_t)odd), STATUS_SUCCESS);

    /* Registers: preserved across a call, a failed call and an unknown service; DF set by the
     * caller neither confuses the kernel (its copies run forwards) nor is lost. */
    struct {
        uint32_t before;
        LARGE_INTEGER_QUAD time;
        uint32_t after;
    } guarded = {0xA5A5A5A5, 0, 0x5A5A5A5A};
    uintptr_t time_args[1] = {(uintptr_t)&guarded.time};
    CHECK_EQ(syscall_clobbers(PAGODA_SERVICE_NtQuerySystemTime, time_args), 0);
    CHECK_STATUS(syscall_status, STATUS_SUCCESS);
    CHECK(guarded.time != 0);
    CHECK_EQ(guarded.before, 0xA5A5A5A5);
    CHECK_EQ(guarded.after, 0x5A5A5A5A);
    CHECK_EQ(syscall_clobbers(PAGODA_SERVICE_NtClose, (const void *)0xC0100000u), 0);
    CHECK_STATUS(syscall_status, STATUS_ACCESS_VIOLATION);
    CHECK_EQ(syscall_clobbers(PAGODA_SERVICE_COUNT, time_args), 0);
    CHECK_STATUS(syscall_status, STATUS_INVALID_SYSTEM_SERVICE);
}

/* ---- display ---- */
static void test_display(void)
{
    begin();
    uintptr_t p;
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(NtDisplayString((const UNICODE_STRING *)p), STATUS_ACCESS_VIOLATION);
        UNICODE_STRING us = {2, 2, (WCHAR *)p};
        CHECK_STATUS(NtDisplayString(&us), STATUS_ACCESS_VIOLATION);
    }
    end_pointer();
    UNICODE_STRING empty = {0, 0, NULL};
    CHECK_STATUS(NtDisplayString(&empty), STATUS_SUCCESS);
    /* Characters must be 2-byte aligned; a length must stay in user space. */
    UNICODE_STRING odd = {2, 2, (WCHAR *)(scratch.b + 1)};
    CHECK_STATUS(NtDisplayString(&odd), STATUS_DATATYPE_MISALIGNMENT);
    UNICODE_STRING high = {0xFFFE, 0xFFFE, (WCHAR *)0x7FFEF000u};
    CHECK_STATUS(NtDisplayString(&high), STATUS_ACCESS_VIOLATION);
    UNICODE_STRING wrap = {0x200, 0x200, (WCHAR *)0xFFFFFF00u};
    CHECK_STATUS(NtDisplayString(&wrap), STATUS_ACCESS_VIOLATION);
}

/* ---- handles: NtDuplicateObject, NtQueryObject ---- */
static void test_handles(void)
{
    begin();
    HANDLE e = rt_new_event(NotificationEvent, 0), cur = NtCurrentProcess();
    uintptr_t p;
    FOR_BAD(p, NOT_NULL)
    {
        with_pointer(p);
        CHECK_STATUS(NtDuplicateObject(cur, e, cur, (HANDLE *)p, 0, 0, DUPLICATE_SAME_ACCESS),
                     STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtQueryObject(e, ObjectBasicInformation, (void *)p,
                                   sizeof(OBJECT_BASIC_INFORMATION), NULL),
                     STATUS_ACCESS_VIOLATION);
        OBJECT_BASIC_INFORMATION info;
        CHECK_STATUS(NtQueryObject(e, ObjectBasicInformation, &info, sizeof info, (uint32_t *)p),
                     STATUS_ACCESS_VIOLATION);
    }
    with_pointer(0);
    CHECK_STATUS(
        NtQueryObject(e, ObjectBasicInformation, NULL, sizeof(OBJECT_BASIC_INFORMATION), NULL),
        STATUS_ACCESS_VIOLATION);
    with_pointer(READ_ONLY);
    CHECK_STATUS(NtDuplicateObject(cur, e, cur, (HANDLE *)READ_ONLY, 0, 0, DUPLICATE_SAME_ACCESS),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtQueryObject(e, ObjectBasicInformation, (void *)READ_ONLY,
                               sizeof(OBJECT_BASIC_INFORMATION), NULL),
                 STATUS_ACCESS_VIOLATION);
    end_pointer();
    CHECK_EQ(handle_count(e), 1); /* no failed duplicate left a handle */

    /* A misaligned HANDLE output works (no alignment check for it on x86). */
    HANDLE d = NULL;
    CHECK_STATUS(
        NtDuplicateObject(cur, e, cur, (HANDLE *)(scratch.b + 1), 0, 0, DUPLICATE_SAME_ACCESS),
        STATUS_SUCCESS);
    memcpy(&d, scratch.b + 1, sizeof d);
    CHECK_EQ(handle_count(e), 2);
    CHECK_STATUS(NtClose(d), STATUS_SUCCESS);

    /* The query buffer must be aligned; its ReturnLength need not be. */
    CHECK_STATUS(NtQueryObject(e, ObjectBasicInformation, scratch.b + 2,
                               sizeof(OBJECT_BASIC_INFORMATION), NULL),
                 STATUS_DATATYPE_MISALIGNMENT);
    OBJECT_BASIC_INFORMATION info;
    uint32_t length = 0;
    CHECK_STATUS(
        NtQueryObject(e, ObjectBasicInformation, &info, sizeof info, (uint32_t *)(scratch.b + 1)),
        STATUS_SUCCESS);
    memcpy(&length, scratch.b + 1, sizeof length);
    CHECK_EQ(length, sizeof info);
    /* A zero-length buffer is not probed: any address gives the length error. */
    CHECK_STATUS(NtQueryObject(e, ObjectBasicInformation, scratch.b + 1, 0, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtQueryObject(e, ObjectBasicInformation, NULL, 0, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    /* Lengths that run out of user space. */
    CHECK_STATUS(NtQueryObject(e, ObjectTypeInformation, scratch.b, 0xFFFFFFF0u, NULL),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtQueryObject(e, ObjectNameInformation, scratch.b, 0xC0000000u, NULL),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtClose(e), STATUS_SUCCESS);
}

/* ---- waits ---- */
static void test_waits(void)
{
    begin();
    HANDLE e = rt_new_event(NotificationEvent, 0), sig = rt_new_event(SynchronizationEvent, 0);
    HANDLE handles[1] = {e};
    uintptr_t p;
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(NtWaitForMultipleObjects(1, (const HANDLE *)p, WaitAny, 0, &zero_timeout),
                     STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtDelayExecution(0, (const LARGE_INTEGER_QUAD *)p), STATUS_ACCESS_VIOLATION);
        if (p == 0)
            continue; /* a NULL timeout means "no timeout" */
        const LARGE_INTEGER_QUAD *timeout = (const LARGE_INTEGER_QUAD *)p;
        CHECK_STATUS(NtWaitForSingleObject(e, 0, timeout), STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtWaitForMultipleObjects(1, handles, WaitAny, 0, timeout),
                     STATUS_ACCESS_VIOLATION);
        /* The timeout is captured before anything is signaled. */
        CHECK_STATUS(NtSignalAndWaitForSingleObject(sig, e, 0, timeout), STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(rt_poll(sig), STATUS_TIMEOUT);
    }
    end_pointer();

    /* Timeouts need no alignment; the handle array and the delay interval need 4 bytes. */
    LARGE_INTEGER_QUAD zero = 0;
    memcpy(scratch.b + 1, &zero, sizeof zero);
    CHECK_STATUS(NtWaitForSingleObject(e, 0, (const LARGE_INTEGER_QUAD *)(scratch.b + 1)),
                 STATUS_TIMEOUT);
    memcpy(scratch.b + 2, &e, sizeof e);
    CHECK_STATUS(
        NtWaitForMultipleObjects(1, (const HANDLE *)(scratch.b + 2), WaitAny, 0, &zero_timeout),
        STATUS_DATATYPE_MISALIGNMENT);
    LARGE_INTEGER_QUAD short_delay = -1;
    memcpy(scratch.b + 2, &short_delay, sizeof short_delay);
    CHECK_STATUS(NtDelayExecution(0, (const LARGE_INTEGER_QUAD *)(scratch.b + 2)),
                 STATUS_DATATYPE_MISALIGNMENT);
    memcpy(scratch.b + 4, &short_delay, sizeof short_delay);
    CHECK_STATUS(NtDelayExecution(0, (const LARGE_INTEGER_QUAD *)(scratch.b + 4)), STATUS_SUCCESS);
    /* A handle array that runs into unmapped memory. */
    CHECK_STATUS(NtWaitForMultipleObjects(2, (const HANDLE *)(READ_ONLY + 4096 - 4), WaitAny, 0,
                                          &zero_timeout),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtClose(e), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(sig), STATUS_SUCCESS);
}

/* ---- events (and the object attributes every create and open reads) ---- */
static void test_events(void)
{
    begin();
    static const char name[] = BNO "PagodaPointersEvent";
    struct rt_name n;
    HANDLE h = NULL, x = NULL;
    uintptr_t p;

    /* A bad output pointer: no event is created, so the name stays free. */
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(NtCreateEvent((HANDLE *)p, EVENT_ALL_ACCESS, rt_named(&n, name, 0),
                                   NotificationEvent, 0),
                     STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, rt_named(&n, name, 0)),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    }
    with_pointer(READ_ONLY);
    CHECK_STATUS(NtCreateEvent((HANDLE *)READ_ONLY, EVENT_ALL_ACCESS, rt_named(&n, name, 0),
                               NotificationEvent, 0),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, rt_named(&n, name, 0)),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    end_pointer();

    /* A misaligned HANDLE output works. */
    CHECK_STATUS(NtCreateEvent((HANDLE *)(scratch.b + 1), EVENT_ALL_ACCESS, rt_named(&n, name, 0),
                               NotificationEvent, 0),
                 STATUS_SUCCESS);
    memcpy(&h, scratch.b + 1, sizeof h);
    CHECK_EQ(handle_count(h), 1);

    /* Opening with a bad output pointer makes no handle. */
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(NtOpenEvent((HANDLE *)p, EVENT_ALL_ACCESS, rt_named(&n, name, 0)),
                     STATUS_ACCESS_VIOLATION);
    }
    end_pointer();
    CHECK_EQ(handle_count(h), 1);

    /* OBJECT_ATTRIBUTES: the structure, the name descriptor, the characters. */
    FOR_BAD(p, NOT_NULL)
    {
        with_pointer(p);
        CHECK_STATUS(
            NtCreateEvent(&x, EVENT_ALL_ACCESS, (const OBJECT_ATTRIBUTES *)p, NotificationEvent, 0),
            STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, (const OBJECT_ATTRIBUTES *)p),
                     STATUS_ACCESS_VIOLATION);
        OBJECT_ATTRIBUTES *oa = rt_named(&n, name, 0);
        oa->ObjectName = (UNICODE_STRING *)p;
        CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, oa), STATUS_ACCESS_VIOLATION);
        oa = rt_named(&n, name, 0);
        n.string.Buffer = (WCHAR *)p;
        CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, oa), STATUS_ACCESS_VIOLATION);
    }
    end_pointer();
    OBJECT_ATTRIBUTES *oa = rt_named(&n, name, 0);
    memcpy(scratch.b + 2, oa, sizeof *oa);
    CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, (const OBJECT_ATTRIBUTES *)(scratch.b + 2)),
                 STATUS_DATATYPE_MISALIGNMENT);
    memcpy(scratch.b + 1, n.chars, n.string.Length);
    n.string.Buffer = (WCHAR *)(scratch.b + 1);
    CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, oa), STATUS_DATATYPE_MISALIGNMENT);
    oa = rt_named(&n, name, 0);
    n.string.Buffer = NULL;
    CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, oa), STATUS_ACCESS_VIOLATION);
    oa = rt_named(&n, name, 0);
    n.string.Buffer = (WCHAR *)0x7FFEF000u;
    n.string.Length = n.string.MaximumLength = 0xFFFE;
    CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, oa), STATUS_ACCESS_VIOLATION);
    CHECK_EQ(handle_count(h), 1);

    /* PreviousState: optional, probed before the event changes, no alignment check. */
    FOR_BAD(p, NOT_NULL)
    {
        with_pointer(p);
        CHECK_STATUS(NtSetEvent(h, (int32_t *)p), STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(rt_poll(h), STATUS_TIMEOUT);
    }
    with_pointer(READ_ONLY);
    CHECK_STATUS(NtSetEvent(h, (int32_t *)READ_ONLY), STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(rt_poll(h), STATUS_TIMEOUT);
    end_pointer();
    CHECK_STATUS(NtSetEvent(h, (int32_t *)(scratch.b + 1)), STATUS_SUCCESS);
    int32_t previous = -1;
    memcpy(&previous, scratch.b + 1, sizeof previous);
    CHECK_EQ(previous, 0);
    FOR_BAD(p, NOT_NULL)
    {
        with_pointer(p);
        CHECK_STATUS(NtResetEvent(h, (int32_t *)p), STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(rt_poll(h), STATUS_SUCCESS);
    }
    end_pointer();
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
}

/* ---- semaphores ---- */
static void test_semaphores(void)
{
    begin();
    static const char name[] = BNO "PagodaPointersSemaphore";
    struct rt_name n;
    HANDLE s = NULL, x = NULL;
    uintptr_t p;
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(
            NtCreateSemaphore((HANDLE *)p, SEMAPHORE_ALL_ACCESS, rt_named(&n, name, 0), 0, 1),
            STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtOpenSemaphore(&x, SEMAPHORE_ALL_ACCESS, rt_named(&n, name, 0)),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    }
    end_pointer();
    CHECK_STATUS(NtCreateSemaphore(&s, SEMAPHORE_ALL_ACCESS, rt_named(&n, name, 0), 0, 5),
                 STATUS_SUCCESS);
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(NtOpenSemaphore((HANDLE *)p, SEMAPHORE_ALL_ACCESS, rt_named(&n, name, 0)),
                     STATUS_ACCESS_VIOLATION);
        if (p == 0)
            continue;
        CHECK_STATUS(NtOpenSemaphore(&x, SEMAPHORE_ALL_ACCESS, (const OBJECT_ATTRIBUTES *)p),
                     STATUS_ACCESS_VIOLATION);
        /* The count is not released when PreviousCount cannot be written. */
        CHECK_STATUS(NtReleaseSemaphore(s, 1, (int32_t *)p), STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(rt_poll(s), STATUS_TIMEOUT);
    }
    with_pointer(READ_ONLY);
    CHECK_STATUS(NtReleaseSemaphore(s, 1, (int32_t *)READ_ONLY), STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(rt_poll(s), STATUS_TIMEOUT);
    end_pointer();
    CHECK_EQ(handle_count(s), 1);
    CHECK_STATUS(NtReleaseSemaphore(s, 2, (int32_t *)(scratch.b + 1)), STATUS_SUCCESS);
    int32_t previous = -1;
    memcpy(&previous, scratch.b + 1, sizeof previous);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(NtClose(s), STATUS_SUCCESS);
}

/* ---- mutants ---- */
static void test_mutants(void)
{
    begin();
    static const char name[] = BNO "PagodaPointersMutant";
    struct rt_name n;
    HANDLE m = NULL, x = NULL;
    uintptr_t p;
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(NtCreateMutant((HANDLE *)p, MUTANT_ALL_ACCESS, rt_named(&n, name, 0), 0),
                     STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtOpenMutant(&x, MUTANT_ALL_ACCESS, rt_named(&n, name, 0)),
                     STATUS_OBJECT_NAME_NOT_FOUND);
    }
    end_pointer();
    CHECK_STATUS(NtCreateMutant(&m, MUTANT_ALL_ACCESS, rt_named(&n, name, 0), 1), STATUS_SUCCESS);
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(NtOpenMutant((HANDLE *)p, MUTANT_ALL_ACCESS, rt_named(&n, name, 0)),
                     STATUS_ACCESS_VIOLATION);
        if (p == 0)
            continue;
        CHECK_STATUS(NtOpenMutant(&x, MUTANT_ALL_ACCESS, (const OBJECT_ATTRIBUTES *)p),
                     STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtReleaseMutant(m, (int32_t *)p), STATUS_ACCESS_VIOLATION);
    }
    end_pointer();
    CHECK_EQ(handle_count(m), 1);
    /* Still owned exactly once: the failed releases released nothing. */
    CHECK_STATUS(NtReleaseMutant(m, (int32_t *)(scratch.b + 1)), STATUS_SUCCESS);
    int32_t previous = -1;
    memcpy(&previous, scratch.b + 1, sizeof previous);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(NtReleaseMutant(m, NULL), STATUS_MUTANT_NOT_OWNED);
    CHECK_STATUS(NtClose(m), STATUS_SUCCESS);
}

/* ---- threads: NtCreateThread, NtResumeThread ---- */
static volatile uint32_t thread_ran;

static NTSTATUS note_run(void *arg)
{
    (void)arg;
    thread_ran++;
    return 0;
}

static void test_threads(void)
{
    begin();
    CONTEXT context;
    INITIAL_TEB teb;
    HANDLE h = NULL, cur = NtCurrentProcess();
    CLIENT_ID cid;
    memset(&teb, 0, sizeof teb);
    rt_init_thread_context(&context, note_run, NULL);
    thread_ran = 0;
    uintptr_t p;
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(
            NtCreateThread((HANDLE *)p, THREAD_ALL_ACCESS, NULL, cur, &cid, &context, &teb, 0),
            STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, cur, &cid, &context,
                                    (const INITIAL_TEB *)p, 0),
                     STATUS_ACCESS_VIOLATION);
        if (p == 0)
            continue; /* CLIENT_ID is optional, a NULL context is STATUS_INVALID_PARAMETER */
        CHECK_STATUS(
            NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, cur, (CLIENT_ID *)p, &context, &teb, 0),
            STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(
            NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, cur, &cid, (const CONTEXT *)p, &teb, 0),
            STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, (const OBJECT_ATTRIBUTES *)p, cur, &cid,
                                    &context, &teb, 0),
                     STATUS_ACCESS_VIOLATION);
    }
    with_pointer(READ_ONLY);
    CHECK_STATUS(
        NtCreateThread((HANDLE *)READ_ONLY, THREAD_ALL_ACCESS, NULL, cur, &cid, &context, &teb, 0),
        STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(
        NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, cur, (CLIENT_ID *)READ_ONLY, &context, &teb, 0),
        STATUS_ACCESS_VIOLATION);
    end_pointer();
    /* CONTEXT, INITIAL_TEB and CLIENT_ID must be 4-byte aligned. */
    memcpy(scratch.b + 2, &context, sizeof context);
    CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, cur, &cid,
                                (const CONTEXT *)(scratch.b + 2), &teb, 0),
                 STATUS_DATATYPE_MISALIGNMENT);
    memcpy(scratch.b + 2, &teb, sizeof teb);
    CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, cur, &cid, &context,
                                (const INITIAL_TEB *)(scratch.b + 2), 0),
                 STATUS_DATATYPE_MISALIGNMENT);
    CHECK_STATUS(NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, cur, (CLIENT_ID *)(scratch.b + 2),
                                &context, &teb, 0),
                 STATUS_DATATYPE_MISALIGNMENT);
    rt_sleep_ms(30);
    CHECK_EQ(thread_ran, 0); /* no failed call started a thread */

    /* A misaligned HANDLE output works; the thread starts suspended for the next checks. */
    CHECK_STATUS(NtCreateThread((HANDLE *)(scratch.b + 1), THREAD_ALL_ACCESS, NULL, cur, NULL,
                                &context, &teb, 1),
                 STATUS_SUCCESS);
    memcpy(&h, scratch.b + 1, sizeof h);
    /* NtResumeThread probes its output first: a bad one resumes nothing. */
    FOR_BAD(p, NOT_NULL)
    {
        with_pointer(p);
        CHECK_STATUS(NtResumeThread(h, (uint32_t *)p), STATUS_ACCESS_VIOLATION);
    }
    end_pointer();
    rt_sleep_ms(30);
    CHECK_EQ(thread_ran, 0);
    uint32_t previous = 99;
    CHECK_STATUS(NtResumeThread(h, (uint32_t *)(scratch.b + 1)), STATUS_SUCCESS);
    memcpy(&previous, scratch.b + 1, sizeof previous);
    CHECK_EQ(previous, 1);
    LARGE_INTEGER_QUAD five_seconds = RT_RELATIVE_MS(5000);
    CHECK_STATUS(NtWaitForSingleObject(h, 0, &five_seconds), STATUS_SUCCESS);
    CHECK_EQ(thread_ran, 1);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
}

/* ---- info: NtQueryInformationProcess, NtQueryInformationThread ---- */
static void test_info(void)
{
    begin();
    PROCESS_BASIC_INFORMATION pbi;
    THREAD_BASIC_INFORMATION tbi;
    HANDLE process = NtCurrentProcess(), thread = NtCurrentThread();
    uintptr_t p;
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(NtQueryInformationProcess(process, ProcessBasicInformation, (void *)p,
                                               sizeof pbi, NULL),
                     STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(
            NtQueryInformationThread(thread, ThreadBasicInformation, (void *)p, sizeof tbi, NULL),
            STATUS_ACCESS_VIOLATION);
        if (p == 0)
            continue;
        CHECK_STATUS(NtQueryInformationProcess(process, ProcessBasicInformation, &pbi, sizeof pbi,
                                               (uint32_t *)p),
                     STATUS_ACCESS_VIOLATION);
        CHECK_STATUS(NtQueryInformationThread(thread, ThreadBasicInformation, &tbi, sizeof tbi,
                                              (uint32_t *)p),
                     STATUS_ACCESS_VIOLATION);
    }
    with_pointer(READ_ONLY);
    CHECK_STATUS(NtQueryInformationProcess(process, ProcessBasicInformation, (void *)READ_ONLY,
                                           sizeof pbi, NULL),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtQueryInformationThread(thread, ThreadBasicInformation, (void *)READ_ONLY,
                                          sizeof tbi, NULL),
                 STATUS_ACCESS_VIOLATION);
    end_pointer();
    /* Aligned buffers; ReturnLength without alignment. */
    CHECK_STATUS(NtQueryInformationProcess(process, ProcessBasicInformation, scratch.b + 2,
                                           sizeof pbi, NULL),
                 STATUS_DATATYPE_MISALIGNMENT);
    CHECK_STATUS(
        NtQueryInformationThread(thread, ThreadBasicInformation, scratch.b + 2, sizeof tbi, NULL),
        STATUS_DATATYPE_MISALIGNMENT);
    uint32_t length = 0;
    CHECK_STATUS(NtQueryInformationThread(thread, ThreadBasicInformation, &tbi, sizeof tbi,
                                          (uint32_t *)(scratch.b + 1)),
                 STATUS_SUCCESS);
    memcpy(&length, scratch.b + 1, sizeof length);
    CHECK_EQ(length, sizeof tbi);
    /* Lengths past user space are probed before the length is compared with the class's. */
    CHECK_STATUS(
        NtQueryInformationProcess(process, ProcessBasicInformation, &pbi, 0xFFFFFFF0u, NULL),
        STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtQueryInformationThread(thread, ThreadBasicInformation, &tbi, 0xC0000000u, NULL),
                 STATUS_ACCESS_VIOLATION);
}

/* ---- time ---- */
static void test_time(void)
{
    begin();
    uintptr_t p;
    FOR_BAD(p, 0)
    {
        with_pointer(p);
        CHECK_STATUS(NtQuerySystemTime((LARGE_INTEGER_QUAD *)p), STATUS_ACCESS_VIOLATION);
    }
    with_pointer(READ_ONLY);
    CHECK_STATUS(NtQuerySystemTime((LARGE_INTEGER_QUAD *)READ_ONLY), STATUS_ACCESS_VIOLATION);
    end_pointer();
    /* NT probes the output with 4-byte alignment. */
    CHECK_STATUS(NtQuerySystemTime((LARGE_INTEGER_QUAD *)(scratch.b + 2)),
                 STATUS_DATATYPE_MISALIGNMENT);
    LARGE_INTEGER_QUAD t = 0;
    CHECK_STATUS(NtQuerySystemTime((LARGE_INTEGER_QUAD *)(scratch.b + 4)), STATUS_SUCCESS);
    memcpy(&t, scratch.b + 4, sizeof t);
    CHECK(t != 0);
}

static const struct rt_subtest tests[] = {
    {"dispatch", test_dispatch}, {"display", test_display}, {"handles", test_handles},
    {"waits", test_waits},       {"events", test_events},   {"semaphores", test_semaphores},
    {"mutants", test_mutants},   {"threads", test_threads}, {"info", test_info},
    {"time", test_time},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
