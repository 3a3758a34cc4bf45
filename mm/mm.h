/* mm/mm.h: the memory manager's interface to the rest of the kernel: the address-space layout and
 * the split, physical frames, kernel mappings, hyperspace, system virtual addresses, the non-paged
 * pool, and the page-fault entry. Internal helpers are mi_* in mm/mi.h. */
#ifndef PAGODA_MM_H
#define PAGODA_MM_H

#include "kernel/ke/lock.h"
#include "kernel/ndk/ntstatus.h"
#include "kernel/ndk/types.h"
#include "mm/vad.h"

struct ke_trap_frame;

/* ---- the address-space layout (docs/memory-map.md) ---- */
#define MM_LOWEST_USER_ADDRESS 0x00010000u
#define MM_SHARED_USER_DATA    0x7FFE0000u
#define MM_KERNEL_IMAGE_BASE   0xC0000000u /* KERNEL_VIRTUAL_BASE: physical 0 maps here */
#define MM_LOW_WINDOW_BASE     0xC00A0000u /* VGA memory and ROMs, physical 0xA0000-0xFFFFF */
#define MM_LOW_WINDOW_END      0xC0100000u
#define MM_PFN_DATABASE_BASE   0xC1000000u
#define MM_PFN_DATABASE_END    0xC3000000u /* 32 MiB: room for 4 GiB of frames (24 MiB) ... */
#define MM_SYSVA_BITMAP_BASE   0xC2FF0000u /* ... and, in its last 64 KiB, the system VA bitmap */
#define MM_SYSVA_BITMAP_BYTES  0x10000u
#define MM_SYSTEM_VA_START     0xC3000000u /* pool, stacks, system views, I/O space */
#define MM_SYSTEM_VA_END       0xFF800000u
#define MM_HYPERSPACE_BASE     0xFF800000u
#define MM_HYPERSPACE_SLOTS    64

/* The user/kernel split (split=2G or split=3G), fixed at boot. */
struct mm_split_info {
    vaddr_t highest_user_address; /* 0x7FFEFFFF or 0xBFFEFFFF */
    vaddr_t user_probe_address; /* 0x7FFF0000 or 0xBFFF0000: user pointers must be below it */
    vaddr_t system_range_start; /* 0x80000000 or 0xC0000000 */
};
extern struct mm_split_info mm_split;
/* The limits of a split with user_gigabytes (2 or 3) of user space (NT's MmHighestUserAddress,
 * MmUserProbeAddress, MmSystemRangeStart). */
void mm_compute_split(unsigned user_gigabytes, struct mm_split_info *info);

/* Faults on the pages of views (prototype PTEs), of one kind of section. */
struct mm_view_fault_counters {
    uint32_t resident; /* the page was in memory already */
    uint32_t read; /* read from its file */
    uint32_t collided; /* waited for another fault's read of the same page */
    uint32_t copy_on_write; /* a write to a copy-on-write page made a private copy */
};

/* Faults resolved in one address space, by kind (readable by tests; docs/vm.md). Image views are
 * counted apart: every program faults on its exe's and ntdll's pages as it runs, and a test counts
 * the faults on the views it makes. */
struct mm_fault_counters {
    uint32_t demand_zero;
    struct mm_view_fault_counters views; /* data files and pagefile-backed sections */
    struct mm_view_fault_counters images; /* executables and DLLs (SEC_IMAGE) */
    uint32_t guard;
    uint32_t stack_growth;
    uint32_t access_violations;
    uint32_t in_page_errors;
    uint32_t from_kernel; /* taken by a system call's copy of user memory */
};

#define MM_MAX_USER_PDES 768 /* user page tables with split=3G */

/* An address space (docs/vm.md): the page directory, its place on the list of all of them (which
 * mi_ensure_page_table walks to keep kernel PDEs identical everywhere), and for a process the VAD
 * tree and the use counts of its user page tables, under `lock`, a sleeping lock. */
