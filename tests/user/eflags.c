/* tests/user/eflags.c: what a system call does to the caller's EFLAGS, through int 0x2E and through
 * sysenter, each entered directly (SharedUserData->SystemCall uses one of them). The flags come
 * back as the caller had them, NT included, as on NT; NT set on the way in neither stays on in the
 * kernel nor follows into another thread; a caller that single-steps into a call gets its trap
 * after the call. docs/user-mode.md section 1 has the contract.
 *
 * Sub-tests (argv[1]): int2e_flags int2e_nt_switch sysenter_flags sysenter_nt_switch
 * sysenter_null_ds. The sysenter ones need a kernel that set sysenter up (the kernel test asks for
 * them only then). Two more run only when named, because they end the process: int2e_single_step
 * and sysenter_single_step set the named event EFLAGS_EVENT_NAME (which the kernel test created) in
 * a call made with TF set; the single-step trap after the call must then end the process with
 * STATUS_SINGLE_STEP. */
#include "pagoda/services.h"
#include "user/rt/rt.h"

#define EFLAGS_EVENT_NAME "\\BaseNamedObjects\\PagodaEflagsSingleStep"

#define EFLAGS_CF  0x00000001u
#define EFLAGS_ONE 0x00000002u /* always one */
#define EFLAGS_TF  0x00000100u
#define EFLAGS_IF  0x00000200u
#define EFLAGS_NT  0x00004000u
#define EFLAGS_ID  0x00200000u

enum path { PATH_INT2E, PATH_SYSENTER };

/* NTSTATUS flags_call(uint32_t number, const uint32_t args[2], uint32_t eflags, enum path path):
 * calls service `number` with two arguments and EFLAGS = eflags (what popfd lets CPL 3 set) at the
 * int 0x2e or sysenter instruction itself, and stores the flags seen right after the call in
 * flags_after. For sysenter the stack is laid out as KiFastSystemCall's caller lays it out: EDX =
 * ESP, [EDX] = where KiFastSystemCallRet returns to, [EDX + 4] = a return address (here a dummy),
 * the arguments at EDX + 8. The caller's flags are restored before it returns. */
NTSTATUS flags_call(uint32_t number, const uint32_t *args, uint32_t eflags, enum path path);
uint32_t flags_after;
__asm__(".text\n"
        ".globl _flags_call\n"
        "_flags_call:\n"
        "    pushl %ebp\n"
        "    movl %esp, %ebp\n"
        "    pushfl\n" /* the C code's flags, for after the call */
        "    movl 12(%ebp), %ecx\n"
        "    pushl 4(%ecx)\n"
        "    pushl 0(%ecx)\n"
        "    movl 8(%ebp), %eax\n"
        "    cmpl $0, 20(%ebp)\n"
        "    jne 1f\n"
        "    movl %esp, %edx\n"
        "    pushl 16(%ebp)\n"
        "    popfl\n"
        "    int $0x2e\n"
        "    pushfl\n"
        "    popl _flags_after\n"
        "    jmp 3f\n"
        "1:  pushl $0\n"
        "    call 2f\n" /* KiFastSystemCallRet returns here */
        "    pushfl\n"
        "    popl _flags_after\n"
        "    leal 4(%esp), %esp\n"
        "    jmp 3f\n"
        "2:  movl %esp, %edx\n"
        "    pushl 16(%ebp)\n"
        "    popfl\n"
        "    sysenter\n"
        "3:  leal 8(%esp), %esp\n"
        "    popfl\n"
        "    popl %ebp\n"
        "    ret\n");

/* NTSTATUS null_ds_call(uint32_t number): a sysenter with DS and ES null (0); stores the DS the
 * call returned with in ds_after, then reloads DS and ES with the user data selector. */
NTSTATUS null_ds_call(uint32_t number);
uint32_t ds_after;
__asm__(".text\n"
        ".globl _null_ds_call\n"
        "_null_ds_call:\n"
        "    movl 4(%esp), %eax\n"
        "    pushl $0\n"
        "    call 1f\n" /* KiFastSystemCallRet returns here */
        "    movl %ds, %ecx\n"
        "    movl %ss, %edx\n"
        "    movl %edx, %ds\n"
        "    movl %edx, %es\n"
        "    movl %ecx, _ds_after\n"
        "    leal 4(%esp), %esp\n"
        "    ret\n"
        "1:  movl %esp, %edx\n"
        "    xorl %ecx, %ecx\n"
        "    movl %ecx, %ds\n"
        "    movl %ecx, %es\n"
        "    sysenter\n");

static const uint32_t no_args[2];

/* Can popfd set ID? Only on a CPU with CPUID. */
static bool id_settable(void)
{
    uint32_t flags;
    __asm__ volatile("pushfl\n\t"
                     "pushl $0x00200202\n\t"
                     "popfl\n\t"
                     "pushfl\n\t"
                     "popl %0\n\t"
                     "popfl"
                     : "=r"(flags)
                     :
                     : "cc");
    return (flags & EFLAGS_ID) != 0;
}

static void check_one(enum path path, uint32_t in, uint32_t out)
{
    flags_after = 0;
    CHECK_STATUS(flags_call(PAGODA_SERVICE_NtTestAlert, no_args, in, path), STATUS_SUCCESS);
    if (flags_after != out)
        FAIL("EFLAGS %08x in: %08x came back, expected %08x", in, flags_after, out);
}

