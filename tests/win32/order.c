/* tests/win32/order.c: the static DLLs' initialization: order.exe imports dep_a.dll and log.dll,
 * dep_a imports dep_b and log, dep_b imports log. DllMain(PROCESS_ATTACH) runs dependencies first,
 * once, with a non-NULL reserved; the PEB's three lists are in load, memory (NT: load) and
 * initialization order; a new thread gets THREAD_ATTACH in initialization order and THREAD_DETACH
 * in reverse. The PROCESS_DETACH at the end is printed by the DLLs (the kernel test reads it). Exit
 * status: failures. Two ways to end, run alone: `order exit_from_thread` (ExitProcess from a second
 * thread while the first waits: the process ends with 0x1234) and `order first_returns_first` (the
 * first thread's end, RtlExitUserThread as its return from a bare entry point would be, ends only
 * it; the last thread's end is the process's, with its status 0x55). */
#include "tests/win32/common/log.h"
#include "tests/win32/common/win32.h"

__attribute__((dllimport)) int dep_a_value(void);

static const char *const load_order[] = {"order.exe", "ntdll.dll", "dep_a.dll", "log.dll",
                                         "dep_b.dll"};
static const char *const init_order[] = {"ntdll.dll", "log.dll", "dep_b.dll", "dep_a.dll"};

static void attach_order(void)
{
    CHECK_EQ(dep_a_value(), 0xDC);
    const char *log = log_text();
    if (strcmp(log, "dep_b:As dep_a:As ") != 0)
        FAIL("the log is \"%s\", expected \"dep_b:As dep_a:As \"", log);
}

/* Checks a list against names; offset: where the LIST_ENTRY sits in LDR_DATA_TABLE_ENTRY. */
static void check_list(const LIST_ENTRY *head, size_t offset, const char *const *names, size_t n,
                       const char *what)
{
    size_t i = 0;
    for (const LIST_ENTRY *l = head->Flink; l != head; l = l->Flink, i++) {
        const LDR_DATA_TABLE_ENTRY *e = (const void *)((const uint8_t *)l - offset);
        if (i < n && !unicode_equals(&e->BaseDllName, names[i]))
            FAIL("%s list: entry %u is not %s", what, (unsigned)i, names[i]);
    }
    if (i != n)
        FAIL("%s list: %u entries, expected %u", what, (unsigned)i, (unsigned)n);
}

static void peb_lists(void)
{
    PEB_LDR_DATA *ldr = rt_peb->Ldr;
    CHECK(ldr && ldr->Initialized && ldr->Length == sizeof *ldr);
    CHECK(rt_peb->LoaderLock != NULL);
    check_list(&ldr->InLoadOrderModuleList, offsetof(LDR_DATA_TABLE_ENTRY, InLoadOrderLinks),
               load_order, ARRAY_SIZE(load_order), "load-order");
    check_list(&ldr->InMemoryOrderModuleList, offsetof(LDR_DATA_TABLE_ENTRY, InMemoryOrderLinks),
               load_order, ARRAY_SIZE(load_order), "memory-order");
    check_list(&ldr->InInitializationOrderModuleList,
               offsetof(LDR_DATA_TABLE_ENTRY, InInitializationOrderLinks), init_order,
               ARRAY_SIZE(init_order), "initialization-order");
}

static void entries(void)
{
    LDR_DATA_TABLE_ENTRY *exe = module_entry(rt_peb->ImageBaseAddress);
    LDR_DATA_TABLE_ENTRY *a = module_entry(dll_handle("dep_a.dll"));
    if (!CHECK(exe && a))
        return;
    CHECK(unicode_equals(&exe->FullDllName, "C:\\Tests\\order.exe"));
    CHECK(unicode_equals(&a->FullDllName, "C:\\Tests\\dep_a.dll"));
    CHECK_EQ(a->LoadCount, 0xFFFF); /* static: never unloaded */
    CHECK_EQ(a->Flags & 0x00080004u, 0x00080004u); /* LDRP_PROCESS_ATTACH_CALLED, LDRP_IMAGE_DLL */
    CHECK(!(exe->Flags & 0x4u));
    CHECK((uintptr_t)a->EntryPoint - (uintptr_t)a->DllBase < a->SizeOfImage);
    CHECK_EQ((uintptr_t)a->DllBase, 0x11100000u);
    CHECK_EQ((uintptr_t)exe->DllBase, 0x00400000u); /* mingw-w64's exe base, not relocated */
    /* A static DLL stays: LdrUnloadDll succeeds and changes nothing. */
    CHECK_STATUS(LdrUnloadDll(a->DllBase), STATUS_SUCCESS);
    CHECK(dll_handle("dep_a.dll") == a->DllBase);
}

static NTSTATUS quiet_thread(void *arg)
{
    (void)arg;
    log_event("thread");
    return 0x77;
}

static void threads(void)
{
    log_clear();
    HANDLE t = rt_start_thread(quiet_thread, NULL);
    if (t)
        CHECK_EQ(rt_join(t), 0x77);
    const char *log = log_text();
    if (strcmp(log, "dep_b:t dep_a:t thread dep_a:T dep_b:T ") != 0)
        FAIL("the log is \"%s\", expected \"dep_b:t dep_a:t thread dep_a:T dep_b:T \"", log);
}

static const struct rt_subtest tests[] = {
    {"attach_order", attach_order},
    {"peb_lists", peb_lists},
    {"entries", entries},
    {"threads", threads},
};

static NTSTATUS exit_process(void *arg)
{
    (void)arg;
    log_clear();
    log_event("exit");
    RtlExitUserProcess(0x1234);
}

static NTSTATUS outlive_the_first(void *arg)
{
    (void)arg;
    rt_sleep_ms(100);
    log_clear();
    log_event("exit");
    return 0x55;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "exit_from_thread")) {
        HANDLE t = rt_start_thread(exit_process, NULL);
        rt_wait_ms(t, RT_INFINITE); /* ended by ExitProcess */
        return 1;
    }
    if (argc == 2 && !strcmp(argv[1], "first_returns_first")) {
        HANDLE t = rt_start_thread(outlive_the_first, NULL);
        NtClose(t);
        RtlExitUserThread(2); /* not the process's status: another thread is left */
    }
    int failures = rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests));
    log_clear();
    log_event("exit");
    return failures;
}