struct mm_address_space {
    pfn_t directory;
    struct mm_address_space *next;
    struct ke_lock lock;
    struct mi_vad_tree vads;
    vaddr_t highest_address; /* 0x7FFEFFFF, or 0xBFFEFFFF for a large-address-aware process */
    uint32_t commit; /* pages charged to the system commit */
    uint32_t peak_commit;
    struct mm_fault_counters faults;
    uint16_t table_use[MM_MAX_USER_PDES]; /* non-zero PTEs in each user page table */
};
extern struct mm_address_space mm_system_address_space;

/* ---- process address spaces (mm/aspace.c) ---- */
enum mm_address_limit { MM_LIMIT_2GB, MM_LIMIT_LARGE_ADDRESS_AWARE };
/* A new directory sharing system space, on the list of address spaces, with an empty VAD tree whose
 * top is 2 GiB, or 3 GiB for a large-address-aware process when the split is 3G.
 * STATUS_NO_MEMORY. */
NTSTATUS mm_create_address_space(struct mm_address_space *as, enum mm_address_limit limit);
/* Releases every VAD, user page and page table; the address space must be current. Then (from any
 * address space but this one) mm_delete_address_space frees the directory. */
void mm_clean_address_space(struct mm_address_space *as);
/* The System process's view of the system address space: the kernel's directory, no user space. */
void mm_init_kernel_address_space(struct mm_address_space *as);
void mm_delete_address_space(struct mm_address_space *as);
/* Makes as current (CR3); the scheduler calls it on every switch with the thread's address space,
 * which is its process's unless it is attached to another (ps_attach_process). */
void mm_switch_address_space(struct mm_address_space *as);
struct mm_address_space *mm_current_address_space(void);
/* Maps the shared user data frame read-only at MM_SHARED_USER_DATA in the current address space, as
 * a one-page private VAD that cannot be freed or reprotected. */
NTSTATUS mm_map_shared_user_data(pfn_t frame);
/* A private region of `pages` pages, committed read-write and made resident at once (the PEB and
 * TEBs, which the kernel fills): at *va when mm_place is MM_PLACE_EXACT, else the highest free
 * pages below *va (NT's top-down placement of TEBs). Sets *va. STATUS_CONFLICTING_ADDRESSES,
 * STATUS_NO_MEMORY, STATUS_COMMITMENT_LIMIT. */
enum mm_place { MM_PLACE_EXACT, MM_PLACE_TOP_DOWN_BELOW };
NTSTATUS mm_create_resident_region(vaddr_t *va, uint32_t pages, enum mm_place place);

/* ---- virtual memory in the current address space (mm/vm.c) ----
 * The operations behind NtAllocateVirtualMemory, NtFreeVirtualMemory, NtProtectVirtualMemory and
 * NtQueryVirtualMemory on already captured arguments (mm/virtual.c checks and captures). Each takes
 * the address space's lock; *base and *size come back rounded as NT rounds them. */
NTSTATUS mm_allocate_virtual(vaddr_t *base, uint32_t *size, uint32_t zero_bits, uint32_t type,
                             uint32_t protection);
NTSTATUS mm_free_virtual(vaddr_t *base, uint32_t *size, uint32_t free_type);
NTSTATUS mm_protect_virtual(vaddr_t *base, uint32_t *size, uint32_t protection,
                            uint32_t *old_protection);
struct _MEMORY_BASIC_INFORMATION;
NTSTATUS mm_query_virtual(vaddr_t address, struct _MEMORY_BASIC_INFORMATION *info);
/* A thread's user stack the NT way: reserve `reserve` bytes, commit the top `commit` bytes and a
 * guard page below them. Returns the reservation's base and the stack's base (top) and limit. */
struct mm_user_stack {
    vaddr_t allocation_base, base, limit;
};
NTSTATUS mm_create_user_stack(uint32_t reserve, uint32_t commit, struct mm_user_stack *stack);
/* Copies into the current address space's user memory (faulting pages in): for the kernel's own
 * writes into a process it is building. STATUS_ACCESS_VIOLATION etc. as a fault would give. */
