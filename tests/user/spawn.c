/* tests/user/spawn.c: a process starts another (NtCreateUserProcess, kernel/ps/spawn.c) and what a
 * process finds in its parameters. Sub-tests (none: all but the child modes):
 *   create         a child from a normalized block: its exit status, the handles, the client ID and
 *                  the create info; the child checks what it was given (`spawn child`)
 *   denormalized   the same from a block whose buffers are offsets
 *   suspended      THREAD_CREATE_FLAGS_CREATE_SUSPENDED: nothing runs until NtResumeThread
 *   errors         NT's statuses for a missing exe, a DLL, bad lists, flags and pointers
 * and the modes the kernel or a parent runs: `spawn child` (the parameters of create and
 * denormalized) and `spawn kernel_defaults` (those of a process the kernel starts: C:\ as the
 * current directory, the default environment, no standard handles). Exit status: failed checks. */
#include "pagoda/ntdll.h"
#include "user/rt/rt.h"

#define EXE_NT         "\\??\\C:\\Tests\\spawn.exe"
#define EXE_WIN32      "C:\\Tests\\spawn.exe"
#define CHILD_LINE     "spawn child \"two words\""
#define CHILD_CURDIR   "C:\\Tests\\"
#define CHILD_DLL_PATH "C:\\Tests;C:\\Windows\\System32"
#define STRING_MAX     96
#define CHILD_TIMEOUT  30000

/* ---- the child's side ---- */

static const PAGODA_PROCESS_PARAMETERS *own_parameters(void) { return rt_peb->ProcessParameters; }

