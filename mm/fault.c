/* mm/fault.c: the memory manager's half of a page fault (STYLE rule 4): find what should be at the
 * address, then resolve by PTE state. System space is non-paged and user address spaces have no VADs
 * yet, so today every fault is an access violation that the trap layer reports or recovers from. */
#include "mm/mi.h"

enum mm_fault_status mm_access_fault(vaddr_t address, uint32_t error, struct ke_trap_frame *tf)
{
    (void)tf;
    if (address >= mm_split.system_range_start)
        ke_debug("mm: fault at %08x (error %x) in system space: nothing is pageable there\n",
                 address, error);
    return MM_FAULT_ACCESS_VIOLATION;
}

const char *mm_fault_status_name(enum mm_fault_status status)
{
    static const char *const names[] = {
        "resolved", "retry", "access violation", "guard page", "no memory", "I/O error",
    };
    return (unsigned)status < ARRAY_SIZE(names) ? names[status] : "unknown";
}
