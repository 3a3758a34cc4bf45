/* tests/win32/dllmain.c: DLLs loaded and unloaded at run time (LdrLoadDll, LdrUnloadDll): one
 * PROCESS_ATTACH however often a DLL is loaded, PROCESS_DETACH at the last unload, again after a
 * reload; THREAD_ATTACH/DETACH for threads while it is loaded; a DllMain that fails; lookups by
 * name and ordinal; each DLL once per process whatever it is called; the errors. Exit status:
 * failed checks. */
#include "tests/win32/common/log.h"
#include "tests/win32/common/win32.h"

static void expect_log(const char *expected, int line)
{
    if (strcmp(log_text(), expected) != 0)
        rt_fail(line, "the log is \"%s\", expected \"%s\"", log_text(), expected);
    log_clear();
}
#define EXPECT_LOG(s) expect_log(s, __LINE__)

static void counts(void)
{
    struct leak_state before;
    void *first = NULL, *second = NULL, *third = NULL;
    leak_snapshot(&before);
    log_clear();
    CHECK_STATUS(load_dll(NULL, "counter.dll", &first), STATUS_SUCCESS);
    EXPECT_LOG("counter:Ad ");
    CHECK_STATUS(load_dll(NULL, "COUNTER", &second), STATUS_SUCCESS); /* ".dll" added, any case */
    CHECK(first == second);
    EXPECT_LOG("");
    LDR_DATA_TABLE_ENTRY *e = module_entry(first);
    CHECK(e && e->LoadCount == 2);
    CHECK_STATUS(LdrUnloadDll(first), STATUS_SUCCESS);
    EXPECT_LOG("");
    CHECK(dll_handle("counter.dll") == first);
    CHECK_STATUS(LdrUnloadDll(first), STATUS_SUCCESS);
    EXPECT_LOG("counter:Dd ");
    CHECK(!dll_handle("counter.dll") && !module_entry(first));
    CHECK_STATUS(LdrUnloadDll(first), STATUS_DLL_NOT_FOUND);
    CHECK_STATUS(load_dll(NULL, "counter.dll", &third), STATUS_SUCCESS);
    EXPECT_LOG("counter:Ad ");
    CHECK_STATUS(LdrUnloadDll(third), STATUS_SUCCESS);
    EXPECT_LOG("counter:Dd ");
    leak_check(&before, "loading and unloading counter.dll");
}

static NTSTATUS thread_routine(void *arg)
{
    (void)arg;
    log_event("run");
    return 5;
}

static void run_thread(void)
{
    HANDLE t = rt_start_thread(thread_routine, NULL);
    if (t)
        CHECK_EQ(rt_join(t), 5);
}

static void threads(void)
{
    void *base = NULL;
    CHECK_STATUS(load_dll(NULL, "counter.dll", &base), STATUS_SUCCESS);
    log_clear();
    run_thread();
    EXPECT_LOG("counter:t run counter:T ");
    CHECK_STATUS(LdrDisableThreadCalloutsForDll(base), STATUS_SUCCESS);
    run_thread();
    EXPECT_LOG("run ");
    CHECK_STATUS(LdrUnloadDll(base), STATUS_SUCCESS);
    EXPECT_LOG("counter:Dd ");
    run_thread();
    EXPECT_LOG("run ");
}

static void init_fails(void)
{
    struct leak_state before;
    void *base = (void *)1;
    leak_snapshot(&before);
    log_clear();
    CHECK_STATUS(load_dll(NULL, "initfail.dll", &base), STATUS_DLL_INIT_FAILED);
    EXPECT_LOG("initfail:Ad "); /* no PROCESS_DETACH for a DLL whose attach failed */
    CHECK(!dll_handle("initfail.dll"));
    leak_check(&before, "initfail.dll's failed load");
}

/* nested.dll's DllMain loads counter.dll and unloads it at its own PROCESS_DETACH. */
static void nested(void)
{
    struct leak_state before;
    void *base = NULL;
    leak_snapshot(&before);
    log_clear();
    CHECK_STATUS(load_dll(NULL, "nested.dll", &base), STATUS_SUCCESS);
    EXPECT_LOG("nested:Ad counter:Ad ");
    CHECK(dll_handle("counter.dll") != NULL);
    CHECK_STATUS(LdrUnloadDll(base), STATUS_SUCCESS);
    EXPECT_LOG("nested:Dd counter:Dd ");
    CHECK(!dll_handle("counter.dll") && !dll_handle("nested.dll"));
    leak_check(&before, "nested.dll's load and unload");
}

