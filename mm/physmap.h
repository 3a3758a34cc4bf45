/* mm/physmap.h: turning the firmware's memory map into the list of RAM the kernel may use.
 * Pure C (no kernel services): tested on the host with hostile maps (tests/common/physmap_cases.c,
 * run by tests/host/test_pure.c). */
#ifndef PAGODA_MM_PHYSMAP_H
#define PAGODA_MM_PHYSMAP_H

#include "kernel/ndk/types.h"

#define MM_PHYS_TYPE_USABLE    1 /* Multiboot/E820 type 1; every other type is left alone */
#define MM_PHYSMAP_MAX_ENTRIES 64
#define MM_PHYSMAP_MAX_RANGES  64

struct mm_phys_entry { /* one firmware entry, as given (may overlap, be unsorted, be empty) */
    uint64_t base;
    uint64_t length;
    uint32_t type;
};

struct mm_phys_range { /* [base, end), page-aligned */
    uint64_t base;
    uint64_t end;
};

/*
 * Computes the usable RAM: every byte that some entry calls usable, that no other entry calls
 * anything else (reserved wins over usable), that lies in no excluded range (the kernel image, the
 * Multiboot structures, page 0) and below 4 GiB; trimmed to whole pages, sorted and merged, and
 * then cut so that it adds up to at most mem_limit bytes (0: no limit).
 * Writes at most max_out ranges and returns their count. *ram_bytes gets the RAM the map reported
 * as usable below 4 GiB, before exclusions and the limit.
 */
int mm_physmap_normalize(const struct mm_phys_entry *entries, int entry_count,
                         const struct mm_phys_range *excluded, int excluded_count,
                         uint64_t mem_limit, struct mm_phys_range *out, int max_out,
                         uint64_t *ram_bytes);

#endif
