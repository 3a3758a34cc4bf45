/* mm/pte.h: the i386 two-level (non-PAE) page-table format, and the software states a PTE holds
 * while its page is not valid. The fault handler reads these states; a PTE never lies (DESIGN
 * section 4).
 *
 * A virtual address:
 *   31            22 21            12 11             0
 *  +----------------+----------------+----------------+
 *  | directory index|  table index   |  byte offset   |
 *  +----------------+----------------+----------------+
 *
 * A valid PTE or PDE (P = 1), as the hardware reads it:
 *   31                     12 11  10   9   8   7   6   5   4   3   2   1   0
 *  +-------------------------+---+---+---+---+---+---+---+---+---+---+---+---+
 *  |     page frame number   |PRO|EXE|COW| G |PS | D | A |PCD|PWT|U/S|R/W| P |
 *  +-------------------------+---+---+---+---+---+---+---+---+---+---+---+---+
 *  The three AVL bits: PRO (11) the frame is a section page whose PFN entry points at the prototype
 *  PTE; EXE (10) the page's protection allows execute (no NX on i386: kept for queries); COW (9)
 *  the page is copy-on-write (mapped read-only, a write makes a private copy). An execute-only page
 *  (MM protection EXECUTE) is read-only with EXE and PWT set: write-through caching means nothing
 *  on a page that is never written, so PWT is free to tell it from EXECUTE_READ. So the exact
 *  protection of a valid page is always in its PTE (pte_valid_protection).
 *
 * An invalid PTE (P = 0): bits 1-31 are ours, one of these states, tested in this order:
 *   all zero          nothing recorded here: the VAD decides (reserved, a mem_commit VAD's
 *                     demand-zero page, or a view's page not yet touched)
 *   PROTOTYPE (10)    a view's page that is not mapped here: its section's prototype PTE (found
 *                     through the VAD) holds it; protection in 5-9, where 0 means the VAD's
 *   TRANSITION (11)   the frame in 12-31 is on the standby or modified list (the paging-file issue)
 *   frame bits set    in the paging file: 12-31 = page offset, 1-4 = paging file number (ditto)
 *   otherwise         demand zero: committed, never touched; protection in 5-9 (never 0).
 *                     MM_DECOMMIT (0x10) marks a decommitted page of a mem_commit VAD
 *
 *  +-------------------------+---+---+-----------+---------+---+
 *  |  frame / file offset    |TRN|PRO| protection| file no.| 0 |
 *  +-------------------------+---+---+-----------+---------+---+
 *   31                     12 11  10  9         5 4       1  0
 *
 * The state machine of a user page (-> marks a fault or a service):
 *   zero --commit--> demand zero --touch--> valid (private)
 *   zero in a view --touch--> valid (PRO, shares the segment's frame) --write to COW--> valid
 *   (private) valid --decommit/free/unmap--> zero (or MM_DECOMMIT in a mem_commit VAD)
 *   valid/demand zero --protect--> the same state with the new protection
 */
#ifndef PAGODA_MM_PTE_H
#define PAGODA_MM_PTE_H

#include "kernel/ndk/types.h"

#define PTE_PRESENT          0x001u
#define PTE_WRITE            0x002u
#define PTE_USER             0x004u
#define PTE_WRITE_THROUGH    0x008u
#define PTE_CACHE_DISABLE    0x010u
#define PTE_ACCESSED         0x020u
#define PTE_DIRTY            0x040u
#define PTE_LARGE            0x080u
#define PTE_GLOBAL           0x100u
#define PTE_COPY_ON_WRITE    0x200u /* valid PTEs */
#define PTE_EXECUTE          0x400u /* valid PTEs */
#define PTE_PROTO_BACKED     0x800u /* valid PTEs */
#define PTE_PROTOTYPE        0x400u /* invalid PTEs */
#define PTE_TRANSITION       0x800u /* invalid PTEs */
#define PTE_FRAME_MASK       0xfffff000u
#define PTE_PROTECTION_SHIFT 5
#define PTE_PROTECTION_MASK  (0x1fu << PTE_PROTECTION_SHIFT)