static void procedures(void)
{
    void *base = NULL, *address = NULL;
    ANSI_STRING name;
    if (!CHECK_STATUS(load_dll(NULL, "counter.dll", &base), STATUS_SUCCESS))
        return;
    RtlInitAnsiString(&name, "counter_value");
    CHECK_STATUS(LdrGetProcedureAddress(base, &name, 0, &address), STATUS_SUCCESS);
    CHECK(address && ((int (*)(void))address)() == 0xC0);
    void *by_ordinal = NULL;
    CHECK_STATUS(LdrGetProcedureAddress(base, NULL, 2, &by_ordinal), STATUS_SUCCESS);
    CHECK(by_ordinal == address); /* ordinals follow the sorted names: counter_value is 2 */
    RtlInitAnsiString(&name, "no_such_export");
    CHECK_STATUS(LdrGetProcedureAddress(base, &name, 0, &address), STATUS_ENTRYPOINT_NOT_FOUND);
    CHECK_STATUS(LdrGetProcedureAddress(base, NULL, 99, &address), STATUS_ORDINAL_NOT_FOUND);
    CHECK_STATUS(LdrGetProcedureAddress(base, NULL, 0, &address), STATUS_ORDINAL_NOT_FOUND);
    CHECK_STATUS(LdrGetProcedureAddress((void *)0x12340000, &name, 0, &address),
                 STATUS_DLL_NOT_FOUND);
    CHECK_STATUS(LdrUnloadDll(base), STATUS_SUCCESS);
    log_clear();
}

/* log.dll is a static import: every name for it finds that one module. */
static void once_per_process(void)
{
    void *log = dll_handle("log.dll"), *base = NULL;
    CHECK(log != NULL);
    static const char *const names[] = {"LOG.DLL", "log", "C:\\Tests\\log.dll", "c:/tests/LOG.dll"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        base = NULL;
        CHECK_STATUS(load_dll(NULL, names[i], &base), STATUS_SUCCESS);
        if (base != log)
            FAIL("%s loaded at %p, log.dll is at %p", names[i], base, log);
    }
    CHECK(module_entry(log) && module_entry(log)->LoadCount == 0xFFFF);
}

static void errors(void)
{
    struct leak_state before;
    void *base = NULL, *reserved = (void *)0x11200000; /* fixed.dll's base */
    size_t size = 0x10000;
    leak_snapshot(&before);
    CHECK_STATUS(load_dll(NULL, "nosuch.dll", &base), STATUS_DLL_NOT_FOUND);
    CHECK_STATUS(load_dll("C:\\Nowhere;C:\\Tests\\Nested", "log.dll", &base), STATUS_SUCCESS);
    CHECK_STATUS(load_dll("C:\\Nowhere", "counter.dll", &base), STATUS_DLL_NOT_FOUND);
    CHECK_STATUS(load_dll(NULL, "", &base), STATUS_DLL_NOT_FOUND);
    CHECK_STATUS(load_dll(NULL, "C:\\Tests\\hello.txt", &base), STATUS_INVALID_IMAGE_FORMAT);
    CHECK_STATUS(load_dll(NULL, "hello.exe", &base), STATUS_SUCCESS); /* an exe loads, not run */
    CHECK_STATUS(LdrUnloadDll(base), STATUS_SUCCESS);
    /* A DLL without relocations whose base is taken. */
    if (!CHECK_STATUS(NtAllocateVirtualMemory(NtCurrentProcess(), &reserved, 0, &size, MEM_RESERVE,
                                              PAGE_NOACCESS),
                      STATUS_SUCCESS))
        return;
    CHECK_STATUS(load_dll(NULL, "fixed.dll", &base), STATUS_CONFLICTING_ADDRESSES);
    size = 0;
    CHECK_STATUS(NtFreeVirtualMemory(NtCurrentProcess(), &reserved, &size, MEM_RELEASE),
                 STATUS_SUCCESS);
    leak_check(&before, "the failed loads");
}

static const struct rt_subtest tests[] = {
    {"counts", counts}, {"threads", threads},       {"init_fails", init_fails},
    {"nested", nested}, {"procedures", procedures}, {"once_per_process", once_per_process},
    {"errors", errors},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