/* Whether u holds exactly ascii. */
static bool equals(const UNICODE_STRING *u, const char *ascii)
{
    size_t n = strlen(ascii);
    if (u->Length != n * 2 || !u->Buffer || u->Buffer[n] != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (u->Buffer[i] != (WCHAR)(uint8_t)ascii[i])
            return false;
    return true;
}

/* The value of the NAME=VALUE string that starts with prefix, as ASCII (empty when missing). */
static void find_variable(const WCHAR *environment, const char *prefix, char *out, size_t max)
{
    size_t p = strlen(prefix);
    out[0] = 0;
    for (const WCHAR *s = environment; s && *s;) {
        size_t n = 0, i = 0;
        while (s[n])
            n++;
        while (i < p && s[i] == (WCHAR)(uint8_t)prefix[i])
            i++;
        if (i == p) {
            size_t k = 0;
            for (; k + 1 < max && s[p + k]; k++)
                out[k] = (char)s[p + k];
            out[k] = 0;
            return;
        }
        s += n + 1;
    }
}

static void check_layout(const PAGODA_PROCESS_PARAMETERS *pp)
{
    CHECK_EQ(pp->Flags & PROCESS_PARAMETERS_NORMALIZED, PROCESS_PARAMETERS_NORMALIZED);
    CHECK(pp->Length >= sizeof *pp && pp->MaximumLength >= pp->Length);
    CHECK(pp->CurrentDirectoryPath.MaximumLength >= 260 * 2); /* room to change it in place */
    MEMORY_BASIC_INFORMATION m;
    CHECK_STATUS(NtQueryVirtualMemory(NtCurrentProcess(), (void *)pp, MemoryBasicInformation, &m,
                                      sizeof m, NULL),
                 STATUS_SUCCESS);
    CHECK_EQ(m.Type, MEM_PRIVATE);
    CHECK_EQ(m.Protect, PAGE_READWRITE);
}

/* What create and denormalized give: checked by the child itself. */
static int child(int argc, char **argv)
{
    const PAGODA_PROCESS_PARAMETERS *pp = own_parameters();
    char value[64];
    rt_subtest = "child";
    check_layout(pp);
    CHECK(equals(&pp->ImagePathName, EXE_WIN32));
    CHECK(equals(&pp->CommandLine, CHILD_LINE));
    CHECK(equals(&pp->CurrentDirectoryPath, CHILD_CURDIR));
    CHECK(equals(&pp->DllPath, CHILD_DLL_PATH));
    CHECK(equals(&pp->WindowTitle, "spawned"));
    CHECK_EQ(argc, 3);
    CHECK(argc == 3 && strcmp(argv[2], "two words") == 0);
    find_variable(pp->Environment, "PAGODA_SPAWN=", value, sizeof value);
    CHECK(strcmp(value, "yes") == 0);
    find_variable(pp->Environment, "SECOND=", value, sizeof value);
    CHECK(strcmp(value, "2") == 0);
    /* StandardInput was an event of the parent's: the child has its own handle to it. */
    CHECK(pp->StandardInput != NULL);
    CHECK_STATUS(NtSetEvent(pp->StandardInput, NULL), STATUS_SUCCESS);
    CHECK(pp->StandardOutput == NULL); /* the parent's was no handle */
    CHECK(pp->StandardError == NULL);
    return (int)rt_failures;
}

/* A process the kernel starts (tests/kernel/ps_user.c): its defaults. */
static int kernel_defaults(void)
{
    const PAGODA_PROCESS_PARAMETERS *pp = own_parameters();
    char value[64];
    rt_subtest = "kernel_defaults";
    check_layout(pp);
    CHECK(equals(&pp->ImagePathName, EXE_WIN32));
    CHECK(equals(&pp->CommandLine, "spawn kernel_defaults"));
    CHECK(equals(&pp->CurrentDirectoryPath, "C:\\"));
    CHECK(equals(&pp->WindowTitle, EXE_WIN32));
    CHECK_EQ(pp->DllPath.Length, 0);
    find_variable(pp->Environment, "PATH=", value, sizeof value);
    CHECK(strcmp(value, "C:\\Windows\\System32;C:\\Windows") == 0);
    find_variable(pp->Environment, "SystemRoot=", value, sizeof value);
    CHECK(strcmp(value, "C:\\Windows") == 0);
    CHECK(pp->StandardInput == NULL && pp->StandardOutput == NULL && pp->StandardError == NULL);
    return (int)rt_failures;
}

/* ---- the parent's side ---- */

static WCHAR image_name[STRING_MAX];
static const WCHAR environment[] = {'P', 'A', 'G', 'O', 'D', 'A', '_', 'S', 'P',
                                    'A', 'W', 'N', '=', 'y', 'e', 's', 0,   'S',
                                    'E', 'C', 'O', 'N', 'D', '=', '2', 0,   0};

struct request {
    PAGODA_PROCESS_PARAMETERS params;
    WCHAR strings[5][STRING_MAX];
    PS_ATTRIBUTE_LIST *list;
    uint8_t list_buffer[sizeof(uint32_t) + 2 * sizeof(PS_ATTRIBUTE)];
    CLIENT_ID cid;
    uint32_t cid_length;
    PS_CREATE_INFO info;
    HANDLE process, thread, event;
};

static void build_request(struct request *r, const char *image)
{
    if (r->event)
        NtClose(r->event);
    memset(r, 0, sizeof *r);
    PAGODA_PROCESS_PARAMETERS *p = &r->params;
    p->MaximumLength = p->Length = sizeof *p;
    p->Flags = PROCESS_PARAMETERS_NORMALIZED;
    rt_init_unicode(&p->ImagePathName, r->strings[0], STRING_MAX, EXE_WIN32);
    rt_init_unicode(&p->CommandLine, r->strings[1], STRING_MAX, CHILD_LINE);
    rt_init_unicode(&p->CurrentDirectoryPath, r->strings[2], STRING_MAX, CHILD_CURDIR);
    rt_init_unicode(&p->DllPath, r->strings[3], STRING_MAX, CHILD_DLL_PATH);
    rt_init_unicode(&p->WindowTitle, r->strings[4], STRING_MAX, "spawned");
    p->Environment = (void *)environment;
    r->event = rt_new_event(NotificationEvent, 0);
    p->StandardInput = r->event;
    p->StandardOutput = (HANDLE)(uintptr_t)0x7FF0; /* no handle */
    UNICODE_STRING name;
    rt_init_unicode(&name, image_name, STRING_MAX, image);
    r->list = (PS_ATTRIBUTE_LIST *)r->list_buffer;
    r->list->TotalLength = sizeof r->list_buffer;
    r->list->Attributes[0] = (PS_ATTRIBUTE){PS_ATTRIBUTE_IMAGE_NAME, name.Length, {0}, NULL};
    r->list->Attributes[0].ValuePtr = image_name;
    PS_ATTRIBUTE *cid = (PS_ATTRIBUTE *)(r->list_buffer + sizeof(uint32_t) + sizeof(PS_ATTRIBUTE));
    *cid = (PS_ATTRIBUTE){PS_ATTRIBUTE_CLIENT_ID, sizeof r->cid, {0}, &r->cid_length};
    cid->ValuePtr = &r->cid;
    r->info.Size = sizeof r->info;
}

static NTSTATUS create(struct request *r, const void *params, uint32_t thread_flags)
{
    return NtCreateUserProcess(&r->process, &r->thread, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, NULL,
                               NULL, 0, thread_flags, (PAGODA_PROCESS_PARAMETERS *)params, &r->info,
                               r->list);
}

/* Waits for the child; returns its exit status (STATUS_TIMEOUT if it did not end). */
static NTSTATUS finish(struct request *r)
{
    PROCESS_BASIC_INFORMATION pbi = {0};
    if (rt_wait_ms(r->process, CHILD_TIMEOUT) != STATUS_SUCCESS) {
        NtTerminateProcess(r->process, STATUS_TIMEOUT);
        rt_wait_ms(r->process, RT_INFINITE);
    }
    CHECK_STATUS(
        NtQueryInformationProcess(r->process, ProcessBasicInformation, &pbi, sizeof pbi, NULL),
        STATUS_SUCCESS);
    NtClose(r->thread);
    NtClose(r->process);
    NtClose(r->event);
    return pbi.ExitStatus;
}

static void check_created(struct request *r)
{
    PROCESS_BASIC_INFORMATION pbi = {0};
    THREAD_BASIC_INFORMATION tbi = {0};
    CHECK_STATUS(
        NtQueryInformationProcess(r->process, ProcessBasicInformation, &pbi, sizeof pbi, NULL),
        STATUS_SUCCESS);
    CHECK_STATUS(
        NtQueryInformationThread(r->thread, ThreadBasicInformation, &tbi, sizeof tbi, NULL),
        STATUS_SUCCESS);
    CHECK_EQ((uint32_t)(uintptr_t)r->cid.UniqueProcess, pbi.UniqueProcessId);
    CHECK(r->cid.UniqueThread == tbi.ClientId.UniqueThread);
    CHECK(tbi.ClientId.UniqueProcess == r->cid.UniqueProcess);
    CHECK_EQ(r->cid_length, sizeof r->cid);
    CHECK_EQ(r->info.State, PsCreateSuccess);
    CHECK_EQ((uint32_t)r->info.SuccessState.PebAddressNative,
             (uint32_t)(uintptr_t)pbi.PebBaseAddress);
}

static void test_create(void)
{
    static struct request r;
    build_request(&r, EXE_NT);
    if (!CHECK_STATUS(create(&r, &r.params, 0), STATUS_SUCCESS))
        return;
    check_created(&r);
    CHECK_STATUS(finish(&r), 0); /* the child's failed checks */
}

/* The same block laid out as RtlCreateProcessParameters leaves it: one piece, buffers as
 * offsets from its start; the environment stays a pointer. */
static void test_denormalized(void)
{
    static struct request r;
    static uint8_t block[sizeof(PAGODA_PROCESS_PARAMETERS) + 5 * STRING_MAX * 2];
    build_request(&r, EXE_NT);
    PAGODA_PROCESS_PARAMETERS *p = (PAGODA_PROCESS_PARAMETERS *)block;
    *p = r.params;
    p->Flags = 0;
    UNICODE_STRING *strings[] = {&p->ImagePathName, &p->CommandLine, &p->CurrentDirectoryPath,
                                 &p->DllPath, &p->WindowTitle};
    uint32_t offset = sizeof *p;
    for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
        memcpy(block + offset, strings[i]->Buffer, strings[i]->MaximumLength);
        strings[i]->Buffer = (WCHAR *)(uintptr_t)offset;
        offset += strings[i]->MaximumLength;
    }
    if (!CHECK_STATUS(create(&r, block, 0), STATUS_SUCCESS))
        return;
    CHECK_STATUS(finish(&r), 0);
}

