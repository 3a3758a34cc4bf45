/* tests/win32/dll/samebase_b.c: the second DLL at 0x10000000: it loads elsewhere and is relocated.
 * Its data pointers, its table of code pointers and its exported data must all follow it. */
#include "pagoda/ntdll.h"

__attribute__((dllexport)) int samebase_b_data = 0xB2; /* imported as data by relocs.exe */
__attribute__((dllexport)) int *samebase_b_pointer = &samebase_b_data; /* relocated */

static int one(void) { return 1; }
static int two(void) { return 2; }
static int (*const table[])(void) = {one, two}; /* relocated code pointers */

__attribute__((dllexport)) int samebase_b_value(void) { return *samebase_b_pointer; }

__attribute__((dllexport)) int samebase_b_call(int i) { return table[i & 1](); }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
