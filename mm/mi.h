/* mm/mi.h: memory-manager internals shared between the files of mm/ (never included outside it):
 * the PFN database entry, the PFN lock, the boot-time frame allocator and page-table helpers. */
#ifndef PAGODA_MM_MI_H
#define PAGODA_MM_MI_H

#include "kernel/arch.h"
#include "kernel/ke.h"
#include "mm/mm.h"
#include "mm/physmap.h"
#include "mm/protect.h"
#include "mm/pte.h"
#include "mm/vad.h"

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

/*
 * A VAD (docs/vm.md): one reserved range of an address space, found through the AVL tree (mm/vad.h).
 *
 *   node        [start_vpn, end_vpn] and the tree links
 *   ops         the kind of memory: private, or a view of a section (STYLE rule 5)
 *   type        MEM_PRIVATE, MEM_MAPPED or MEM_IMAGE (what NtQueryVirtualMemory reports)
 *   protection  the MM protection given when it was made (AllocationProtect)
 *   flags       MI_VAD_MEM_COMMIT: private and committed as a whole when made, so a zero PTE is a
 *               demand-zero page with `protection`; MI_VAD_NO_CHANGE: never freed or reprotected
 *   commit      pages this VAD has charged to the system commit
 */
#define MI_VAD_MEM_COMMIT 0x01u
#define MI_VAD_NO_CHANGE  0x02u

struct mi_vad_ops;

struct mm_vad {
    struct mi_vad_node node;
    const struct mi_vad_ops *ops;
    uint32_t type;
    uint8_t protection;
    uint8_t flags;
    uint32_t commit;
};

static inline vaddr_t mi_vad_start(const struct mm_vad *vad)
{
    return vad->node.start_vpn << PAGE_SHIFT;
}
static inline vaddr_t mi_vad_end(const struct mm_vad *vad)
{
    return (vad->node.end_vpn << PAGE_SHIFT) | PAGE_MASK;
}
static inline uint32_t mi_vad_pages(const struct mm_vad *vad)
{
    return vad->node.end_vpn - vad->node.start_vpn + 1;
}
#define MI_VAD(n) CONTAINING_RECORD((n), struct mm_vad, node)

enum mi_access { MI_ACCESS_READ, MI_ACCESS_WRITE };

/* What each kind of memory provides (mm/private.c, mm/view.c). All run with the address space's
 * lock held and the address space current. */
struct mi_vad_ops {
    const char *name;
    /* A fault on a page whose PTE is zero or prototype (the kind's own states); the dispatcher has
     * handled valid, demand-zero and transition PTEs. */
    enum mm_fault_status (*fault)(struct mm_address_space *as, struct mm_vad *vad, vaddr_t va,
                                  pte_t pte, enum mi_access access);
    /* The protection a zero or prototype PTE means here (the VAD's, or not committed: 0). */
    uint32_t (*zero_pte_protection)(const struct mm_vad *vad, vaddr_t va);
    /* A valid or transition PTE of this VAD goes away: give back its frame or its share. */
    void (*release_frame)(struct mm_vad *vad, pte_t pte);
    /* The VAD is deleted (its PTEs are gone): return its commit, drop what it refers to. */
    void (*destroy)(struct mm_address_space *as, struct mm_vad *vad);
};

extern const struct mi_vad_ops mi_private_ops;

/* mm/aspace.c: user PTEs of the current address space, with the page-table use counts. */
/* The PTE of va, or NULL when no page table covers it. */
pte_t *mi_user_pte(vaddr_t va);
/* The PTE of va, making the page table (STATUS_NO_MEMORY). */
NTSTATUS mi_user_pte_make(struct mm_address_space *as, vaddr_t va, pte_t **pte);
/* Replaces a user PTE, keeping the use count (a table left with no non-zero PTE is freed, so pte may
 * dangle afterwards) and flushing the TLB entry when the old PTE was valid. */
void mi_write_user_pte(struct mm_address_space *as, vaddr_t va, pte_t *pte, pte_t value);
/* Tears down the PTEs of [start, end] of vad (release_frame for each frame), freeing emptied page
 * tables, and counts the pages that were committed. MI_TEARDOWN_DECOMMIT in a mem_commit VAD leaves
 * MM_DECOMMIT PTEs, which may need page tables (STATUS_NO_MEMORY; pages done so far stay done). */
enum mi_teardown { MI_TEARDOWN_ZERO, MI_TEARDOWN_DECOMMIT };
NTSTATUS mi_teardown_ptes(struct mm_address_space *as, struct mm_vad *vad, vaddr_t start,
                          vaddr_t end, enum mi_teardown how, uint32_t *committed);
struct mm_vad *mi_find_vad(struct mm_address_space *as, vaddr_t va);
/* The current address space's lock is held. */
bool mi_locked(const struct mm_address_space *as);

/* mm/fault.c: a demand-zero page with `protection` at va (pte NULL when no table covers it yet). */
enum mm_fault_status mi_resolve_demand_zero(struct mm_address_space *as, vaddr_t va, pte_t *pte,
                                            uint32_t protection, enum mi_access access);

/* mm/vm.c */
struct mm_vad *mi_new_vad(const struct mi_vad_ops *ops, uint32_t type, uint32_t protection);
void mi_free_vad(struct mm_vad *vad);
/* The effective protection of a page (what NtQueryVirtualMemory reports), 0 when not committed. */
uint32_t mi_page_protection(const struct mm_vad *vad, vaddr_t va, pte_t pte);

/* mm/commit.c: STATUS_COMMITMENT_LIMIT when the charge does not fit. */
NTSTATUS mi_charge_commit(struct mm_address_space *as, uint32_t pages);
void mi_return_commit(struct mm_address_space *as, uint32_t pages);
void mi_init_commit(void);

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
