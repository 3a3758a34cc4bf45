/* user/ntdll/ntdllp.h: what ntdll's files share: the loader lock, the TEB, the console, the heap's
 * statistics. The exports themselves are declared for programs in user/include/pagoda/ntdll.h. */
#ifndef PAGODA_NTDLLP_H
#define PAGODA_NTDLLP_H

#include "kernel/rtl/string.h"
#include "ldr/loader.h"
#include "pagoda/ntdll.h"

/* The loader lock (PEB.LoaderLock): every ldr_* call and every DllMain runs under it. */
extern RTL_CRITICAL_SECTION ntdll_loader_lock;

static inline PAGODA_TEB *ntdll_current_teb(void)
{
    PAGODA_TEB *teb;
    __asm__ volatile("movl %%fs:0x18, %0" : "=r"(teb));
    return teb;
}

static inline PAGODA_PEB *ntdll_current_peb(void)
{
    return ntdll_current_teb()->ProcessEnvironmentBlock;
}

/* Writes ASCII text on the console (NtDisplayString). */
void ntdll_print(const char *text);

/* Prints the loader's last failure ("ntdll: DLL: reason name"). */
void ntdll_report_failure(void);

uint32_t ntdll_heap_blocks_in_use(void);

/* The DLL's entry point (the link's -e _NtdllEntry@12). */
int NTAPI NtdllEntry(void *module, uint32_t reason, void *reserved);

#endif
