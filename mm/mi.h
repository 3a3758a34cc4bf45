/* mm/mi.h: memory-manager internals shared between the files of mm/ (never included outside it):
 * the PFN database entry, the PFN lock, the boot-time frame allocator and page-table helpers. */
#ifndef PAGODA_MM_MI_H
#define PAGODA_MM_MI_H

#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
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

struct mi_inpage;

struct mi_pfn {
    pfn_t flink;
    pfn_t blink;
    pte_t *pte;
    union {
        pte_t original_pte;
        struct mi_inpage *inpage; /* while MI_PFN_READ_IN_PROGRESS */
    };
    uint16_t ref_count;
    uint8_t state;
    uint8_t flags; /* MI_PFN_* */
    uint32_t share_count;
};

#define MI_PFN_PROTOTYPE        0x01u /* a section's page: pte points at its prototype PTE */
#define MI_PFN_MODIFIED         0x02u /* newer than the file: write it back before it goes */
#define MI_PFN_READ_IN_PROGRESS 0x04u /* being read from the file: inpage has the waiters */

_Static_assert(sizeof(struct mi_pfn) == 24, "the PFN database entry is 24 bytes");

#define mi_pfn_database ((struct mi_pfn *)MM_PFN_DATABASE_BASE)
extern pfn_t mi_highest_pfn;
extern bool mi_pfn_database_ready;

static inline struct mi_pfn *mi_pfn_entry(pfn_t pfn)
{
    ASSERT(pfn <= mi_highest_pfn);
    return &mi_pfn_database[pfn];
}

/* The PFN lock, a spin lock (kernel/ke/lock.h): the PFN database and its lists, the segments'
 * prototype PTEs and counts. It is taken inside the pool's, system VA's and the directories' locks,
 * so nothing may call the pool (or anything that allocates) while holding it. */
extern struct ke_spin_lock mi_pfn_lock;
static inline uint32_t mi_lock_pfn(void) { return ke_acquire_spin_lock(&mi_pfn_lock); }
static inline void mi_unlock_pfn(uint32_t irq) { ke_release_spin_lock(&mi_pfn_lock, irq); }
/* The list of address spaces and the system half of every page directory. */
extern struct ke_spin_lock mi_directory_lock;

/*
 * A VAD (docs/vm.md): one reserved range of an address space, found through the AVL tree
 * (mm/vad.h).
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

struct mi_segment;

struct mm_vad {
    struct mi_vad_node node;
    const struct mi_vad_ops *ops;
    uint32_t type;
    uint8_t protection;
    uint8_t flags;
    uint32_t commit;
    /* views: the segment (referenced) and the segment page the view's first page maps */
    struct mi_segment *segment;
    uint32_t first_page;
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
/* clang-format 14 cannot lay out multi-line function-pointer members stably: */
/* clang-format off */
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
    /* MEM_COMMIT of [start, end], inside the VAD: STATUS_COMMITMENT_LIMIT, STATUS_NO_MEMORY ... */
    NTSTATUS (*commit)(struct mm_address_space *as, struct mm_vad *vad, vaddr_t start,
                       vaddr_t end, uint32_t protection);
    /* The invalid PTE that means "committed, not touched, with this protection" at va. */
    pte_t (*untouched_pte)(const struct mm_vad *vad, vaddr_t va, uint32_t protection);
    /* Is this protection allowed in this VAD (NtProtectVirtualMemory)? A status if not. */
    NTSTATUS (*check_protection)(const struct mm_vad *vad, uint32_t protection);
    /* The protection a page at va gets when `protection` is asked for: an image's private pages
     * made writable become copy-on-write, so a loader's fixups never reach the shared image. */
    uint32_t (*adjust_protection)(const struct mm_vad *vad, vaddr_t va, uint32_t protection);
};
/* clang-format on */

extern const struct mi_vad_ops mi_private_ops, mi_view_ops;

/* ---- segments (mm/segment.c): NT's control area and segment in one (docs/vm.md) ----
 * The prototype PTEs are in chunks of MI_PROTO_CHUNK (one 4 KiB pool block each), made when first
 * needed: a chunk that does not exist holds `initial` in every PTE. Chunks never move, so a PFN
 * entry may point at a prototype PTE. Prototype PTEs and the counts are under the PFN lock.
 *   prototype PTE   valid (the frame) | transition (read in progress, MI_PFN_READ_IN_PROGRESS) |
 *                   demand zero (committed, not yet materialized) | 0 (pagefile: not committed;
 *                   data file: not read yet)
 */
