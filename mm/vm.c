/* mm/vm.c: reserving, committing, decommitting, releasing, protecting and querying virtual memory
 * in the current address space: the work behind the Nt*VirtualMemory services (mm/virtual.c checks
 * and captures their arguments), thread stacks, and the PEB and TEB regions the kernel builds. */
#include "kernel/ndk/ntmm.h"
#include "kernel/rtl/format.h"
#include "kernel/ke/probe.h"
#include "kernel/ke/trap.h"
#include "kernel/rtl/string.h"
#include "mm/mi.h"

#define VAD_TAG                 MM_TAG('V', 'a', 'd', ' ')
#define GRANULARITY             0x10000u
#define HIGHEST_VAD_ADDRESS(as) ((as)->highest_address - GRANULARITY)

struct mm_vad *mi_new_vad(const struct mi_vad_ops *ops, uint32_t type, uint32_t protection)
{
    struct mm_vad *vad = mm_pool_alloc(sizeof *vad, VAD_TAG);
    if (!vad)
        return NULL;
    memset(vad, 0, sizeof *vad);
    vad->ops = ops;
    vad->type = type;
    vad->protection = (uint8_t)protection;
    return vad;
}

void mi_free_vad(struct mm_vad *vad) { mm_pool_free(vad, VAD_TAG); }

static NTSTATUS insert_vad(struct mm_address_space *as, struct mm_vad *vad, vaddr_t start,
                           vaddr_t end)
{
    vad->node.start_vpn = start >> PAGE_SHIFT;
    vad->node.end_vpn = end >> PAGE_SHIFT;
    return mi_vad_insert(&as->vads, &vad->node) ? STATUS_SUCCESS : STATUS_CONFLICTING_ADDRESSES;
}

/* ---- the state of a page ---- */

uint32_t mi_page_protection(const struct mm_vad *vad, vaddr_t va, pte_t pte)
{
    uint32_t protection;
    switch (pte_state(pte)) {
    case PTE_STATE_VALID: return mm_protection_from_pte(pte);
    case PTE_STATE_ZERO: return vad->ops->zero_pte_protection(vad, va);
    case PTE_STATE_PROTOTYPE:
        protection = pte_soft_protection(pte);
        return protection ? protection : vad->ops->zero_pte_protection(vad, va);
    default:
        protection = pte_soft_protection(pte);
        return protection == MM_DECOMMIT ? 0 : protection;
    }
}

/* The protection of every page in [start, end]; a missing page table means zero PTEs. Stops at the
 * first page whose protection differs from the first's; returns the end of the run. */
static vaddr_t same_protection_run(const struct mm_vad *vad, vaddr_t start, vaddr_t end,
                                   uint32_t *first)
{
    uint32_t vpn = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
    bool have_first = false;
    while (vpn <= last) {
        vaddr_t va = vpn << PAGE_SHIFT;
        pte_t *pte = mi_user_pte(va);
        uint32_t step = pte ? 1 : MIN(vpn | (PTES_PER_TABLE - 1), last) - vpn + 1;
        uint32_t p = mi_page_protection(vad, va, pte ? *pte : 0);
        if (!have_first) {
            *first = p;
            have_first = true;
        } else if (p != *first) {
            break;
        }
        vpn += step;
    }
    return (vpn << PAGE_SHIFT) - 1;
}

/* ---- reserve and commit ---- */

static uint32_t pages_between(vaddr_t start, vaddr_t end) { return (end - start) / PAGE_SIZE + 1; }

/* Where a new reservation goes: below the highest VAD address and 2^(32 - zero_bits); a zero_bits
 * limit above the highest VAD address is STATUS_INVALID_PARAMETER_3, as in NT. */
