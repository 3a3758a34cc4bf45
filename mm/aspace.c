/* mm/aspace.c: process address spaces: a page directory whose system half is copied from the System
 * process's (and then kept identical by mi_ensure_page_table), a VAD tree, and the user page
 * tables, made on demand and freed when their last non-zero PTE goes (table_use counts them). */
#include "kernel/rtl/string.h"
#include "mm/mi.h"

#define VAD_TAG MM_TAG('V', 'a', 'd', ' ')

static struct mm_address_space *current_as = &mm_system_address_space;

static uint32_t user_pdes(void) { return PDE_INDEX(mm_split.system_range_start); }

static void init_vads(struct mm_address_space *as, enum mm_address_limit limit)
{
    bool large = limit == MM_LIMIT_LARGE_ADDRESS_AWARE &&
                 mm_split.highest_user_address > MM_SHARED_USER_DATA;
    as->highest_address = large ? mm_split.highest_user_address : 0x7FFEFFFFu;
    mi_vad_tree_init(&as->vads, MM_LOWEST_USER_ADDRESS >> PAGE_SHIFT,
                     as->highest_address >> PAGE_SHIFT);
    ke_init_lock(&as->lock, "address space");
    memset(as->table_use, 0, sizeof as->table_use);
    as->commit = as->peak_commit = 0;
    memset(&as->faults, 0, sizeof as->faults);
}

NTSTATUS mm_create_address_space(struct mm_address_space *as, enum mm_address_limit limit)
{
    pfn_t directory = mm_alloc_frame(MM_FRAME_ZEROED);
    if (directory == MM_PFN_NONE)
        return STATUS_NO_MEMORY;
    init_vads(as, limit);
    pte_t *dir = mm_map_hyperspace(directory);
    pte_t *system = mm_map_hyperspace(mm_system_address_space.directory);
    /* Copy and link under the lock, so that no system PDE can be created in between. */
    uint32_t irq = ke_acquire_spin_lock(&mi_directory_lock);
    for (uint32_t i = user_pdes(); i < MM_SELF_MAP_PDE; i++)
        dir[i] = system[i];
    dir[MM_SELF_MAP_PDE] = pte_make_valid(directory, PTE_WRITE);
    as->directory = directory;
    as->next = mm_system_address_space.next;
    mm_system_address_space.next = as;
    ke_release_spin_lock(&mi_directory_lock, irq);
    mm_unmap_hyperspace(system);
    mm_unmap_hyperspace(dir);
    return STATUS_SUCCESS;
}

void mm_init_kernel_address_space(struct mm_address_space *as)
{
    as->directory = mm_system_address_space.directory;
    as->next = NULL;
    as->highest_address = 0;
    mi_vad_tree_init(&as->vads, 1, 0); /* an empty range: nothing can be reserved */
    ke_init_lock(&as->lock, "system address space");
}

static void unlink_address_space(struct mm_address_space *as)
{
    uint32_t irq = ke_acquire_spin_lock(&mi_directory_lock);
    for (struct mm_address_space **p = &mm_system_address_space.next; *p; p = &(*p)->next) {
        if (*p == as) {
            *p = as->next;
            break;
        }
    }
    ke_release_spin_lock(&mi_directory_lock, irq);
}

void mm_switch_address_space(struct mm_address_space *as)
{
    current_as = as;
    uint32_t cr3 = as->directory << PAGE_SHIFT;
    if (read_cr3() != cr3)
        write_cr3(cr3);
}

struct mm_address_space *mm_current_address_space(void) { return current_as; }

bool mi_locked(const struct mm_address_space *as) { return ke_lock_held_by_current(&as->lock); }

/* ---- user PTEs ---- */

pte_t *mi_user_pte(vaddr_t va)
{
    ASSERT(va < mm_split.system_range_start);
    return pte_valid(*mi_pde_address(va)) ? mi_pte_address(va) : NULL;
}

NTSTATUS mi_user_pte_make(struct mm_address_space *as, vaddr_t va, pte_t **pte)
{
    ASSERT(as == current_as && va < mm_split.system_range_start);
    pte_t *pde = mi_pde_address(va);
    if (!pte_valid(*pde)) {
        pfn_t table = mm_alloc_frame(MM_FRAME_ZEROED);
        if (table == MM_PFN_NONE)
            return STATUS_NO_MEMORY;
        *pde = pte_make_valid(table, PTE_WRITE | PTE_USER);
        cpu_invlpg(mi_page_table_va(va));
        ASSERT(as->table_use[PDE_INDEX(va)] == 0);
    }
    *pte = mi_pte_address(va);
    return STATUS_SUCCESS;
}

static void free_user_table(vaddr_t va)
{
    pte_t *pde = mi_pde_address(va);
    pfn_t table = pte_frame(*pde);
    *pde = 0;
    cpu_invlpg(mi_page_table_va(va));
    mm_free_frame(table);
}

