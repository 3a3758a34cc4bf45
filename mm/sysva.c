/* mm/sysva.c: system virtual address space: a bitmap of the pages between 0x80000000 and
 * hyperspace, with the ranges that are not to be handed out (user space under split=3G, the kernel
 * image, the PFN database) marked in use at boot. First fit from a roving hint; runs never wrap
 * around. */
#include "kernel/rtl/string.h"
#include "mm/mi.h"

#define SYSVA_BASE  0x80000000u
#define SYSVA_PAGES ((MM_SYSTEM_VA_END - SYSVA_BASE) / PAGE_SIZE)
#define WORD_BITS   32

/* 1 = in use. Mapped at boot from boot frames (mm/init.c), not in .bss. */
static uint32_t *const sysva_bitmap = (uint32_t *)(uintptr_t)MM_SYSVA_BITMAP_BASE;
_Static_assert(SYSVA_PAGES / 8 <= MM_SYSVA_BITMAP_BYTES, "the system VA bitmap fits its window");
static uint32_t sysva_hint, sysva_free;
static struct ke_spin_lock sysva_lock = KE_SPIN_LOCK_INIT("system VA");

static bool page_used(uint32_t i) { return sysva_bitmap[i / WORD_BITS] & (1u << (i % WORD_BITS)); }

static void mark(uint32_t first, uint32_t count, bool used)
{
    for (uint32_t i = first; i < first + count; i++) {
        if (used)
            sysva_bitmap[i / WORD_BITS] |= 1u << (i % WORD_BITS);
        else
            sysva_bitmap[i / WORD_BITS] &= ~(1u << (i % WORD_BITS));
    }
    if (used)
        sysva_free -= count;
    else
        sysva_free += count;
}

static uint32_t page_index(vaddr_t va) { return (va - SYSVA_BASE) / PAGE_SIZE; }

void mi_init_system_va(void)
{
    memset(sysva_bitmap, 0xff, SYSVA_PAGES / 8);
    sysva_free = 0;
    vaddr_t start = mm_split.system_range_start == SYSVA_BASE ? SYSVA_BASE : MM_SYSTEM_VA_START;
    if (start == SYSVA_BASE) /* split=2G: 0x80000000-0xBFFFFFFF is system space too */
        mark(page_index(SYSVA_BASE), page_index(MM_KERNEL_IMAGE_BASE), false);
    mark(page_index(MM_SYSTEM_VA_START), SYSVA_PAGES - page_index(MM_SYSTEM_VA_START), false);
    sysva_hint = page_index(MM_SYSTEM_VA_START);
}

/* Finds `pages` clear bits in a row in [from, to); returns the first index or UINT32_MAX. */
static uint32_t find_run(uint32_t from, uint32_t to, uint32_t pages)
{
    uint32_t run = 0;
    for (uint32_t i = from; i < to; i++) {
        if (run == 0 && i % WORD_BITS == 0 && sysva_bitmap[i / WORD_BITS] == UINT32_MAX &&
            i + WORD_BITS <= to) {
            i += WORD_BITS - 1; /* a full word: skip it whole */
            continue;
        }
        run = page_used(i) ? 0 : run + 1;
        if (run == pages)
            return i + 1 - pages;
    }
    return UINT32_MAX;
}

vaddr_t mm_alloc_system_va(uint32_t pages)
{
    if (pages == 0 || pages > SYSVA_PAGES)
        return 0;
    uint32_t irq = ke_acquire_spin_lock(&sysva_lock);
    uint32_t first = find_run(sysva_hint, SYSVA_PAGES, pages);
    if (first == UINT32_MAX)
        first = find_run(0, MIN(sysva_hint + pages, SYSVA_PAGES), pages);
    vaddr_t va = 0;
    if (first != UINT32_MAX) {
        mark(first, pages, true);
        sysva_hint = first + pages < SYSVA_PAGES ? first + pages : 0;
        va = SYSVA_BASE + first * PAGE_SIZE;
    }
    ke_release_spin_lock(&sysva_lock, irq);
    return va;
}

void mm_free_system_va(vaddr_t va, uint32_t pages)
{
    uint32_t first = page_index(va);
    if (va < SYSVA_BASE || (va & PAGE_MASK) || first + pages > SYSVA_PAGES || pages == 0)
        ke_panic("mm: freeing system VA %08x (%u pages) outside system space", va, pages);
    uint32_t irq = ke_acquire_spin_lock(&sysva_lock);
    for (uint32_t i = first; i < first + pages; i++)
        if (!page_used(i))
            ke_panic("mm: freeing system VA %08x (%u pages): page %08x is not in use", va, pages,
                     SYSVA_BASE + i * PAGE_SIZE);
    mark(first, pages, false);
    ke_release_spin_lock(&sysva_lock, irq);
}

uint32_t mm_system_va_pages_free(void) { return sysva_free; }

void *mm_alloc_pages(uint32_t pages, enum mm_frame_kind kind)
{
    vaddr_t va = mm_alloc_system_va(pages);
    if (!va)
        return NULL;
    for (uint32_t i = 0; i < pages; i++) {
        pfn_t pfn = mm_alloc_frame(kind);
        if (pfn == MM_PFN_NONE ||
            !NT_SUCCESS(mm_map_kernel_page(va + i * PAGE_SIZE, pfn, MM_MAP_WRITE))) {
            if (pfn != MM_PFN_NONE)
                mm_free_frame(pfn);
            mm_free_pages((void *)(uintptr_t)va, i);
            mm_free_system_va(va + i * PAGE_SIZE, pages - i);
            return NULL;
        }
    }
    return (void *)(uintptr_t)va;
}

void mm_free_pages(void *p, uint32_t pages)
{
    vaddr_t va = (vaddr_t)(uintptr_t)p;
    for (uint32_t i = 0; i < pages; i++) {
        pfn_t pfn = mm_unmap_kernel_page(va + i * PAGE_SIZE);
        if (pfn == MM_PFN_NONE)
            ke_panic("mm: freeing pages at %08x: page %u of %u is not mapped", va, i, pages);
        mm_free_frame(pfn);
    }
    if (pages)
        mm_free_system_va(va, pages);
}