static NTSTATUS place_reservation(struct mm_address_space *as, uint32_t pages, uint32_t zero_bits,
                                  uint32_t type, vaddr_t *start)
{
    vaddr_t limit = HIGHEST_VAD_ADDRESS(as);
    if (zero_bits && (0xFFFFFFFFu >> zero_bits) > limit)
        return STATUS_INVALID_PARAMETER_3;
    if (zero_bits)
        limit = 0xFFFFFFFFu >> zero_bits;
    uint32_t vpn;
    if (!mi_vad_find_free(&as->vads, pages, MI_VAD_GRANULARITY_PAGES, 0, limit >> PAGE_SHIFT,
                          type & MEM_TOP_DOWN ? MI_VAD_TOP_DOWN : MI_VAD_BOTTOM_UP, &vpn))
        return STATUS_NO_MEMORY;
    *start = vpn << PAGE_SHIFT;
    return STATUS_SUCCESS;
}

static NTSTATUS reserve(struct mm_address_space *as, vaddr_t *base, uint32_t *size,
                        uint32_t zero_bits, uint32_t type, uint32_t protection)
{
    vaddr_t start, end;
    NTSTATUS status;
    if (*base) {
        start = ALIGN_DOWN(*base, GRANULARITY);
        end = (*base + *size - 1) | PAGE_MASK;
    } else {
        status =
            place_reservation(as, ALIGN_UP(*size, PAGE_SIZE) / PAGE_SIZE, zero_bits, type, &start);
        if (!NT_SUCCESS(status))
            return status;
        end = start + ALIGN_UP(*size, PAGE_SIZE) - 1;
    }
    if (mi_vad_first_overlap(&as->vads, start >> PAGE_SHIFT, end >> PAGE_SHIFT))
        return STATUS_CONFLICTING_ADDRESSES;
    struct mm_vad *vad = mi_new_vad(&mi_private_ops, MEM_PRIVATE, protection);
    if (!vad)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (type & MEM_COMMIT) {
        status = mi_charge_commit(as, pages_between(start, end));
        if (!NT_SUCCESS(status)) {
            mi_free_vad(vad);
            return status;
        }
        vad->flags |= MI_VAD_MEM_COMMIT;
        vad->commit = pages_between(start, end);
    }
    status = insert_vad(as, vad, start, end);
    ASSERT(NT_SUCCESS(status));
    *base = start;
    *size = end - start + 1;
    return STATUS_SUCCESS;
}

/* Frees the page tables over [start, end] that hold no non-zero PTE: make_tables made them for a
 * change that failed, or that wrote only zero PTEs (a MEM_COMMIT region's own protection). */
static void drop_empty_tables(struct mm_address_space *as, vaddr_t start, vaddr_t end)
{
    for (vaddr_t va = ALIGN_DOWN(start, 0x400000u);; va += 0x400000u) {
        pte_t *pte = mi_user_pte(va);
        if (pte && as->table_use[PDE_INDEX(va)] == 0) {
            mi_write_user_pte(as, va, pte, 1 << PTE_PROTECTION_SHIFT);
            mi_write_user_pte(as, va, pte, 0); /* frees the empty table */
        }
        if (va >= ALIGN_DOWN(end, 0x400000u))
            return;
    }
}

/* Makes sure page tables cover [start, end] (so that a change of every PTE in it cannot fail half
 * way); on failure frees the tables it made. The caller drops the ones its change left empty. */
static NTSTATUS make_tables(struct mm_address_space *as, vaddr_t start, vaddr_t end)
{
    for (vaddr_t va = ALIGN_DOWN(start, 0x400000u);; va += 0x400000u) {
        pte_t *pte;
        if (!mi_user_pte(va) && !NT_SUCCESS(mi_user_pte_make(as, va, &pte))) {
            drop_empty_tables(as, start, end);
            return STATUS_NO_MEMORY;
        }
        if (va >= ALIGN_DOWN(end, 0x400000u))
            return STATUS_SUCCESS;
    }
}

/* Gives a committed page a new protection, keeping its frame: a private resident page that may not
 * be touched any more keeps it in a transition PTE; a shared one leaves this PTE (a prototype PTE
 * then records the protection). */