NTSTATUS mm_write_user(vaddr_t dst, const void *src, uint32_t length);

/* ---- files under sections (mm/segment.c, mm/section.c) ----
 * What the memory manager needs from the I/O manager to page a file (NT's IoPageRead and paging
 * writes), given as functions so that mm/ depends on nothing above it. `file` is a file object;
 * reads and writes take kernel buffers and never change the file's size. */
struct mm_file_pager {
    NTSTATUS (*read)(void *file, uint64_t offset, void *buf, uint32_t len, uint32_t *done);
    NTSTATUS (*write)(void *file, uint64_t offset, const void *buf, uint32_t len, uint32_t *done);
    NTSTATUS (*query_size)(void *file, uint64_t *size);
    NTSTATUS (*set_size)(void *file, uint64_t size);
    void (*reference)(void *file);
    void (*dereference)(void *file);
};
/* The file cache (DESIGN section 8). `owner` is where a file's FCB points at its data segment
 * (&fcb->section_object_pointers.data_section); while the file has one, its resident pages are the
 * newest data. A read from the disk overlays them; a write to the disk updates them (after any read
 * of them in flight). Nothing happens for a file without a segment. */
void mm_file_cache_read(void **owner, uint64_t offset, void *buf, uint32_t len);
void mm_file_cache_write(void **owner, uint64_t offset, const void *buf, uint32_t len);
/* NtFlushBuffersFile: the modified pages of the file's segment go to the file. */
NTSTATUS mm_file_flush(void **owner);
/* Does the file have a segment in that slot (an image section: it cannot be written or deleted)?
 * An unused one is deleted first (NT's MmFlushImageSection), so it does not count. */
bool mm_file_has_segment(void **owner);
/* Deletes every unused segment now (tests measuring memory; the images cached between launches). */
void mm_purge_unused_segments(void);
/* Do views of the file exist? (A mapped file cannot be deleted.) */
bool mm_file_mapped(void **owner);
/* Before a file is deleted: STATUS_CANNOT_DELETE while views map it; otherwise its pages are
 * dropped and its segment reads and writes the file no more. */
NTSTATUS mm_file_deleting(void **owner);
/* Before a file shrinks to size: STATUS_USER_MAPPED_FILE while views map it; else the pages past
 * the new end are dropped. */
NTSTATUS mm_file_truncating(void **owner, uint64_t size);
/* The clean shutdown: every data segment's modified pages go to their files. */
void mm_flush_all_segments(void);

/* Views (mm/view.c), in the current address space: unmaps the view containing address
 * (STATUS_NOT_MAPPED_VIEW), and writes a view's modified pages back (size 0: to the view's end;
 * STATUS_NOT_MAPPED_DATA for private memory). */
NTSTATUS mm_unmap_view(vaddr_t address);
NTSTATUS mm_flush_view(vaddr_t *base, uint32_t *size);

/* What an image section tells whoever maps it (process creation, the loader's tests): from the PE
 * headers the kernel checked when it made the section (mm/image.c). */
struct mm_image_info {
    vaddr_t image_base;
    uint32_t size_of_image; /* the header's, rounded up to whole pages: what a view maps */
    uint32_t entry_point; /* RVA */
    uint32_t stack_reserve, stack_commit;
    uint16_t characteristics; /* IMAGE_FILE_*: DLL, LARGE_ADDRESS_AWARE, RELOCS_STRIPPED */
    uint16_t subsystem;
    bool relocatable; /* has base relocations: may be mapped away from image_base */
    uint32_t writable_pages; /* copy-on-write pages: charged to commit when a view maps them */
};

/* Image sections for the kernel (mm/section.c): process creation maps the exe and ntdll. */
struct mm_section; /* the body of a Section object (ob type mm_section_type) */
/* An unnamed image section of a file object (one reference): STATUS_INVALID_IMAGE_FORMAT ... */
NTSTATUS mm_create_image_section(void *file, struct mm_section **section);
const struct mm_image_info *mm_section_image_info(const struct mm_section *section);
/* Pages read from the file into the image's segment since it was made (one segment per file, so
 * a second process mapping the image reads none that are resident). */
