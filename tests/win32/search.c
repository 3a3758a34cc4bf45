/* tests/win32/search.c: the DLL search order: the exe's directory, \Windows\System32, \Windows, the
 * current directory, then PATH. searchN.dll is in two of those places (user/pe.mk), and where()
 * tells which copy loaded: the earlier place must win. The current directory and PATH are set in
 * the process parameters first, as kernel32 will. An explicit search path replaces the order. */
#include "tests/win32/common/win32.h"

static WCHAR current[] = {'C', ':', '\\', 'T', 'e', 's', 't', 's', '\\', 'C', 'w', 'd', '\\', 0};
static WCHAR environment[] = {'A',  '=',  'B', 0,   'P', 'A', 'T',  'H', '=', 'C', ':',
                              '\\', 'N',  'o', ';', 'C', ':', '\\', 'T', 'e', 's', 't',
                              's',  '\\', 'P', 'a', 't', 'h', 'D',  'i', 'r', 0,   0};

static void set_inputs(void)
{
    PAGODA_PROCESS_PARAMETERS *pp = rt_peb->ProcessParameters;
    pp->CurrentDirectoryPath = (UNICODE_STRING){sizeof current - 2, sizeof current, current};
    pp->Environment = environment;
}

/* Loads name (with search, NULL for the default order) and checks which copy it got. */
static void expect(const char *search, const char *name, int where, int line)
{
    void *base = NULL;
    NTSTATUS status = load_dll(search, name, &base);
    if (status != STATUS_SUCCESS) {
        rt_fail(line, "loading %s failed with 0x%08X", name, (uint32_t)status);
        return;
    }
    int (*f)(void) = proc_address(base, "where");
    if (!f || f() != where)
        rt_fail(line, "%s came from place %d, expected %d", name, f ? f() : -1, where);
    LdrUnloadDll(base);
}
#define EXPECT(search, name, where) expect(search, name, where, __LINE__)

static void exe_directory(void) { EXPECT(NULL, "search1.dll", 1); }
static void system32(void) { EXPECT(NULL, "search2.dll", 2); }
static void windows(void) { EXPECT(NULL, "search3.dll", 3); }

static void current_directory(void)
{
    set_inputs();
    EXPECT(NULL, "search4.dll", 4);
}

static void path(void)
{
    set_inputs();
    EXPECT(NULL, "search5.dll", 5);
}

static void explicit_path(void)
{
    EXPECT("C:\\Tests\\PathDir", "search4.dll", 5);
    void *base = NULL;
    CHECK_STATUS(load_dll("C:\\Tests\\PathDir", "search1.dll", &base), STATUS_DLL_NOT_FOUND);
    EXPECT("C:\\Nowhere;C:\\Windows", "search2.dll", 3);
}

static const struct rt_subtest tests[] = {
    {"exe_directory", exe_directory},
    {"system32", system32},
    {"windows", windows},
    {"current_directory", current_directory},
    {"path", path},
    {"explicit_path", explicit_path},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
