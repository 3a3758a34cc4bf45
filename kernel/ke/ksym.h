/* kernel/ke/ksym.h: the layout of the generated symbol table (build/ksyms.c, placed in .ksyms).
 * Sorted by address; names are offsets into one string blob. */
#ifndef PAGODA_KSYM_H
#define PAGODA_KSYM_H

#include "kernel/ndk/types.h"

struct ke_ksym {
    uint32_t address;
    uint32_t name_offset;
};

extern const uint32_t ke_ksym_count;
extern const struct ke_ksym ke_ksyms[];
extern const char ke_ksym_names[];

#endif