void mi_write_user_pte(struct mm_address_space *as, vaddr_t va, pte_t *pte, pte_t value)
{
    ASSERT(as == current_as && mi_locked(as));
    pte_t old = *pte;
    uint16_t *use = &as->table_use[PDE_INDEX(va)];
    *pte = value;
    if (pte_valid(old))
        cpu_invlpg(va);
    if (old == 0 && value != 0) {
        ++*use;
    } else if (old != 0 && value == 0) {
        ASSERT(*use > 0);
        if (--*use == 0)
            free_user_table(va);
    }
}

/* Was the page committed, by its PTE (and the VAD for a zero PTE)? Views answer through the VAD. */
static bool pte_committed(const struct mm_vad *vad, pte_t pte)
{
    switch (pte_state(pte)) {
    case PTE_STATE_ZERO: return vad->flags & MI_VAD_MEM_COMMIT;
    case PTE_STATE_DEMAND_ZERO: return pte_soft_protection(pte) != MM_DECOMMIT;
    default: return true;
    }
}

/* One page of mi_teardown_ptes; returns whether it was committed. */
static NTSTATUS teardown_page(struct mm_address_space *as, struct mm_vad *vad, vaddr_t va,
                              enum mi_teardown how, bool *was_committed)
{
    pte_t *pte = mi_user_pte(va), old = pte ? *pte : 0;
    *was_committed = pte_committed(vad, old);
    pte_t new = how == MI_TEARDOWN_DECOMMIT && (vad->flags & MI_VAD_MEM_COMMIT)
                    ? pte_make_demand_zero(MM_DECOMMIT)
                    : 0;
    if (old == new)
        return STATUS_SUCCESS;
    if (!pte) {
        NTSTATUS status = mi_user_pte_make(as, va, &pte);
        if (!NT_SUCCESS(status))
            return status;
    }
    enum pte_state state = pte_state(old);
    mi_write_user_pte(as, va, pte, new);
    if (state == PTE_STATE_VALID || state == PTE_STATE_TRANSITION)
        vad->ops->release_frame(vad, old);
    return STATUS_SUCCESS;
}

NTSTATUS mi_teardown_ptes(struct mm_address_space *as, struct mm_vad *vad, vaddr_t start,
                          vaddr_t end, enum mi_teardown how, uint32_t *committed)
{
    ASSERT(mi_locked(as) && start >= mi_vad_start(vad) && end <= mi_vad_end(vad));
    *committed = 0;
    bool keep_tables = how == MI_TEARDOWN_DECOMMIT && (vad->flags & MI_VAD_MEM_COMMIT);
    uint32_t vpn = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
    while (vpn <= last) {
        vaddr_t va = vpn << PAGE_SHIFT;
        if (!keep_tables && !mi_user_pte(va)) {
            /* No page table: every PTE it would hold is zero. */
            uint32_t stop = MIN(vpn | (PTES_PER_TABLE - 1), last);
            if (vad->flags & MI_VAD_MEM_COMMIT)
                *committed += stop - vpn + 1;
            vpn = stop + 1;
            continue;
        }
        bool was_committed;
        NTSTATUS status = teardown_page(as, vad, va, how, &was_committed);
        if (!NT_SUCCESS(status))
            return status;
        *committed += was_committed;
        vpn++;
    }
    return STATUS_SUCCESS;
}

struct mm_vad *mi_find_vad(struct mm_address_space *as, vaddr_t va)
{
    struct mi_vad_node *n = mi_vad_lookup(&as->vads, va >> PAGE_SHIFT);
    return n ? MI_VAD(n) : NULL;
}

/* ---- the whole address space ---- */

void mm_clean_address_space(struct mm_address_space *as)
{
    ASSERT(as == current_as && as != &mm_system_address_space);
    ke_acquire_lock(&as->lock);
    struct mi_vad_node *n;
    while ((n = mi_vad_first(&as->vads))) {
        struct mm_vad *vad = MI_VAD(n);
        uint32_t committed;
        mi_teardown_ptes(as, vad, mi_vad_start(vad), mi_vad_end(vad), MI_TEARDOWN_ZERO, &committed);
        mi_vad_remove(&as->vads, n);
        vad->ops->destroy(as, vad);
        mi_free_vad(vad);
    }
    for (uint32_t i = 0; i < user_pdes(); i++)
        if (as->table_use[i])
            ke_panic("mm: page table %u still has %u PTEs after every VAD went", i,
                     as->table_use[i]);
    if (as->commit)
        ke_panic("mm: %u pages of commit left after every VAD went", as->commit);
    ke_release_lock(&as->lock);
}

/* A page table left with frames would be a leak: say so loudly, then free what it maps. */
static void release_user_half(pfn_t directory)
{
    pte_t *dir = mm_map_hyperspace(directory);
    for (uint32_t i = 0; i < user_pdes(); i++) {
        if (!pte_valid(dir[i]))
            continue;
        ke_warn("mm: user page table %u left in directory %#x\n", i, directory);
        pte_t *table = mm_map_hyperspace(pte_frame(dir[i]));
        for (uint32_t j = 0; j < PTES_PER_TABLE; j++)
            if (pte_valid(table[j]) && !(table[j] & PTE_PROTO_BACKED))
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