uint32_t mm_section_pages_read(const struct mm_section *section);
/* Maps the whole image into the current address space at its base (or *base when not 0):
 * STATUS_SUCCESS, or STATUS_IMAGE_NOT_AT_BASE when it went elsewhere (relocatable images only;
 * STATUS_CONFLICTING_ADDRESSES otherwise). */
NTSTATUS mm_map_image_section(struct mm_section *section, vaddr_t *base, uint32_t *size);

/* ---- commit (mm/commit.c) ---- */
struct mm_commit_info {
    uint32_t total, limit, peak; /* pages */
};
void mm_get_commit_info(struct mm_commit_info *info);
/* A test hook: sets the commit limit (pages), returns the old one. */
uint32_t mm_test_set_commit_limit(uint32_t limit);

/* Frame references: a frame mapped in several places (the shared user data page) is freed when its
 * last reference is released. mm_alloc_frame gives a frame with one reference. */
void mm_reference_frame(pfn_t pfn);
void mm_release_frame(pfn_t pfn);

/* ---- boot ---- */
struct mm_phys_entry;
struct mm_phys_range;
/* Builds the PFN database from the normalized memory map, remaps the kernel image with its final
 * protections, drops the boot mappings and initializes pool and system VA. Returns false (after
 * printing why) when there is too little memory to run. */
bool mm_init(const struct mm_phys_range *usable, int usable_count, uint64_t ram_bytes);

/* ---- physical frames (mm/pfn.c) ---- */
#define MM_PFN_NONE 0u /* frame 0 is never handed out, so 0 means "no frame" */
enum mm_frame_kind { MM_FRAME_ANY, MM_FRAME_ZEROED };

/* Takes a frame off the zeroed or free list (zeroing it when asked); MM_PFN_NONE when none is left.
 * The frame is active with a reference count of 1. Callable with interrupts on or off. */
pfn_t mm_alloc_frame(enum mm_frame_kind kind);
/* Returns an active frame to the free list. Panics on a frame that is not active (a double
 * free). */
void mm_free_frame(pfn_t pfn);
/* Zeroes up to max frames from the free list onto the zeroed list (what the idle thread does);
 * returns how many it zeroed. */
unsigned mm_zero_free_frames(unsigned max);

struct mm_frame_stats {
    uint32_t total; /* frames of RAM the PFN database manages */
    uint32_t free;
    uint32_t zeroed;
    uint32_t active; /* in use: free + zeroed + active == total */
    uint32_t page_tables; /* of the active ones, kernel page tables (kept for good once made) */
    uint32_t image_pages; /* of the active ones, pages of executable images: the image cache */
    uint32_t highest_pfn;
};
void mm_get_frame_stats(struct mm_frame_stats *stats);

/* ---- kernel mappings (mm/kmap.c) ---- */
enum mm_map_flags { MM_MAP_READ = 0, MM_MAP_WRITE = 1, MM_MAP_NOCACHE = 2 };
/* Maps one page of system space to pfn, creating the page table when needed (shared by every
 * address space). STATUS_CONFLICTING_ADDRESSES if va is already mapped, STATUS_NO_MEMORY without a
 * frame for the page table. */
NTSTATUS mm_map_kernel_page(vaddr_t va, pfn_t pfn, unsigned flags);
/* Unmaps one page of system space and flushes it from the TLB; returns the frame it mapped or
 * MM_PFN_NONE. The frame itself is not freed. */
pfn_t mm_unmap_kernel_page(vaddr_t va);
/* The frame va maps in the current address space, or MM_PFN_NONE. */
pfn_t mm_query_frame(vaddr_t va);

/* ---- hyperspace (mm/hyperspace.c): any frame, mapped briefly ---- */
void *mm_map_hyperspace(pfn_t pfn);
void mm_unmap_hyperspace(void *va);