#define MI_PROTO_CHUNK 1024u

struct mi_segment;
struct mi_image;

/* What each kind of segment does differently (STYLE rule 5): pagefile-backed (mm/segment.c), data
 * file (mm/segment.c), image (mm/image.c). */
struct mi_segment_ops {
    const char *name;
    uint32_t segment_tag, chunk_tag; /* pool tags: the segment and its chunk table; its chunks */
    /* Fills a new page (mapped at `page`) of a prototype PTE that is 0; may wait for the disk.
     * NULL: the kind never reads pages, and a zero prototype PTE is a page not committed. */
    NTSTATUS (*fill)(struct mi_segment *segment, uint32_t index, uint8_t *page);
    /* Writes the modified resident pages of [first, first + count) back; NULL: nothing to write. */
    NTSTATUS (*flush)(struct mi_segment *segment, uint32_t first, uint32_t count);
    /* The last reference went: release what the kind holds (the file). Returns true when the
     * segment was revived meanwhile and must stay. NULL: nothing to do. */
    bool (*release)(struct mi_segment *segment);
    /* The protection of page index in a view mapped with view_protection. NULL: view_protection. */
    uint32_t (*page_protection)(const struct mi_segment *segment, uint32_t index,
                                uint32_t view_protection);
    /* Keep the segment (on the unused list, with its pages) when its last reference goes, so the
     * next process that maps the file reads nothing already resident (images). */
    bool keep_unused;
};

#define MI_MAX_UNUSED_SEGMENTS 32

/* Resident pages of image segments (PFN lock): mm_frame_stats.image_pages. */
extern uint32_t mi_image_pages;

extern const struct mi_segment_ops mi_pagefile_segment_ops, mi_data_segment_ops,
    mi_image_segment_ops;

struct mi_segment {
    const struct mi_segment_ops *ops;
    uint32_t pages;
    pte_t **chunks;
    uint32_t chunk_count;
    pte_t initial;
    uint32_t protection; /* the section's page protection (MM) */
    uint32_t references; /* section objects and views */
    bool deleting; /* the last reference is writing the pages back (may be revived meanwhile) */
    uint32_t views;
    uint32_t commit; /* pages charged to the system commit */
    uint32_t pages_read; /* read from the file since the segment was made */
    /* data files */
    const struct mm_file_pager *pager;
    void *file; /* a referenced file object, for the pager */
    void **owner; /* where the file's FCB points at this segment */
    bool file_gone; /* the file was deleted: nothing is read or written any more */
    struct mi_image *image; /* image segments: the layout and what the loader needs */
    bool unused; /* on the unused list: no reference, kept for the next user */
    struct list_entry unused_link;
    struct mi_segment *next; /* on the list of data segments (flushed at shutdown) */
};

/* Where a fault on a page of vad, a view, is counted: images apart from the other sections. */
static inline struct mm_view_fault_counters *mi_view_counters(struct mm_address_space *as,
                                                              const struct mm_vad *vad)
{
    return vad->segment && vad->segment->image ? &as->faults.images : &as->faults.views;
}

/* An in-page operation: the event a collided fault waits on and the read's status. */
struct mi_inpage {
    struct ke_event done;
    NTSTATUS status;
    uint32_t references;
};

NTSTATUS mi_create_pagefile_segment(uint32_t pages, uint32_t protection, bool commit,
                                    struct mi_segment **segment);
NTSTATUS mi_create_data_segment(const struct mm_file_pager *pager, void *file, void **owner,
                                uint32_t pages, struct mi_segment **segment);
/* One more reference; an unused segment leaves the unused list (it is revived). The _locked form
 * is for a caller that holds the PFN lock (finding the segment through a file's FCB). */
void mi_reference_segment(struct mi_segment *segment);
void mi_reference_segment_locked(struct mi_segment *segment);
/* Grows a data segment to `pages` (a later section of a longer file). */
NTSTATUS mi_extend_segment(struct mi_segment *segment, uint32_t pages);
void mi_release_inpage(struct mi_inpage *inpage);
/* Deletes the segment now if it is unused (a writer or a delete wants its file); true if it was. */
bool mi_purge_unused_segment(struct mi_segment *segment);
/* The last reference flushes a data segment's modified pages and frees everything, or puts a kind
 * that keeps unused segments on the unused list (the oldest there beyond MI_MAX_UNUSED_SEGMENTS, or
 * all while frames are short, are deleted). May wait. */
