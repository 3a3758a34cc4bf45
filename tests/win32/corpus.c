/* tests/win32/corpus.c: the malformed-PE corpus (tests/pe/NAME.asm, at \Tests\PE\NAME.dll) through
 * the real loader: corpus.exe lives there too, so that DLLs the corpus names (its own kernel32.dll,
 * the targets of forwarders) are found in the exe's directory; each DLL is loaded with LdrLoadDll
 * from that directory, then its exports looked up (alpha, beta, ordinal 4 and the forwarder gamma),
 * and the first failure must be the status tools/gen-corpus-table.sh's table names; then it is
 * unloaded, and nothing may be left: no image view, no loader heap block, no handle. `at_base`
 * loads them where they want to be, `relocated` with 0x10000000 (their base) taken, `bound` checks
 * that a bound import's IAT is bound again. Exit status: failed checks. */
#include "kernel/ndk/ntstatus.h"
#include "kernel/rtl/format.h"
#include "tests/win32/common/win32.h"

#define CORPUS  "C:\\Tests\\PE"
#define PE_BASE 0x10000000u /* tests/pe/base.inc's image base */

struct corpus_case {
    const char *name;
    NTSTATUS at_base, relocated;
};

static const struct corpus_case cases[] = {
#include "corpus_table.h"
};

/* Loads, looks up, unloads: the first failure's status. */
static NTSTATUS exercise(const char *name)
{
    char file[64];
    void *base = NULL, *address;
    rtl_snprintf(file, sizeof file, "%s.dll", name);
    NTSTATUS status = load_dll(CORPUS, file, &base);
    if (!NT_SUCCESS(status))
        return status;
    static const char *const exports[] = {"alpha", "beta", NULL, "gamma"};
    for (size_t i = 0; NT_SUCCESS(status) && i < ARRAY_SIZE(exports); i++) {
        ANSI_STRING s;
        if (exports[i])
            RtlInitAnsiString(&s, exports[i]);
        status = LdrGetProcedureAddress(base, exports[i] ? &s : NULL, 4, &address);
    }
    NTSTATUS unload = LdrUnloadDll(base);
    if (!NT_SUCCESS(unload))
        FAIL("%s: LdrUnloadDll returned 0x%08X", name, (uint32_t)unload);
    return status;
}

static void run_corpus(bool relocated)
{
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct leak_state before;
        leak_snapshot(&before);
        NTSTATUS want = relocated ? cases[i].relocated : cases[i].at_base;
        NTSTATUS got = exercise(cases[i].name);
        if (got != want)
            FAIL("%s: 0x%08X, expected 0x%08X", cases[i].name, (uint32_t)got, (uint32_t)want);
        leak_check(&before, cases[i].name);
    }
}

static void at_base(void) { run_corpus(false); }

static void relocated(void)
{
    void *reserved = (void *)PE_BASE;
    size_t size = 0x10000;
    if (!CHECK_STATUS(NtAllocateVirtualMemory(NtCurrentProcess(), &reserved, 0, &size, MEM_RESERVE,
                                              PAGE_NOACCESS),
                      STATUS_SUCCESS))
        return;
    run_corpus(true);
    size = 0;
    NtFreeVirtualMemory(NtCurrentProcess(), &reserved, &size, MEM_RELEASE);
}

/* import_bound.dll's IAT holds old "bound" addresses and its bound-import directory claims them
 * valid: the loader ignores both and binds from the names, as if nothing were bound. */
static void bound(void)
{
    void *base = NULL, *kernel32, *expected;
    if (!CHECK_STATUS(load_dll(CORPUS, "import_bound.dll", &base), STATUS_SUCCESS))
        return;
    kernel32 = dll_handle("kernel32.dll");
    expected = kernel32 ? proc_address(kernel32, "GetTickCount") : NULL;
    const uint32_t *iat = (const uint32_t *)((uint8_t *)base + 0x3000); /* base.inc's .data */
    CHECK(expected != NULL);
    CHECK_EQ(iat[0], (uintptr_t)expected);
    CHECK_EQ(iat[1], (uintptr_t)expected); /* by ordinal 12: the same function */
    LdrUnloadDll(base);
}

static const struct rt_subtest tests[] = {
    {"at_base", at_base},
    {"relocated", relocated},
    {"bound", bound},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