/* ---- system virtual address space (mm/sysva.c) ---- */
/* Reserves pages of system space (no frames); 0 when there is no such run. */
vaddr_t mm_alloc_system_va(uint32_t pages);
void mm_free_system_va(vaddr_t va, uint32_t pages);
uint32_t mm_system_va_pages_free(void);

/* Allocates pages of system VA backed by fresh frames (zeroed when asked): kernel stacks, big pool
 * blocks. NULL when out of frames or VA. */
void *mm_alloc_pages(uint32_t pages, enum mm_frame_kind kind);
void mm_free_pages(void *va, uint32_t pages);

/* ---- non-paged pool (mm/pool.c) ---- */
#define MM_TAG(a, b, c, d)                                                                         \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
/* 8-byte aligned memory tagged for accounting; NULL when out of memory or size is 0 or huge. */
void *mm_pool_alloc(size_t size, uint32_t tag);
/* Whom a pool request serves (NT's pool priorities, two of them). The kernel's own requests may
 * take the last frames and system VA; requests made for user mode (charged to a process's quota)
 * fail while only the reserve is left, so that no process can take from the kernel the pool it
 * needs to go on, or to clean up after that process. mm_pool_alloc is MM_POOL_HIGH_PRIORITY. */
enum mm_pool_priority { MM_POOL_HIGH_PRIORITY, MM_POOL_NORMAL_PRIORITY };
void *mm_pool_alloc_priority(size_t size, uint32_t tag, enum mm_pool_priority priority);
/* The reserve, in frames and in pages of system VA: what normal-priority requests leave free. Set
 * at boot to 1/64 of RAM, at least 64 and at most 1,024 pages; a test hook. */
extern uint32_t mm_pool_reserve_pages;
/* What a block of `size` bytes costs the pool, as its tag is charged: the header and the rounding
 * to 8 bytes, or whole pages for a block over a page. 0 for a size mm_pool_alloc refuses. */
size_t mm_pool_block_bytes(size_t size);
/* Frees a pool block; the tag must be the one it was allocated with (else: panic, a kernel bug). */
void mm_pool_free(void *p, uint32_t tag);
/* Bytes (block sizes, headers included) and blocks in use under tag; zero for an unknown tag. */
size_t mm_pool_tag_bytes(uint32_t tag);
uint32_t mm_pool_tag_blocks(uint32_t tag);
/* The index-th tag the pool has charged (0, 1, ... in first-use order) with its bytes and blocks in
 * use; false past the last one. For leak checks that compare every tag before and after. */
struct mm_pool_tag_usage {
    uint32_t tag;
    size_t bytes;
    uint32_t blocks;
};
bool mm_pool_tag_at(unsigned index, struct mm_pool_tag_usage *usage);
size_t mm_pool_bytes_in_use(void);
uint32_t mm_pool_pages_in_use(void);

/* ---- page faults (mm/fault.c) ---- */
enum mm_fault_status {
    MM_FAULT_RESOLVED,
    MM_FAULT_RETRY,
    MM_FAULT_ACCESS_VIOLATION,
    MM_FAULT_GUARD_PAGE,
    MM_FAULT_NO_MEMORY,
    MM_FAULT_IO_ERROR,
    MM_FAULT_STACK_OVERFLOW,
};
/* Resolves a fault at address with the hardware error code (PF_*), from user mode or from a system
 * call's copy of user memory (tf says which; it may sleep then). Only the trap layer acts on a
 * failure (raises, ends the process, fails the copy or panics). */
enum mm_fault_status mm_access_fault(vaddr_t address, uint32_t error, struct ke_trap_frame *tf);
const char *mm_fault_status_name(enum mm_fault_status status);
/* The NTSTATUS a failed fault gives (STATUS_ACCESS_VIOLATION, STATUS_IN_PAGE_ERROR ...). */
NTSTATUS mm_fault_ntstatus(enum mm_fault_status status);
/* For a fault's log line: the VAD at address in the current address space and the page's state. */
void mm_describe_address(vaddr_t address, char *buf, uint32_t size);
/* trace=faults: one log line per fault. */
extern bool mm_trace_faults;

#endif
