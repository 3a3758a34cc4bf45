/* tests/win32/delay.c: delay-load imports (dlltool -y libraries) through the standard helper,
 * __delayLoadHelper2 (tests/win32/common/delayimp.c, over ntdll's LdrResolveDelayLoadedAPI):
 * `delay ok`: delayed.dll is loaded at the first call, not before, once, and the IAT slot then
 * holds the function; `delay missing`: a call into nosuch.dll ends the process with 0xC06D007E
 * (Visual C++'s exception for a module not found) after ntdll's message. */
#include "tests/win32/common/win32.h"

int delayed_value(void);
int delayed_other(void);
int nosuch_function(void);

static void ok(void)
{
    CHECK(dll_handle("delayed.dll") == NULL);
    CHECK_EQ(delayed_value(), 0xDE1A);
    void *base = dll_handle("delayed.dll");
    CHECK(base != NULL);
    CHECK_EQ(delayed_value(), 0xDE1A);
    CHECK_EQ(delayed_other(), 0xDE1B);
    CHECK(dll_handle("delayed.dll") == base);
    LDR_DATA_TABLE_ENTRY *e = module_entry(base);
    CHECK(e && e->LoadCount == 1); /* one LoadLibrary reference for the whole DLL */
}

static void missing(void)
{
    nosuch_function();
    FAIL("nosuch_function returned");
}

static const struct rt_subtest tests[] = {
    {"ok", ok},
    {"missing", missing},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