static void test_suspended(void)
{
    static struct request r;
    uint32_t previous = 9;
    build_request(&r, EXE_NT);
    if (!CHECK_STATUS(create(&r, &r.params, THREAD_CREATE_FLAGS_CREATE_SUSPENDED), STATUS_SUCCESS))
        return;
    CHECK_STATUS(rt_wait_ms(r.process, 300), STATUS_TIMEOUT);
    CHECK_STATUS(rt_poll(r.event), STATUS_TIMEOUT); /* the child sets it: it has not run */
    CHECK_STATUS(NtResumeThread(r.thread, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 1);
    CHECK_STATUS(finish(&r), 0);
}

/* One call that must fail with expected, and leave State as state (-1: not looked at). */
static void expect(int line, struct request *r, const void *params, uint32_t process_flags,
                   uint32_t thread_flags, NTSTATUS expected, int state)
{
    r->info.State = PsCreateInitialState;
    r->process = r->thread = NULL;
    NTSTATUS status = NtCreateUserProcess(
        &r->process, &r->thread, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, NULL, NULL, process_flags,
        thread_flags, (PAGODA_PROCESS_PARAMETERS *)params, &r->info, r->list);
    if (status != expected)
        FAIL("case at line %d: NtCreateUserProcess returned 0x%08X, expected 0x%08X", line,
             (uint32_t)status, (uint32_t)expected);
    if (state >= 0 && r->info.State != (PS_CREATE_STATE)state)
        FAIL("case at line %d: State %d, expected %d", line, r->info.State, state);
    if (r->process || r->thread)
        FAIL("case at line %d: a handle was written", line);
}
#define EXPECT(r, params, pf, tf, status, state) expect(__LINE__, r, params, pf, tf, status, state)

/* An environment that runs into the end of its region without its empty last string. */
static WCHAR *unterminated_environment(void)
{
    void *base = NULL;
    uint32_t size = 0x1000;
    if (!CHECK_STATUS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                              MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
                      STATUS_SUCCESS))
        return NULL;
    WCHAR *chars = base;
    for (uint32_t i = 0; i < size / 2; i++)
        chars[i] = 'A';
    return chars;
}