static void set_page_protection(struct mm_address_space *as, struct mm_vad *vad, vaddr_t va,
                                pte_t *pte, uint32_t protection)
{
    /* No table: this change already zeroed every PTE of it, which freed it (a zero untouched_pte:
     * the VAD's own protection), so this zero page would get zero too. */
    if (!pte)
        return;
    pte_t old = *pte, new;
    bool usable = mm_protection_accessible(protection) && !mm_protection_guard(protection);
    switch (pte_state(old)) {
    case PTE_STATE_VALID:
        if (usable)
            new = pte_make_valid(pte_frame(old),
                                 mm_protection_to_pte(protection) |
                                     (old & (PTE_ACCESSED | PTE_DIRTY | PTE_PROTO_BACKED)));
        else if (old & PTE_PROTO_BACKED)
            new = pte_make_prototype(protection);
        else
            new = pte_make_transition(pte_frame(old), protection);
        break;
    case PTE_STATE_TRANSITION:
        new = usable ? pte_make_valid(pte_frame(old), mm_protection_to_pte(protection))
                     : pte_make_transition(pte_frame(old), protection);
        break;
    default: new = vad->ops->untouched_pte(vad, va, protection); break;
    }
    if (new == old)
        return;
    mi_write_user_pte(as, va, pte, new);
    if (pte_state(old) == PTE_STATE_VALID && pte_state(new) == PTE_STATE_PROTOTYPE)
        vad->ops->release_frame(vad, old);
}

static bool page_committed(const struct mm_vad *vad, vaddr_t va)
{
    pte_t *pte = mi_user_pte(va);
    return mi_page_protection(vad, va, pte ? *pte : 0) != 0;
}

static uint32_t count_committed(const struct mm_vad *vad, vaddr_t start, vaddr_t end)
{
    uint32_t count = 0;
    for (vaddr_t va = start; va <= end && va >= start; va += PAGE_SIZE) {
        if (!mi_user_pte(va)) {
            uint32_t stop = MIN((va >> PAGE_SHIFT) | (PTES_PER_TABLE - 1), end >> PAGE_SHIFT);
            if (vad->flags & MI_VAD_MEM_COMMIT)
                count += stop - (va >> PAGE_SHIFT) + 1;
            va = (stop << PAGE_SHIFT);
            continue;
        }
        count += page_committed(vad, va);
    }
    return count;
}

/* Commits [start, end] of a private VAD: pages already committed take the new protection (NT). */
NTSTATUS mi_private_commit(struct mm_address_space *as, struct mm_vad *vad, vaddr_t start,
                           vaddr_t end, uint32_t protection)
{
    if (vad->flags & MI_VAD_NO_CHANGE)
        return STATUS_CONFLICTING_ADDRESSES;
    if (mm_protection_copy_on_write(protection))
        return STATUS_INVALID_PAGE_PROTECTION;
    uint32_t new_pages = pages_between(start, end) - count_committed(vad, start, end);
    NTSTATUS status = make_tables(as, start, end);
    if (!NT_SUCCESS(status))
        return status;
    status = mi_charge_commit(as, new_pages);
    if (NT_SUCCESS(status)) {
        vad->commit += new_pages;
        for (vaddr_t va = start; va <= end && va >= start; va += PAGE_SIZE) {
            pte_t *pte = mi_user_pte(va);
            if (page_committed(vad, va))
                set_page_protection(as, vad, va, pte, protection);
            else
                mi_write_user_pte(as, va, pte, pte_make_demand_zero(protection));
        }
    }
    drop_empty_tables(as, start, end);
    return status;
}

/* A view's pages are committed through its section; the pages' protection then changes as for
 * already committed ones. */
static NTSTATUS commit(struct mm_address_space *as, struct mm_vad *vad, vaddr_t start, vaddr_t end,
                       uint32_t protection)
{
    NTSTATUS status = vad->ops->commit(as, vad, start, end, protection);
    if (!NT_SUCCESS(status) || vad->type == MEM_PRIVATE || protection == vad->protection)
        return status;
    status = make_tables(as, start, end);
    for (vaddr_t va = start; NT_SUCCESS(status) && va <= end && va >= start; va += PAGE_SIZE)
        set_page_protection(as, vad, va, mi_user_pte(va), protection);
    drop_empty_tables(as, start, end);
    return status;
}

/* MEM_RESET: the data of the committed private pages is no longer needed; their frames go back.
 * Pages that are not resident (reserved ones too) are skipped, as NT's MiResetVirtualMemory
 * does. */
