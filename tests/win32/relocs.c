/* tests/win32/relocs.c: two DLLs with the same preferred base (samebase_a and samebase_b at
 * 0x10000000): the first import gets it, the second is relocated, and both work: code, data
 * pointers, a table of code pointers and an exported variable (imported as data) of the moved one;
 * an import by ordinal without a name; the relocated pages back to their protection. Exit status:
 * failures. */
#include "tests/win32/common/win32.h"

#define SAMEBASE 0x10000000u

__attribute__((dllimport)) int samebase_a_value(void);
__attribute__((dllimport)) int hidden(int x); /* by ordinal 5 (samebase_a.def) */
__attribute__((dllimport)) int samebase_b_value(void);
__attribute__((dllimport)) int samebase_b_call(int i);
__attribute__((dllimport)) int samebase_b_data;
__attribute__((dllimport)) int *samebase_b_pointer;

static void both_work(void)
{
    CHECK_EQ(samebase_a_value(), 0xA1);
    CHECK_EQ(samebase_b_value(), 0xB2);
    CHECK_EQ(samebase_b_call(0), 1);
    CHECK_EQ(samebase_b_call(1), 2);
    CHECK_EQ(hidden(7), 21);
}

static void one_relocated(void)
{
    void *a = dll_handle("samebase_a.dll"), *b = dll_handle("samebase_b.dll");
    CHECK_EQ((uintptr_t)a, SAMEBASE);
    CHECK(b && (uintptr_t)b != SAMEBASE);
    LDR_DATA_TABLE_ENTRY *ea = module_entry(a), *eb = module_entry(b);
    CHECK(ea && !(ea->Flags & 0x00200000u)); /* LDRP_IMAGE_NOT_AT_BASE */
    CHECK(eb && (eb->Flags & 0x00200000u));
}

/* The moved DLL's exported variable and its pointer to it both point into the DLL where it is. */
static void data_follow(void)
{
    uintptr_t b = (uintptr_t)dll_handle("samebase_b.dll");
    LDR_DATA_TABLE_ENTRY *e = module_entry((void *)b);
    if (!CHECK(e))
        return;
    CHECK((uintptr_t)&samebase_b_data - b < e->SizeOfImage);
    CHECK_EQ((uintptr_t)samebase_b_pointer, (uintptr_t)&samebase_b_data);
    CHECK_EQ(samebase_b_data, 0xB2);
    samebase_b_data = 0xB3; /* the same variable the DLL reads */
    CHECK_EQ(samebase_b_value(), 0xB3);
    samebase_b_data = 0xB2;
}

/* Fixups were written through a copy-on-write protection that was then put back: the code stays
 * execute-read, not writable. */
static void protections_restored(void)
{
    uintptr_t b = (uintptr_t)dll_handle("samebase_b.dll");
    MEMORY_BASIC_INFORMATION mbi;
    CHECK_STATUS(NtQueryVirtualMemory(NtCurrentProcess(), (void *)(uintptr_t)samebase_b_call,
                                      MemoryBasicInformation, &mbi, sizeof mbi, NULL),
                 STATUS_SUCCESS);
    CHECK_EQ((uintptr_t)mbi.AllocationBase, b);
    CHECK_EQ(mbi.Type, MEM_IMAGE);
    CHECK_EQ(mbi.Protect, PAGE_EXECUTE_READ);
}

static const struct rt_subtest tests[] = {
    {"both_work", both_work},
    {"one_relocated", one_relocated},
    {"data_follow", data_follow},
    {"protections_restored", protections_restored},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