static void test_errors(void)
{
    static struct request r;
    build_request(&r, "\\??\\C:\\Tests\\no_such_program.exe");
    EXPECT(&r, &r.params, 0, 0, STATUS_OBJECT_NAME_NOT_FOUND, PsCreateFailOnFileOpen);
    build_request(&r, "\\??\\C:\\Tests\\log.dll");
    EXPECT(&r, &r.params, 0, 0, STATUS_INVALID_IMAGE_FORMAT, PsCreateFailExeFormat);
    build_request(&r, EXE_NT);
    EXPECT(&r, NULL, 0, 0, STATUS_INVALID_PARAMETER, -1);
    EXPECT(&r, &r.params, PROCESS_CREATE_FLAGS_INHERIT_HANDLES, 0, STATUS_NOT_IMPLEMENTED, -1);
    EXPECT(&r, &r.params, 0x100, 0, STATUS_INVALID_PARAMETER, -1);
    EXPECT(&r, &r.params, 0, 0x80, STATUS_INVALID_PARAMETER, -1);
    r.info.Size = 64;
    EXPECT(&r, &r.params, 0, 0, STATUS_INVALID_PARAMETER, -1);
    r.info.Size = sizeof r.info;
    r.list->Attributes[1].Attribute = 0x6; /* PsAttributeImageInfo: not in the subset */
    EXPECT(&r, &r.params, 0, 0, STATUS_INVALID_PARAMETER, -1);
    r.list->Attributes[1].Attribute = PS_ATTRIBUTE_CLIENT_ID;
    r.list->TotalLength = 3;
    EXPECT(&r, &r.params, 0, 0, STATUS_INVALID_PARAMETER, -1);
    r.list->TotalLength = sizeof(uint32_t) + sizeof(PS_ATTRIBUTE); /* the name only */
    r.list->Attributes[0].Attribute = PS_ATTRIBUTE_CLIENT_ID; /* and now no name at all */
    EXPECT(&r, &r.params, 0, 0, STATUS_INVALID_PARAMETER, -1);
    build_request(&r, EXE_NT);
    r.params.CommandLine.Length = 3; /* odd */
    EXPECT(&r, &r.params, 0, 0, STATUS_INVALID_PARAMETER, -1);
    build_request(&r, EXE_NT);
    r.params.CommandLine.Buffer = (WCHAR *)0xC0000000u;
    EXPECT(&r, &r.params, 0, 0, STATUS_ACCESS_VIOLATION, -1);
    build_request(&r, EXE_NT);
    r.params.Environment = unterminated_environment();
    EXPECT(&r, &r.params, 0, 0, STATUS_ACCESS_VIOLATION, -1);
    void *environment_base = r.params.Environment;
    uint32_t size = 0;
    CHECK_STATUS(NtFreeVirtualMemory(NtCurrentProcess(), &environment_base, &size, MEM_RELEASE),
                 STATUS_SUCCESS);
    build_request(&r, EXE_NT);
    r.list->Attributes[1].ValuePtr = (void *)0x80000000u; /* the client ID's output */
    EXPECT(&r, &r.params, 0, 0, STATUS_ACCESS_VIOLATION, -1);
    build_request(&r, EXE_NT);
    CHECK_STATUS(NtCreateUserProcess((HANDLE *)0xFFFF0000u, &r.thread, PROCESS_ALL_ACCESS,
                                     THREAD_ALL_ACCESS, NULL, NULL, 0, 0, &r.params, &r.info,
                                     r.list),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtCreateUserProcess(&r.process, &r.thread, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS,
                                     NULL, NULL, 0, 0, &r.params, NULL, r.list),
                 STATUS_INVALID_PARAMETER);
    NtClose(r.event);
    r.event = NULL;
}

static const struct rt_subtest tests[] = {
    {"create", test_create},
    {"denormalized", test_denormalized},
    {"suspended", test_suspended},
    {"errors", test_errors},
};

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "child") == 0)
        return child(argc, argv);
    if (argc == 2 && strcmp(argv[1], "kernel_defaults") == 0)
        return kernel_defaults();
    return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests));
}