static NTSTATUS reset(struct mm_address_space *as, struct mm_vad *vad, vaddr_t start, vaddr_t end)
{
    if (vad->type != MEM_PRIVATE)
        return STATUS_CONFLICTING_ADDRESSES;
    for (vaddr_t va = start; va <= end && va >= start; va += PAGE_SIZE) {
        pte_t *pte = mi_user_pte(va);
        if (pte && pte_state(*pte) == PTE_STATE_VALID) {
            pte_t old = *pte;
            mi_write_user_pte(as, va, pte, pte_make_demand_zero(mm_protection_from_pte(old)));
            vad->ops->release_frame(vad, old);
        }
    }
    return STATUS_SUCCESS;
}

NTSTATUS mm_allocate_virtual(vaddr_t *base, uint32_t *size, uint32_t zero_bits, uint32_t type,
                             uint32_t protection)
{
    struct mm_address_space *as = mm_current_address_space();
    uint32_t mm = mm_protection_from_win32(protection);
    if (mm == MM_INVALID_PROTECTION && !(type & MEM_RESET))
        return STATUS_INVALID_PAGE_PROTECTION;
    ke_acquire_lock(&as->lock);
    NTSTATUS status;
    if (!(type & MEM_RESET) && (!*base || (type & MEM_RESERVE))) {
        /* Private memory is never copy-on-write. */
        status = mm_protection_copy_on_write(mm) ? STATUS_INVALID_PAGE_PROTECTION
                                                 : reserve(as, base, size, zero_bits, type, mm);
    } else {
        /* A commit covers every page the range touches, a reset only the pages wholly inside. */
        vaddr_t start = ALIGN_DOWN(*base, PAGE_SIZE), end = (*base + *size - 1) | PAGE_MASK;
        if (type & MEM_RESET) {
            start = ALIGN_UP(*base, PAGE_SIZE);
            end = ALIGN_DOWN(*base + *size, PAGE_SIZE) - 1;
        }
        struct mm_vad *vad = start <= end ? mi_find_vad(as, start) : NULL;
        if (!vad || end > mi_vad_end(vad))
            status = STATUS_CONFLICTING_ADDRESSES;
        else
            status =
                type & MEM_RESET ? reset(as, vad, start, end) : commit(as, vad, start, end, mm);
        if (NT_SUCCESS(status)) {
            *base = start;
            *size = end - start + 1;
        }
    }
    ke_release_lock(&as->lock);
    return status;
}

/* ---- decommit and release ---- */

/* Moves a VAD's bounds (the tree is keyed by them, so it leaves and re-enters the tree). */
static void resize_vad(struct mm_address_space *as, struct mm_vad *vad, vaddr_t start, vaddr_t end)
{
    mi_vad_remove(&as->vads, &vad->node);
    NTSTATUS status = insert_vad(as, vad, start, end);
    ASSERT(NT_SUCCESS(status));
    (void)status;
}

static NTSTATUS release(struct mm_address_space *as, struct mm_vad *vad, vaddr_t start, vaddr_t end)
{
    vaddr_t vad_start = mi_vad_start(vad), vad_end = mi_vad_end(vad);
    struct mm_vad *upper = NULL;
    if (start > vad_start && end < vad_end) {
        upper = mi_new_vad(vad->ops, vad->type, vad->protection);
        if (!upper)
            return STATUS_INSUFFICIENT_RESOURCES;
        upper->flags = vad->flags;
        upper->commit = count_committed(vad, end + 1, vad_end);
    }
    uint32_t committed;
    NTSTATUS status = mi_teardown_ptes(as, vad, start, end, MI_TEARDOWN_ZERO, &committed);
    ASSERT(NT_SUCCESS(status));
    mi_return_commit(as, committed);
    vad->commit -= committed;
    if (start == vad_start && end == vad_end) {
        mi_vad_remove(&as->vads, &vad->node);
        vad->ops->destroy(as, vad);
        mi_free_vad(vad);
    } else if (start == vad_start) {
        resize_vad(as, vad, end + 1, vad_end);
    } else if (end == vad_end) {
        resize_vad(as, vad, vad_start, start - 1);
    } else {
        vad->commit -= upper->commit;
        resize_vad(as, vad, vad_start, start - 1);
        status = insert_vad(as, upper, end + 1, vad_end);
        ASSERT(NT_SUCCESS(status));
    }
    return STATUS_SUCCESS;
}

