/* mm/kmap.c: kernel page tables, reached through the self-map. Kernel page tables are shared: a PDE
 * created for system space is written into every address space's directory at once (eagerly, so a
 * kernel stack or pool page is never missing from the directory a thread runs on). */
#include "kernel/rtl/string.h"
#include "mm/mi.h"

struct ke_spin_lock mi_directory_lock = KE_SPIN_LOCK_INIT("page directories");
pte_t mi_global_bit;
uint32_t mi_kernel_page_tables;
struct mm_address_space mm_system_address_space;

void mi_flush_tlb_all(void)
{
    if (mi_global_bit) {
        uint32_t cr4 = read_cr4();
        write_cr4(cr4 & ~CR4_PGE); /* clearing PGE flushes global entries too */
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

static pfn_t alloc_page_table_frame(void)
{
    if (mi_pfn_database_ready)
        return mm_alloc_frame(MM_FRAME_ZEROED);
    pfn_t pfn = mi_boot_alloc_frame();
    mi_zero_frame(pfn);
    return pfn;
}

/* Writes a system-space PDE into every directory except the current one (done through the
 * self-map). */
static void sync_kernel_pde(unsigned index, pte_t pde)
{
    pfn_t current = pte_frame(read_cr3());
    for (struct mm_address_space *as = &mm_system_address_space; as; as = as->next) {
        if (as->directory == current)
            continue;
        pte_t *dir = mm_map_hyperspace(as->directory);
        dir[index] = pde;
        mm_unmap_hyperspace(dir);
    }
}

NTSTATUS mi_ensure_page_table(vaddr_t va)
{
    pte_t *pde = mi_pde_address(va);
    if (pte_valid(*pde))
        return STATUS_SUCCESS;
    pfn_t table = alloc_page_table_frame();
    if (table == MM_PFN_NONE)
        return STATUS_NO_MEMORY;
    uint32_t irq = ke_acquire_spin_lock(&mi_directory_lock);
    if (pte_valid(*pde)) { /* an interrupt handler created it meanwhile */
        ke_release_spin_lock(&mi_directory_lock, irq);
        mm_free_frame(table);
        return STATUS_SUCCESS;
    }
    pte_t entry = pte_make_valid(table, PTE_WRITE);
    *pde = entry;
    mi_kernel_page_tables++;
    if (va >= mm_split.system_range_start)
        sync_kernel_pde(PDE_INDEX(va), entry);
    cpu_invlpg(mi_page_table_va(va));
    ke_release_spin_lock(&mi_directory_lock, irq);
    return STATUS_SUCCESS;
}

NTSTATUS mm_map_kernel_page(vaddr_t va, pfn_t pfn, unsigned flags)
{
    ASSERT(va >= mm_split.system_range_start && (va & PAGE_MASK) == 0);
    ASSERT(PDE_INDEX(va) < MM_HYPERSPACE_PDE);
    NTSTATUS status = mi_ensure_page_table(va);
    if (!NT_SUCCESS(status))
        return status;
    pte_t *pte = mi_pte_address(va);
    if (pte_valid(*pte))
        return STATUS_CONFLICTING_ADDRESSES;
    pte_t bits = mi_global_bit;
    if (flags & MM_MAP_WRITE)
        bits |= PTE_WRITE;
    if (flags & MM_MAP_NOCACHE)
        bits |= PTE_CACHE_DISABLE | PTE_WRITE_THROUGH;
    /* An invalid PTE is never cached in the TLB, so no flush is needed to make this one visible. */
    *pte = pte_make_valid(pfn, bits);
    return STATUS_SUCCESS;
}

pfn_t mm_unmap_kernel_page(vaddr_t va)
{
    ASSERT(va >= mm_split.system_range_start && (va & PAGE_MASK) == 0);
    if (!pte_valid(*mi_pde_address(va)))
        return MM_PFN_NONE;
    pte_t *pte = mi_pte_address(va);
    pte_t old = *pte;
    if (!pte_valid(old))
        return MM_PFN_NONE;
    *pte = 0;
    cpu_invlpg(va);
    return pte_frame(old);
}

pfn_t mm_query_frame(vaddr_t va)
{
    if (!pte_valid(*mi_pde_address(va)))
        return MM_PFN_NONE;
    pte_t pte = *mi_pte_address(va);
    return pte_valid(pte) ? pte_frame(pte) : MM_PFN_NONE;
}
