/* mm/aspace.c: process address spaces: a page directory whose system half is copied from the System
 * process's (and then kept identical by mi_ensure_page_table), a private user half, and the helpers
 * that map private pages into it. Until VADs exist (the VM issue) user memory is only what the kernel
 * maps here on a process's behalf: its image, stacks, PEB, TEBs and the shared user data page. */
#include "kernel/string.h"
#include "mm/mi.h"

static uint32_t user_pdes(void) { return PDE_INDEX(mm_split.system_range_start); }

NTSTATUS mm_create_address_space(struct mm_address_space *as)
{
    pfn_t directory = mm_alloc_frame(MM_FRAME_ZEROED);
    if (directory == MM_PFN_NONE)
        return STATUS_NO_MEMORY;
    pte_t *dir = mm_map_hyperspace(directory);
    pte_t *system = mm_map_hyperspace(mm_system_address_space.directory);
    /* Copy and link with interrupts off, so that no system PDE can be created in between. */
    uint32_t irq = ke_disable_interrupts();
    for (uint32_t i = user_pdes(); i < MM_SELF_MAP_PDE; i++)
        dir[i] = system[i];
    dir[MM_SELF_MAP_PDE] = pte_make_valid(directory, PTE_WRITE);
    as->directory = directory;
    as->next = mm_system_address_space.next;
    mm_system_address_space.next = as;
    ke_restore_interrupts(irq);
    mm_unmap_hyperspace(system);
    mm_unmap_hyperspace(dir);
    return STATUS_SUCCESS;
}

static void unlink_address_space(struct mm_address_space *as)
{
    uint32_t irq = ke_disable_interrupts();
    for (struct mm_address_space **p = &mm_system_address_space.next; *p; p = &(*p)->next) {
        if (*p == as) {
            *p = as->next;
            break;
        }
    }
    ke_restore_interrupts(irq);
}

/* Releases every user page and page table of a directory (walked through hyperspace, so it works on
 * any address space but the current one). */
static void release_user_half(pfn_t directory)
{
    pte_t *dir = mm_map_hyperspace(directory);
    for (uint32_t i = 0; i < user_pdes(); i++) {
        if (!pte_valid(dir[i]))
            continue;
        pte_t *table = mm_map_hyperspace(pte_frame(dir[i]));
        for (uint32_t j = 0; j < PTES_PER_TABLE; j++)
            if (pte_valid(table[j]))
                mm_release_frame(pte_frame(table[j]));
        mm_unmap_hyperspace(table);
        mm_free_frame(pte_frame(dir[i]));
        dir[i] = 0;
    }
    mm_unmap_hyperspace(dir);
}

void mm_delete_address_space(struct mm_address_space *as)
{
    if (as->directory == MM_PFN_NONE)
        return;
    if (pte_frame(read_cr3()) == as->directory)
        ke_panic("mm: deleting the current address space (directory %#x)", as->directory);
    unlink_address_space(as);
    release_user_half(as->directory);
    mm_free_frame(as->directory);
    as->directory = MM_PFN_NONE;
}

void mm_switch_address_space(const struct mm_address_space *as)
{
    uint32_t cr3 = as->directory << PAGE_SHIFT;
    if (read_cr3() != cr3)
        write_cr3(cr3);
}

/* Makes sure a user page table covers va in the current address space. */
static NTSTATUS ensure_user_page_table(vaddr_t va)
{
    pte_t *pde = mi_pde_address(va);
    if (pte_valid(*pde))
        return STATUS_SUCCESS;
    pfn_t table = mm_alloc_frame(MM_FRAME_ZEROED);
    if (table == MM_PFN_NONE)
        return STATUS_NO_MEMORY;
    *pde = pte_make_valid(table, PTE_WRITE | PTE_USER);
    cpu_invlpg(mi_page_table_va(va));
    return STATUS_SUCCESS;
}

static bool user_range_ok(vaddr_t va, uint32_t pages)
{
    vaddr_t limit = mm_split.highest_user_address + 1;
    return (va & PAGE_MASK) == 0 && va >= MM_LOWEST_USER_ADDRESS && pages > 0 && va < limit &&
           pages <= (limit - va) / PAGE_SIZE;
}

NTSTATUS mm_map_user_frame(vaddr_t va, pfn_t pfn, enum mm_user_protection protection)
{
    if (!user_range_ok(va, 1) && va != MM_SHARED_USER_DATA)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = ensure_user_page_table(va);
    if (!NT_SUCCESS(status))
        return status;
    pte_t *pte = mi_pte_address(va);
    if (pte_valid(*pte))
        return STATUS_CONFLICTING_ADDRESSES;
    *pte = pte_make_valid(pfn, PTE_USER | (protection == MM_USER_READWRITE ? PTE_WRITE : 0));
    return STATUS_SUCCESS;
}

NTSTATUS mm_map_user_pages(vaddr_t va, uint32_t pages, enum mm_user_protection protection)
{
    if (!user_range_ok(va, pages))
        return STATUS_INVALID_PARAMETER;
    for (uint32_t i = 0; i < pages; i++) {
        pfn_t pfn = mm_alloc_frame(MM_FRAME_ZEROED);
        NTSTATUS status = pfn == MM_PFN_NONE
                              ? STATUS_NO_MEMORY
                              : mm_map_user_frame(va + i * PAGE_SIZE, pfn, protection);
        if (!NT_SUCCESS(status)) {
            if (pfn != MM_PFN_NONE)
                mm_free_frame(pfn);
            mm_unmap_user_pages(va, i);
            return status;
        }
    }
    return STATUS_SUCCESS;
}

void mm_unmap_user_pages(vaddr_t va, uint32_t pages)
{
    for (uint32_t i = 0; i < pages; i++, va += PAGE_SIZE) {
        if (!pte_valid(*mi_pde_address(va)))
            continue;
        pte_t *pte = mi_pte_address(va);
        pte_t old = *pte;
        if (!pte_valid(old))
            continue;
        *pte = 0;
        cpu_invlpg(va);
        mm_release_frame(pte_frame(old));
    }
}

void mm_reference_frame(pfn_t pfn)
{
    uint32_t irq = mi_lock_pfn();
    struct mi_pfn *e = mi_pfn_entry(pfn);
    ASSERT(e->state == MI_PFN_ACTIVE && e->ref_count < UINT16_MAX);
    e->ref_count++;
    mi_unlock_pfn(irq);
}

void mm_release_frame(pfn_t pfn)
{
    uint32_t irq = mi_lock_pfn();
    struct mi_pfn *e = mi_pfn_entry(pfn);
    if (e->state != MI_PFN_ACTIVE || e->ref_count == 0)
        ke_panic("mm: releasing frame %#x with state %u and %u references", pfn, e->state,
                 e->ref_count);
    bool last = --e->ref_count == 0;
    mi_unlock_pfn(irq);
    if (last)
        mm_free_frame(pfn);
}