NTSTATUS mm_free_virtual(vaddr_t *base, uint32_t *size, uint32_t free_type)
{
    struct mm_address_space *as = mm_current_address_space();
    vaddr_t start = ALIGN_DOWN(*base, PAGE_SIZE), end;
    ke_acquire_lock(&as->lock);
    NTSTATUS status = STATUS_SUCCESS;
    struct mm_vad *vad = mi_find_vad(as, start);
    if (!vad) {
        status = STATUS_MEMORY_NOT_ALLOCATED;
        goto out;
    }
    if (vad->type != MEM_PRIVATE) {
        status = STATUS_UNABLE_TO_DELETE_SECTION;
        goto out;
    }
    if (*size == 0) {
        if (start != mi_vad_start(vad)) { /* NT: for MEM_DECOMMIT too */
            status = STATUS_FREE_VM_NOT_AT_BASE;
            goto out;
        }
        end = mi_vad_end(vad);
    } else {
        end = (*base + *size - 1) | PAGE_MASK;
    }
    if (end > mi_vad_end(vad) || (vad->flags & MI_VAD_NO_CHANGE)) {
        status = STATUS_UNABLE_TO_FREE_VM;
        goto out;
    }
    if (free_type == MEM_RELEASE) {
        status = release(as, vad, start, end);
    } else {
        uint32_t committed;
        status = mi_teardown_ptes(as, vad, start, end, MI_TEARDOWN_DECOMMIT, &committed);
        mi_return_commit(as, committed);
        vad->commit -= committed;
    }
    if (NT_SUCCESS(status)) {
        *base = start;
        *size = end - start + 1;
    }
out:
    ke_release_lock(&as->lock);
    return status;
}

/* ---- protect and query ---- */

NTSTATUS mm_protect_virtual(vaddr_t *base, uint32_t *size, uint32_t protection,
                            uint32_t *old_protection)
{
    struct mm_address_space *as = mm_current_address_space();
    uint32_t mm = mm_protection_from_win32(protection);
    if (mm == MM_INVALID_PROTECTION)
        return STATUS_INVALID_PAGE_PROTECTION;
    vaddr_t start = ALIGN_DOWN(*base, PAGE_SIZE), end = (*base + *size - 1) | PAGE_MASK;
    ke_acquire_lock(&as->lock);
    NTSTATUS status = STATUS_SUCCESS;
    struct mm_vad *vad = mi_find_vad(as, start);
    if (!vad || end > mi_vad_end(vad)) {
        status = STATUS_CONFLICTING_ADDRESSES;
        goto out;
    }
    if (vad->flags & MI_VAD_NO_CHANGE) {
        status = STATUS_INVALID_PAGE_PROTECTION;
        goto out;
    }
    status = vad->ops->check_protection(vad, mm);
    if (!NT_SUCCESS(status))
        goto out;
    for (vaddr_t va = start; va <= end && va >= start; va += PAGE_SIZE)
        if (!page_committed(vad, va)) {
            status = STATUS_NOT_COMMITTED;
            goto out;
        }
    status = make_tables(as, start, end);
    if (!NT_SUCCESS(status))
        goto out;
    pte_t *first = mi_user_pte(start);
    *old_protection = mm_protection_to_win32(mi_page_protection(vad, start, *first));
    for (vaddr_t va = start; va <= end && va >= start; va += PAGE_SIZE)
        set_page_protection(as, vad, va, mi_user_pte(va), vad->ops->adjust_protection(vad, va, mm));
    drop_empty_tables(as, start, end);
    *base = start;
    *size = end - start + 1;
out:
    ke_release_lock(&as->lock);
    return status;
}

/* A free range ends at the next VAD or at the highest VAD address. Above that (what no reservation
 * may reach), NT's NtQueryVirtualMemory reports one reserved block up to the highest user address,
 * so that a walk of the address space describes every page up to MmHighestUserAddress. */
