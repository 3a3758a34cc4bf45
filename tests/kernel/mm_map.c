/* tests/kernel/mm_map.c: kernel mappings through the self-map, TLB invalidation, hyperspace, and
 * the final protections of the kernel image (code read-only, boot window and stack guard
 * unmapped). */
#include "kernel/ke/boot.h"
#include "kernel/ke/ktest.h"
#include "kernel/rtl/string.h"
#include "kernel/ke/trap.h"
#include "mm/mi.h"

static bool readable(vaddr_t va)
{
    uint8_t byte;
    return ke_copy_safe(&byte, (void *)(uintptr_t)va, 1) == STATUS_SUCCESS;
}

static void fill_frame(pfn_t pfn, uint32_t value)
{
    uint32_t *p = mm_map_hyperspace(pfn);
    for (unsigned i = 0; i < PAGE_SIZE / 4; i++)
        p[i] = value;
    mm_unmap_hyperspace(p);
}

KTEST(mm, map_unmap_through_self_map)
{
    vaddr_t va = mm_alloc_system_va(1);
    pfn_t pfn = mm_alloc_frame(MM_FRAME_ZEROED);
    KT_TRUE(va && pfn != MM_PFN_NONE);
    KT_EQ(mm_map_kernel_page(va, pfn, MM_MAP_WRITE), STATUS_SUCCESS);
    pte_t pte = *mi_pte_address(va);
    KT_EQ(pte_frame(pte), pfn);
    KT_EQ(pte & (PTE_PRESENT | PTE_WRITE | PTE_USER), PTE_PRESENT | PTE_WRITE);
    KT_EQ(mm_query_frame(va), pfn);
    *(volatile uint32_t *)(uintptr_t)va = 0x1234abcd; /* visible through another mapping */
    uint32_t *alias = mm_map_hyperspace(pfn);
    uint32_t seen = *alias;
    mm_unmap_hyperspace(alias);
    KT_EQ(seen, 0x1234abcd);
    KT_EQ(mm_map_kernel_page(va, pfn, MM_MAP_WRITE), STATUS_CONFLICTING_ADDRESSES);
    KT_EQ(mm_unmap_kernel_page(va), pfn);
    KT_EQ(*mi_pte_address(va), 0);
    KT_EQ(mm_query_frame(va), MM_PFN_NONE);
    KT_EQ(mm_unmap_kernel_page(va), MM_PFN_NONE);
    KT_TRUE(!readable(va));
    mm_free_frame(pfn);
    mm_free_system_va(va, 1);
    return NULL;
}

/* Read through a mapping (so the TLB holds it), remap the page to another frame: the next read must
 * see the new frame. Without the INVLPG in mm_unmap_kernel_page the CPU would keep the old one. */
KTEST(mm, tlb_invalidated_after_unmap)
{
    vaddr_t va = mm_alloc_system_va(1);
    pfn_t a = mm_alloc_frame(MM_FRAME_ANY), b = mm_alloc_frame(MM_FRAME_ANY);
    fill_frame(a, 0xaaaaaaaa);
    fill_frame(b, 0xbbbbbbbb);
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)va;
    uint32_t first = 0, after_unmap_ok = 1, second = 0;
    for (int round = 0; round < 3; round++) {
        mm_map_kernel_page(va, a, MM_MAP_WRITE);
        first = p[round];
        mm_unmap_kernel_page(va);
        after_unmap_ok = readable(va);
        mm_map_kernel_page(va, b, MM_MAP_WRITE);
        second = p[round];
        mm_unmap_kernel_page(va);
        if (first != 0xaaaaaaaa || second != 0xbbbbbbbb || after_unmap_ok)
            break;
    }
    mm_free_frame(a);
    mm_free_frame(b);
    mm_free_system_va(va, 1);
    KT_EQ(first, 0xaaaaaaaa);
    KT_EQ(after_unmap_ok, 0);
    KT_EQ(second, 0xbbbbbbbb);
    return NULL;
}

KTEST(mm, kernel_code_is_read_only)
{
    vaddr_t code = (vaddr_t)(uintptr_t)ke_copy_safe;
    KT_EQ(*mi_pte_address(code) & PTE_WRITE, 0);
    uint8_t byte = 0x90;
    /* CR0.WP makes the read-only PTE bind ring 0: the write faults and is recovered. */
    KT_EQ(ke_copy_safe((void *)(uintptr_t)code, &byte, 1), STATUS_ACCESS_VIOLATION);
    KT_TRUE(readable(code));
    return NULL;
}

KTEST(mm, boot_mappings_dropped)
{
    KT_TRUE(!readable(0x00100000)); /* the identity map */
    KT_TRUE(!readable(MM_KERNEL_IMAGE_BASE + 0x1000)); /* low memory below VGA */
    KT_TRUE(!readable((vaddr_t)(uintptr_t)boot_stack_guard)); /* the boot stack's guard page */
    KT_TRUE(!readable(0xC07FF000)); /* the end of the 8 MiB boot window */
    KT_TRUE(readable(0xC00B8000)); /* VGA text memory stays */
    KT_TRUE(readable((vaddr_t)(uintptr_t)__kernel_start));
    return NULL;
}

KTEST(mm, hyperspace_slots)
{
    pfn_t pfn = mm_alloc_frame(MM_FRAME_ZEROED);
    uint32_t *one = mm_map_hyperspace(pfn), *two = mm_map_hyperspace(pfn);
    KT_TRUE(one != two);
    KT_TRUE((vaddr_t)(uintptr_t)one >= MM_HYPERSPACE_BASE &&
            (vaddr_t)(uintptr_t)two >= MM_HYPERSPACE_BASE);
    one[7] = 77;
    uint32_t seen = two[7];
    mm_unmap_hyperspace(two);
    mm_unmap_hyperspace(one);
    mm_free_frame(pfn);
    KT_EQ(seen, 77);
    KT_TRUE(!readable((vaddr_t)(uintptr_t)one));
    /* All slots can be taken and given back. */
    void *slots[MM_HYPERSPACE_SLOTS];
    for (int i = 0; i < MM_HYPERSPACE_SLOTS; i++)
        slots[i] = mm_map_hyperspace(mi_highest_pfn);
    for (int i = 0; i < MM_HYPERSPACE_SLOTS; i++)
        mm_unmap_hyperspace(slots[i]);
    return NULL;
}

KTEST(mm, new_page_table_for_system_space)
{
    /* A run far from everything so far needs a page table of its own. */
    struct mm_frame_stats before, after;
    vaddr_t va = 0;
    for (vaddr_t probe = 0xF0000000u; probe < MM_SYSTEM_VA_END && !va; probe += 0x400000u)
        if (!pte_valid(*mi_pde_address(probe)))
            va = probe;
    KT_TRUE(va != 0);
    mm_get_frame_stats(&before);
    pfn_t pfn = mm_alloc_frame(MM_FRAME_ANY);
    KT_EQ(mm_map_kernel_page(va, pfn, MM_MAP_READ), STATUS_SUCCESS);
    mm_get_frame_stats(&after);
    KT_TRUE(pte_valid(*mi_pde_address(va)));
    KT_EQ(*mi_pde_address(va) & PTE_USER, 0);
    KT_EQ(after.active, before.active + 2); /* the frame and its new page table */
    KT_EQ(*mi_pte_address(va) & PTE_WRITE, 0); /* mapped read-only as asked */
    KT_EQ(mm_unmap_kernel_page(va), pfn);
    mm_free_frame(pfn);
    return NULL;
}
