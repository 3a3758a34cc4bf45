/* tests/win32/common/win32.h: helpers of the PE test programs around ntdll's loader exports, and
 * the leak checks: what a failed or undone load must leave as it found it (image views, the
 * loader heap's blocks, handles). */
#ifndef PAGODA_TESTS_WIN32_WIN32_H
#define PAGODA_TESTS_WIN32_WIN32_H

#include "pagoda/ntdll.h"
#include "user/rt/rt.h"

/* LdrLoadDll of an ASCII name, with a ';'-separated search path (NULL: the default order). */
NTSTATUS load_dll(const char *search, const char *name, void **base);
/* LdrGetDllHandle: the base of a loaded DLL, or NULL. */
void *dll_handle(const char *name);
/* LdrGetProcedureAddress by name: the address, or NULL. */
void *proc_address(void *base, const char *name);
/* The loader's record of the module at base (the PEB's load-order list), or NULL. */
LDR_DATA_TABLE_ENTRY *module_entry(const void *base);
/* Whether a UNICODE_STRING equals an ASCII string, ignoring case. */
bool unicode_equals(const UNICODE_STRING *u, const char *ascii);

/* What a load must give back: the number of image views in the address space, the loader heap's
 * blocks in use (ntdll's PagodaLdrHeapBlocksInUse, Pagoda's own export), and the handle value the
 * next handle would get (NT reuses the last one closed). */
struct leak_state {
    uint32_t image_views;
    uint32_t heap_blocks;
    HANDLE next_handle;
};
void leak_snapshot(struct leak_state *s);
/* Checks the state against an earlier snapshot; reports with `what` and returns false when not. */
bool leak_check(const struct leak_state *before, const char *what);

#endif