/* What popfd at CPL 3 (IOPL 0) can set and the call must give back: the arithmetic flags, DF, AC,
 * ID; IF cannot be cleared, IOPL not raised; NT comes back too. The sysenter exit takes one road
 * when only arithmetic flags differ from the kernel's and another for DF and AC: both are
 * covered. */
static void check_flags(enum path path)
{
    static const struct {
        uint32_t in, out;
    } cases[] = {
        {0x00000ED7, 0x00000ED7}, /* OF DF IF SF ZF AF PF CF */
        {0x00000202, 0x00000202}, /* none: the kernel's own flags must not show */
        {0x00000AD7, 0x00000AD7}, /* DF clear */
        {0x00040602, 0x00040602}, /* AC DF */
        {0x00004ED7, 0x00004ED7}, /* NT */
        {0x00004202, 0x00004202}, /* NT alone */
        {0x00003ED7, 0x00000ED7}, /* IOPL 3: popfd at CPL 3 ignores it */
        {0x000000D7, 0x000002D7}, /* IF 0: popfd at IOPL 0 ignores it */
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        check_one(path, cases[i].in, cases[i].out);
    if (id_settable()) {
        check_one(path, EFLAGS_ID | 0x00000AD7, EFLAGS_ID | 0x00000AD7);
        check_one(path, EFLAGS_ID | 0x00000ED7, EFLAGS_ID | 0x00000ED7);
        check_one(path, EFLAGS_ID | EFLAGS_NT | 0x00000AD7, EFLAGS_ID | EFLAGS_NT | 0x00000AD7);
    }
}

static void int2e_flags(void) { check_flags(PATH_INT2E); }
static void sysenter_flags(void) { check_flags(PATH_SYSENTER); }

static volatile uint32_t switched_in;

static NTSTATUS note_run(void *arg)
{
    (void)arg;
    switched_in = 1;
    return 0x1234;
}

/* A yield with NT set that switches to a thread that never ran: that thread's first return to user
 * mode (into ntdll's LdrInitializeThunk) is an iret, which with NT set would be a task return (#TS
 * in the kernel). The thread's routine runs after the loader's work, whose system calls may give
 * the processor back first (copyyield=1), so it is checked once the thread has ended. */
static void nt_switch(enum path path)
{
    HANDLE thread = NULL;
    switched_in = 0;
    if (!CHECK_STATUS(rt_create_thread_ex(note_run, NULL, 1, &thread, NULL), STATUS_SUCCESS))
        return;
    rt_wait_next_tick(); /* a fresh quantum: the yield below is what switches */
    CHECK_STATUS(NtResumeThread(thread, NULL), STATUS_SUCCESS);
    NTSTATUS status = flags_call(PAGODA_SERVICE_NtYieldExecution, no_args,
                                 EFLAGS_NT | EFLAGS_IF | EFLAGS_ONE | EFLAGS_CF, path);
    CHECK_STATUS(status, STATUS_SUCCESS); /* it switched */
    CHECK_EQ(flags_after, EFLAGS_NT | EFLAGS_IF | EFLAGS_ONE | EFLAGS_CF);
    CHECK_STATUS(rt_join(thread), 0x1234);
    CHECK_EQ(switched_in, 1);
}

static void int2e_nt_switch(void) { nt_switch(PATH_INT2E); }
static void sysenter_nt_switch(void) { nt_switch(PATH_SYSENTER); }

/* The entry must not read kernel data through the caller's DS. */
static void sysenter_null_ds(void)
{
    ds_after = 0xFFFF;
    CHECK_STATUS(null_ds_call(PAGODA_SERVICE_NtTestAlert), STATUS_SUCCESS);
    CHECK_EQ(ds_after, 0);
}

/* Sets the event in a call made with TF set; the process must not come back from the trap after
 * it. */
static void single_step(enum path path)
{
    struct rt_name name;
    HANDLE event = NULL;
    if (!CHECK_STATUS(NtOpenEvent(&event, EVENT_ALL_ACCESS, rt_named(&name, EFLAGS_EVENT_NAME, 0)),
                      STATUS_SUCCESS))
        return;
    uint32_t args[2] = {(uint32_t)(uintptr_t)event, 0};
    NTSTATUS status =
        flags_call(PAGODA_SERVICE_NtSetEvent, args, EFLAGS_TF | EFLAGS_IF | EFLAGS_ONE, path);
    FAIL("survived its single-step trap (the call returned %08x, EFLAGS %08x)", (uint32_t)status,
         flags_after);
}

static const struct rt_subtest subtests[] = {
    {"int2e_flags", int2e_flags},           {"int2e_nt_switch", int2e_nt_switch},
    {"sysenter_flags", sysenter_flags},     {"sysenter_nt_switch", sysenter_nt_switch},
    {"sysenter_null_ds", sysenter_null_ds},
};

int main(int argc, char **argv)
{
    rt_subtest = argc == 2 ? argv[1] : "";
    if (strcmp(rt_subtest, "int2e_single_step") == 0)
        single_step(PATH_INT2E);
    else if (strcmp(rt_subtest, "sysenter_single_step") == 0)
        single_step(PATH_SYSENTER);
    else
        return rt_run_subtests(argc, argv, subtests, ARRAY_SIZE(subtests));
    return (int)rt_failures;
}