static void query_free(struct mm_address_space *as, vaddr_t va, MEMORY_BASIC_INFORMATION *info)
{
    vaddr_t top = HIGHEST_VAD_ADDRESS(as) + 1;
    if (va >= top) {
        *info = (MEMORY_BASIC_INFORMATION){
            .BaseAddress = (void *)(uintptr_t)va,
            .AllocationBase = (void *)(uintptr_t)top,
            .AllocationProtect = PAGE_READONLY,
            .RegionSize = mm_split.user_probe_address - va,
            .State = MEM_RESERVE,
            .Protect = PAGE_NOACCESS,
            .Type = MEM_PRIVATE,
        };
        return;
    }
    struct mi_vad_node *next = mi_vad_ceiling(&as->vads, va >> PAGE_SHIFT);
    vaddr_t end = next ? MIN(next->start_vpn << PAGE_SHIFT, top) : top;
    *info = (MEMORY_BASIC_INFORMATION){
        .BaseAddress = (void *)(uintptr_t)va,
        .RegionSize = end - va,
        .State = MEM_FREE,
        .Protect = PAGE_NOACCESS,
    };
}

NTSTATUS mm_query_virtual(vaddr_t address, MEMORY_BASIC_INFORMATION *info)
{
    struct mm_address_space *as = mm_current_address_space();
    vaddr_t va = ALIGN_DOWN(address, PAGE_SIZE);
    ke_acquire_lock(&as->lock);
    struct mm_vad *vad = mi_find_vad(as, va);
    if (!vad) {
        query_free(as, va, info);
    } else {
        uint32_t protection = 0;
        vaddr_t end = same_protection_run(vad, va, mi_vad_end(vad), &protection);
        *info = (MEMORY_BASIC_INFORMATION){
            .BaseAddress = (void *)(uintptr_t)va,
            .AllocationBase = (void *)(uintptr_t)mi_vad_start(vad),
            .AllocationProtect = mm_protection_to_win32(vad->protection),
            .RegionSize = end - va + 1,
            .State = protection ? MEM_COMMIT : MEM_RESERVE,
            .Protect = protection ? mm_protection_to_win32(protection) : 0,
            .Type = vad->type,
        };
    }
    ke_release_lock(&as->lock);
    return STATUS_SUCCESS;
}

/* ---- regions the kernel makes ---- */

