/* mm/mi.h: memory-manager internals shared between the files of mm/ (never included outside it):
 * the PFN database entry, the PFN lock, the boot-time frame allocator and page-table helpers. */
#ifndef PAGODA_MM_MI_H
#define PAGODA_MM_MI_H

#include "kernel/arch.h"
#include "kernel/ke.h"
#include "mm/mm.h"
#include "mm/physmap.h"
#include "mm/pte.h"

/*
 * One entry per physical frame below the highest usable one (NT's MMPFN), 24 bytes:
 *
 *   flink, blink     list links (frame numbers) while on the free/zeroed/standby/modified list
 *   pte              the PTE or prototype PTE that maps the frame while active (0 for kernel use)
 *   original_pte     what that PTE held before the frame came in (restored when it leaves)
 *   ref_count        references that keep the frame resident (mappings, I/O in flight)
 *   state            enum mi_pfn_state
 *   share_count      PTEs that map the frame (a shared section page has many)
 *
 * Frames that are not RAM (holes, firmware, the kernel image) are MI_PFN_RESERVED and on no list.
 */
enum mi_pfn_state {
    MI_PFN_RESERVED,
    MI_PFN_FREE,
    MI_PFN_ZEROED,
    MI_PFN_STANDBY,
    MI_PFN_MODIFIED,
    MI_PFN_ACTIVE,
    MI_PFN_BAD,
};

struct mi_pfn {
    pfn_t flink;
    pfn_t blink;
    pte_t *pte;
    pte_t original_pte;
    uint16_t ref_count;
    uint8_t state;
    uint8_t flags;
    uint32_t share_count;
};

_Static_assert(sizeof(struct mi_pfn) == 24, "the PFN database entry is 24 bytes");

#define mi_pfn_database ((struct mi_pfn *)MM_PFN_DATABASE_BASE)
extern pfn_t mi_highest_pfn;
extern bool mi_pfn_database_ready;

static inline struct mi_pfn *mi_pfn_entry(pfn_t pfn)
{
    ASSERT(pfn <= mi_highest_pfn);
    return &mi_pfn_database[pfn];
}

/* The PFN lock: on this uniprocessor kernel, interrupts off. */
static inline uint32_t mi_lock_pfn(void) { return ke_disable_interrupts(); }
static inline void mi_unlock_pfn(uint32_t irq) { ke_restore_interrupts(irq); }

/* mm/pfn.c */
void mi_init_pfn_database(const struct mm_phys_range *usable, int count, pfn_t highest);
uint32_t mi_available_frames(void);
/* mm/init.c: frames taken before the PFN database exists. */
pfn_t mi_boot_alloc_frame(void);
bool mi_boot_frame_taken(pfn_t pfn);

/* mm/kmap.c */
extern pte_t mi_global_bit;
extern uint32_t mi_kernel_page_tables; /* PTE_GLOBAL when the CPU has PGE, else 0 */
void mi_flush_tlb_all(void);
/* Makes sure a page table maps va, taking a zeroed frame for it (from the boot allocator before the
 * PFN database exists). Kernel PDEs are written into every address space's directory. */
NTSTATUS mi_ensure_page_table(vaddr_t va);

/* mm/hyperspace.c */
void mi_zero_frame(pfn_t pfn);

/* mm/sysva.c */
void mi_init_system_va(void);

/* mm/pool.c */
void mi_init_pool(void);

#endif
