/* tests/win32/tls.c: implicit TLS: the exe's own variables and callback, tlsdll.dll's (a static
 * import: static TLS), and tlsdyn.dll's (loaded at run time). Each thread starts with fresh copies
 * of the templates and zero fill; the callbacks run with PROCESS_ATTACH before the program and with
 * THREAD_ATTACH/DETACH around each thread. Exit status: failed checks. */
#include "tests/win32/common/log.h"
#include "tests/win32/common/tls.h"
#include "tests/win32/common/win32.h"

TLS_VARIABLE static uint32_t exe_value = 0x1234;
TLS_VARIABLE static uint8_t exe_bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};

__attribute__((dllimport)) uint32_t *tlsdll_variable(void);

extern char __ImageBase;
static uint32_t callbacks[4]; /* the exe's callback calls, by reason */

/* Runs before main (PROCESS_ATTACH), so before the runtime has set anything up. */
static void NTAPI exe_callback(void *module, uint32_t reason, void *reserved)
{
    (void)reserved;
    if (reason < 4 && module == &__ImageBase)
        callbacks[reason]++;
}
TLS_CALLBACK(exe_callback);

static uint32_t *exe_variable(void) { return tls_address(&exe_value); }

static void main_thread(void)
{
    CHECK_EQ(callbacks[DLL_PROCESS_ATTACH], 1);
    CHECK_EQ(*exe_variable(), 0x1234);
    CHECK_EQ(((uint8_t *)tls_address(exe_bytes))[7], 8);
    CHECK_EQ(*tlsdll_variable(), 0x7777);
    /* the zero fill, after the template */
    const uint8_t *fill = (const uint8_t *)tls_address(&tls_end) + 1;
    for (uint32_t i = 0; i < TLS_ZERO_FILL; i++)
        if (fill[i] != 0)
            FAIL("zero fill byte %u is not zero", i);
    /* the static DLL's callback ran before its DllMain */
    if (strncmp(log_text(), "tlsdll.cb:As tlsdll:As ", 23) != 0)
        FAIL("the log starts \"%s\", expected \"tlsdll.cb:As tlsdll:As \"", log_text());
}

struct seen {
    uint32_t exe, dll, dyn;
    uint32_t *exe_address;
};

static NTSTATUS thread_routine(void *arg)
{
    struct seen *s = arg;
    s->exe_address = exe_variable();
    s->exe = *exe_variable();
    s->dll = *tlsdll_variable();
    uint32_t *(*dyn)(void) = proc_address(dll_handle("tlsdyn.dll"), "tlsdyn_variable");
    s->dyn = dyn ? *dyn() : 0;
    *exe_variable() = 0xDEAD; /* its own copy */
    return 0;
}

static void threads(void)
{
    struct seen s = {0};
    *exe_variable() = 0x5678;
    *tlsdll_variable() = 0x9999;
    uint32_t before[4];
    memcpy(before, callbacks, sizeof before);
    HANDLE t = rt_start_thread(thread_routine, &s);
    if (t)
        rt_join(t);
    CHECK_EQ(s.exe, 0x1234); /* fresh copies of the templates */
    CHECK_EQ(s.dll, 0x7777);
    CHECK(s.exe_address != exe_variable());
    CHECK_EQ(*exe_variable(), 0x5678);
    CHECK_EQ(*tlsdll_variable(), 0x9999);
    CHECK_EQ(callbacks[DLL_THREAD_ATTACH] - before[DLL_THREAD_ATTACH], 1);
    CHECK_EQ(callbacks[DLL_THREAD_DETACH] - before[DLL_THREAD_DETACH], 1);
}

/* A DLL with TLS loaded at run time: a slot and a block in every thread, its callbacks, and all of
 * it gone at the unload. */
static void dynamic(void)
{
    void *base = NULL;
    struct leak_state before;
    leak_snapshot(&before);
    log_clear();
    if (!CHECK_STATUS(load_dll(NULL, "tlsdyn.dll", &base), STATUS_SUCCESS))
        return;
    CHECK(strcmp(log_text(), "tlsdyn.cb:Ad tlsdyn:Ad ") == 0);
    uint32_t *(*variable)(void) = proc_address(base, "tlsdyn_variable");
    if (CHECK(variable)) {
        CHECK_EQ(*variable(), 0x8888);
        *variable() = 0x4444;
        struct seen s = {0};
        HANDLE t = rt_start_thread(thread_routine, &s);
        if (t)
            rt_join(t);
        CHECK_EQ(s.dyn, 0x8888);
        CHECK_EQ(*variable(), 0x4444);
    }
    log_clear();
    CHECK_STATUS(LdrUnloadDll(base), STATUS_SUCCESS);
    CHECK(strcmp(log_text(), "tlsdyn.cb:Dd tlsdyn:Dd ") == 0);
    leak_check(&before, "tlsdyn.dll's load and unload");
}

static const struct rt_subtest tests[] = {
    {"main_thread", main_thread},
    {"threads", threads},
    {"dynamic", dynamic},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