void mi_dereference_segment(struct mi_segment *segment);
/* The prototype PTE of page index; NULL while its chunk has not been made (then the page holds
 * segment->initial). PFN lock held. */
pte_t *mi_proto_pte(struct mi_segment *segment, uint32_t index);
pte_t mi_read_proto_pte(struct mi_segment *segment, uint32_t index);
/* Makes page index resident. RESOLVED with *frame; RETRY after it read the page or waited for
 * another fault's read (*waited says which; it dropped `held`, the address space's lock, meanwhile
 * and took it again); ACCESS_VIOLATION for a page not committed; NO_MEMORY; IO_ERROR when the read
 * failed. */
enum mm_fault_status mi_segment_page(struct mi_segment *segment, uint32_t index,
                                     struct ke_lock *held, pfn_t *frame, bool *waited);
/* Commits pages [first, first + count) of a pagefile segment made with SEC_RESERVE. */
NTSTATUS mi_commit_segment(struct mi_segment *segment, uint32_t first, uint32_t count,
                           uint32_t protection);
/* Writes the modified resident pages of [first, first + count) to the file (data segments). */
NTSTATUS mi_flush_segment(struct mi_segment *segment, uint32_t first, uint32_t count);
/* The protection of page index of a segment in a view mapped with view_protection. */
uint32_t mi_segment_page_protection(const struct mi_segment *segment, uint32_t index,
                                    uint32_t view_protection);
/* Is a page whose prototype PTE holds proto committed? (Only pagefile-backed SEC_RESERVE pages are
 * not, until committed.) */
bool mi_segment_committed(const struct mi_segment *segment, pte_t proto);
/* mm/image.c: the image segment of a PE file (STATUS_INVALID_IMAGE_FORMAT), and what it says. */
NTSTATUS mi_create_image_segment(const struct mm_file_pager *pager, void *file, void **owner,
                                 struct mi_segment **segment);
const struct mm_image_info *mi_image_info(const struct mi_segment *segment);
/* For image segments: a new segment with pages and ops, owned by the file's FCB. */
NTSTATUS mi_create_file_segment(const struct mi_segment_ops *ops, const struct mm_file_pager *pager,
                                void *file, void **owner, uint32_t pages,
                                struct mi_segment **segment);
/* Records a hardware dirty bit of a process PTE that maps frame. */
void mi_note_dirty(pfn_t frame);

/* mm/aspace.c: user PTEs of the current address space, with the page-table use counts. */
/* The PTE of va, or NULL when no page table covers it. */
pte_t *mi_user_pte(vaddr_t va);
/* The PTE of va, making the page table (STATUS_NO_MEMORY). */
NTSTATUS mi_user_pte_make(struct mm_address_space *as, vaddr_t va, pte_t **pte);
/* Replaces a user PTE, keeping the use count (a table left with no non-zero PTE is freed, so pte
 * may dangle afterwards) and flushing the TLB entry when the old PTE was valid. */
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
NTSTATUS mi_private_commit(struct mm_address_space *as, struct mm_vad *vad, vaddr_t start,
                           vaddr_t end, uint32_t protection);
/* mm/view.c */
NTSTATUS mi_map_view(struct mi_segment *segment, uint64_t section_size, vaddr_t *base,
                     uint32_t *size, uint64_t offset, uint32_t zero_bits, uint32_t type,
                     uint32_t protection);
/* Maps a whole image view (STATUS_IMAGE_NOT_AT_BASE when not at its base). */
NTSTATUS mi_map_image_view(struct mi_segment *segment, vaddr_t *base, uint32_t *size,
                           uint32_t zero_bits, uint32_t type);
/* The effective protection of a page (what NtQueryVirtualMemory reports), 0 when not committed. */
uint32_t mi_page_protection(const struct mm_vad *vad, vaddr_t va, pte_t pte);

/* mm/commit.c: STATUS_COMMITMENT_LIMIT when the charge does not fit. A NULL address space charges
 * the system alone (pagefile-backed sections). */
NTSTATUS mi_charge_commit(struct mm_address_space *as, uint32_t pages);
void mi_return_commit(struct mm_address_space *as, uint32_t pages);
void mi_init_commit(void);
void mi_init_sections(void); /* mm/section.c */

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