NTSTATUS mm_create_user_stack(uint32_t reserve, uint32_t commit_bytes, struct mm_user_stack *stack)
{
    commit_bytes = ALIGN_UP(MAX(commit_bytes, PAGE_SIZE), PAGE_SIZE);
    reserve = ALIGN_UP(MAX(reserve, commit_bytes + 2 * PAGE_SIZE), GRANULARITY);
    vaddr_t base = 0;
    uint32_t size = reserve;
    NTSTATUS status = mm_allocate_virtual(&base, &size, 0, MEM_RESERVE, PAGE_READWRITE);
    if (!NT_SUCCESS(status))
        return status;
    vaddr_t top = base + size, limit = top - commit_bytes, guard = limit - PAGE_SIZE;
    uint32_t length = commit_bytes, guard_length = PAGE_SIZE;
    status = mm_allocate_virtual(&limit, &length, 0, MEM_COMMIT, PAGE_READWRITE);
    if (NT_SUCCESS(status))
        status =
            mm_allocate_virtual(&guard, &guard_length, 0, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
    if (!NT_SUCCESS(status)) {
        size = 0;
        mm_free_virtual(&base, &size, MEM_RELEASE);
        return status;
    }
    *stack = (struct mm_user_stack){.allocation_base = base, .base = top, .limit = limit};
    return STATUS_SUCCESS;
}

static NTSTATUS populate(struct mm_address_space *as, struct mm_vad *vad)
{
    for (vaddr_t va = mi_vad_start(vad); va < mi_vad_end(vad); va += PAGE_SIZE) {
        pte_t *pte;
        NTSTATUS status = mi_user_pte_make(as, va, &pte);
        if (!NT_SUCCESS(status))
            return status;
        if (mi_resolve_demand_zero(as, va, pte, vad->protection, MI_ACCESS_WRITE) !=
            MM_FAULT_RESOLVED)
            return STATUS_NO_MEMORY;
    }
    return STATUS_SUCCESS;
}

NTSTATUS mm_create_resident_region(vaddr_t *va, uint32_t pages, enum mm_place place)
{
    struct mm_address_space *as = mm_current_address_space();
    ke_acquire_lock(&as->lock);
    uint32_t vpn = *va >> PAGE_SHIFT;
    NTSTATUS status = STATUS_CONFLICTING_ADDRESSES;
    struct mm_vad *vad = NULL;
    if (place == MM_PLACE_TOP_DOWN_BELOW &&
        !mi_vad_find_free(&as->vads, pages, 1, 0, vpn - 1, MI_VAD_TOP_DOWN, &vpn))
        goto out;
    vad = mi_new_vad(&mi_private_ops, MEM_PRIVATE, MM_READWRITE);
    status = vad ? mi_charge_commit(as, pages) : STATUS_INSUFFICIENT_RESOURCES;
    if (!NT_SUCCESS(status))
        goto out;
    vad->flags = MI_VAD_MEM_COMMIT;
    vad->commit = pages;
    status = insert_vad(as, vad, vpn << PAGE_SHIFT, ((vpn + pages) << PAGE_SHIFT) - 1);
    if (!NT_SUCCESS(status)) {
        mi_return_commit(as, pages);
        goto out;
    }
    status = populate(as, vad);
    if (NT_SUCCESS(status)) {
        *va = vpn << PAGE_SHIFT;
        vad = NULL;
    } else {
        uint32_t committed;
        mi_teardown_ptes(as, vad, mi_vad_start(vad), mi_vad_end(vad), MI_TEARDOWN_ZERO, &committed);
        mi_vad_remove(&as->vads, &vad->node);
        vad->ops->destroy(as, vad);
    }
out:
    if (vad)
        mi_free_vad(vad);
    ke_release_lock(&as->lock);
    return status;
}

NTSTATUS mm_map_shared_user_data(pfn_t frame)
{
    struct mm_address_space *as = mm_current_address_space();
    struct mm_vad *vad = mi_new_vad(&mi_private_ops, MEM_PRIVATE, MM_READONLY);
    if (!vad)
        return STATUS_INSUFFICIENT_RESOURCES;
    vad->flags = MI_VAD_MEM_COMMIT | MI_VAD_NO_CHANGE;
    ke_acquire_lock(&as->lock);
    pte_t *pte;
    NTSTATUS status = insert_vad(as, vad, MM_SHARED_USER_DATA, MM_SHARED_USER_DATA + PAGE_MASK);
    if (NT_SUCCESS(status)) {
        status = mi_user_pte_make(as, MM_SHARED_USER_DATA, &pte);
        if (NT_SUCCESS(status)) {
            mm_reference_frame(frame);
            mi_write_user_pte(as, MM_SHARED_USER_DATA, pte,
                              pte_make_valid(frame, mm_protection_to_pte(MM_READONLY)));
        } else {
            mi_vad_remove(&as->vads, &vad->node);
        }
    }
    if (!NT_SUCCESS(status))
        mi_free_vad(vad);
    ke_release_lock(&as->lock);
    return status;
}

NTSTATUS mm_write_user(vaddr_t dst, const void *src, uint32_t length)
{
    return ke_copy_safe((void *)(uintptr_t)dst, src, length);
}

void mm_describe_address(vaddr_t address, char *buf, uint32_t size)
{
    struct mm_address_space *as = mm_current_address_space();
    struct mm_vad *vad = address < mm_split.system_range_start && as->vads.highest_vpn
                             ? mi_find_vad(as, address)
                             : NULL;
    if (!vad) {
        rtl_snprintf(buf, size, address >= mm_split.system_range_start ? "system space" : "no VAD");
        return;
    }
    pte_t *pte = mi_user_pte(address);
    uint32_t protection = mi_page_protection(vad, address, pte ? *pte : 0);
    rtl_snprintf(buf, size, "%s VAD %08x-%08x, page %s %#x", vad->ops->name, mi_vad_start(vad),
                 mi_vad_end(vad), protection ? "protection" : "not committed",
                 mm_protection_to_win32(protection));
}