#define PDE_INDEX(va)  ((uint32_t)(va) >> 22)
#define PTE_INDEX(va)  (((uint32_t)(va) >> 12) & 0x3ff)
#define PTES_PER_TABLE 1024

static inline pfn_t pte_frame(pte_t pte) { return pte >> PAGE_SHIFT; }
static inline bool pte_valid(pte_t pte) { return (pte & PTE_PRESENT) != 0; }
static inline pte_t pte_make_valid(pfn_t pfn, uint32_t flags)
{
    return (pfn << PAGE_SHIFT) | flags | PTE_PRESENT;
}

/* ---- the software states of invalid PTEs ---- */
enum pte_state {
    PTE_STATE_VALID,
    PTE_STATE_ZERO,
    PTE_STATE_PROTOTYPE,
    PTE_STATE_TRANSITION,
    PTE_STATE_PAGEFILE,
    PTE_STATE_DEMAND_ZERO,
};

static inline enum pte_state pte_state(pte_t pte)
{
    if (pte & PTE_PRESENT)
        return PTE_STATE_VALID;
    if (pte == 0)
        return PTE_STATE_ZERO;
    if (pte & PTE_PROTOTYPE)
        return PTE_STATE_PROTOTYPE;
    if (pte & PTE_TRANSITION)
        return PTE_STATE_TRANSITION;
    if (pte & PTE_FRAME_MASK)
        return PTE_STATE_PAGEFILE;
    return PTE_STATE_DEMAND_ZERO;
}

/* The MM protection (mm/protect.h) an invalid, non-zero PTE records. */
static inline uint32_t pte_soft_protection(pte_t pte)
{
    return (pte & PTE_PROTECTION_MASK) >> PTE_PROTECTION_SHIFT;
}
static inline pte_t pte_make_demand_zero(uint32_t mm_protection)
{
    return mm_protection << PTE_PROTECTION_SHIFT;
}
/* mm_protection 0: the VAD's protection. */
static inline pte_t pte_make_prototype(uint32_t mm_protection)
{
    return PTE_PROTOTYPE | mm_protection << PTE_PROTECTION_SHIFT;
}
static inline pte_t pte_make_transition(pfn_t pfn, uint32_t mm_protection)
{
    return pfn << PAGE_SHIFT | PTE_TRANSITION | mm_protection << PTE_PROTECTION_SHIFT;
}
static inline pte_t pte_make_pagefile(uint32_t file, uint32_t page, uint32_t mm_protection)
{
    return page << PAGE_SHIFT | mm_protection << PTE_PROTECTION_SHIFT | (file & 0xf) << 1;
}
static inline uint32_t pte_pagefile_number(pte_t pte) { return (pte >> 1) & 0xf; }

/* The self-map: PDE 1023 points at the directory itself, so every page table of the current address
 * space appears at 0xFFC00000 and the directory at 0xFFFFF000. */
#define MM_PTE_BASE       0xFFC00000u
#define MM_PDE_BASE       0xFFFFF000u
#define MM_SELF_MAP_PDE   1023
#define MM_HYPERSPACE_PDE 1022

static inline pte_t *mi_pte_address(vaddr_t va)
{
    return (pte_t *)(uintptr_t)(MM_PTE_BASE + ((va >> PAGE_SHIFT) << 2));
}
static inline pte_t *mi_pde_address(vaddr_t va)
{
    return (pte_t *)(uintptr_t)(MM_PDE_BASE + (PDE_INDEX(va) << 2));
}
/* The virtual address of the page table that maps va (through the self-map). */
static inline vaddr_t mi_page_table_va(vaddr_t va)
{
    return MM_PTE_BASE + PDE_INDEX(va) * PAGE_SIZE;
}

#endif
