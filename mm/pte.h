/* mm/pte.h: the i386 two-level (non-PAE) page-table format, and the software states a PTE holds while
 * its page is not valid. The fault handler reads these states; a PTE never lies (DESIGN section 4).
 *
 * A virtual address:
 *   31            22 21            12 11             0
 *  +----------------+----------------+----------------+
 *  | directory index|  table index   |  byte offset   |
 *  +----------------+----------------+----------------+
 *
 * A valid PTE or PDE (P = 1), as the hardware reads it:
 *   31                     12 11  9  8   7   6   5   4   3   2   1   0
 *  +-------------------------+-----+---+---+---+---+---+---+---+---+---+
 *  |     page frame number   | AVL | G |PS | D | A |PCD|PWT|U/S|R/W| P |
 *  +-------------------------+-----+---+---+---+---+---+---+---+---+---+
 *  AVL bit 9 = copy-on-write, bit 11 = prototype-backed (NT's "proto" bit kept for valid pages).
 *
 * An invalid PTE (P = 0): bits 1-31 are ours. Checked in this order:
 *   all zero                              no page: consult the VAD (or, in system space, a bug)
 *   bit 10 (PROTOTYPE) set                prototype: bits 11-31 and 1-9 hold the address of the
 *                                         section's prototype PTE (pool-relative index)
 *   bit 11 (TRANSITION) set               transition: frame in 12-31 is on the standby/modified list
 *   frame bits 12-31 non-zero             paging file: 12-31 = page offset, 1-4 = file number
 *   otherwise                             demand zero: protection in 5-9, no frame yet
 *   In transition, paging-file and demand-zero PTEs bits 5-9 hold the page's MM_* protection.
 *
 *  +-------------------------+---+---+----------+---------+---+
 *  |  frame / file offset    |TRN|PRO|protection| file no.| 0 |
 *  +-------------------------+---+---+----------+---------+---+
 *   31                     12 11  10  9        5 4       1  0
 */
#ifndef PAGODA_MM_PTE_H
#define PAGODA_MM_PTE_H

#include "kernel/types.h"

#define PTE_PRESENT          0x001u
#define PTE_WRITE            0x002u
#define PTE_USER             0x004u
#define PTE_WRITE_THROUGH    0x008u
#define PTE_CACHE_DISABLE    0x010u
#define PTE_ACCESSED         0x020u
#define PTE_DIRTY            0x040u
#define PTE_LARGE            0x080u
#define PTE_GLOBAL           0x100u
#define PTE_COPY_ON_WRITE    0x200u
#define PTE_PROTOTYPE        0x400u
#define PTE_TRANSITION       0x800u
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
