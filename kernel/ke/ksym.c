/* kernel/ke/ksym.c: address-to-name lookup over the symbol table that tools/ksymgen.sh generates
 * from the linked kernel (build/ksyms.c, the second link pass). Used by panics and backtraces. */
#include "kernel/ke/boot.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ksym.h"

const char *ke_lookup_symbol(uint32_t addr, uint32_t *offset)
{
    if (addr < (uint32_t)(uintptr_t)__kernel_start || addr >= (uint32_t)(uintptr_t)__text_end ||
        ke_ksym_count == 0)
        return NULL;
    uint32_t lo = 0, hi = ke_ksym_count; /* find the last symbol with address <= addr */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ke_ksyms[mid].address <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (ke_ksyms[lo].address > addr)
        return NULL;
    *offset = addr - ke_ksyms[lo].address;
    return ke_ksym_names + ke_ksyms[lo].name_offset;
}
