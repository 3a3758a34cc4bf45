/* tests/win32/dll/where.c: built five times with WHERE = 1..5 (user/pe.mk) and put in the places of
 * the DLL search order under one name or another (tests/win32/search.c): where() tells which copy
 * the loader took. */
#include "pagoda/ntdll.h"

#ifndef WHERE
#error "where.c is built with -DWHERE=N"
#endif

__attribute__((dllexport)) int where(void) { return WHERE; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
