/* mm/fault.c: the memory manager's half of a page fault (STYLE rule 4, docs/vm.md): find the VAD
 * under the address space's lock, then dispatch on the PTE state to one resolver per case. Only the
 * trap layer acts on a failure. */
#include "kernel/ndk/ntmm.h"
#include "kernel/ke/probe.h"
#include "kernel/ke/thread.h"
#include "kernel/rtl/string.h"
#include "kernel/ke/trap.h"
#include "mm/mi.h"

bool mm_trace_faults;

/* ---- resolvers ---- */

static bool access_allowed(uint32_t protection, enum mi_access access)
{
    if (!mm_protection_accessible(protection))
        return false;
    return access == MI_ACCESS_READ || mm_protection_writable(protection);
}

/* A guard page's first touch: the page loses its guard, the access fails once (or grows a
 * stack). */
static enum mm_fault_status clear_guard(struct mm_address_space *as, vaddr_t va, pte_t *pte,
                                        pte_t value)
{
    NTSTATUS status = STATUS_SUCCESS;
    if (!pte)
        status = mi_user_pte_make(as, va, &pte);
    if (!NT_SUCCESS(status))
        return MM_FAULT_NO_MEMORY;
    mi_write_user_pte(as, va, pte, value);
    as->faults.guard++;
    return MM_FAULT_GUARD_PAGE;
}

enum mm_fault_status mi_resolve_demand_zero(struct mm_address_space *as, vaddr_t va, pte_t *pte,
                                            uint32_t protection, enum mi_access access)
{
    if (mm_protection_guard(protection))
        return clear_guard(as, va, pte, pte_make_demand_zero(protection & ~MM_GUARD_PAGE));
    if (!access_allowed(protection, access))
        return MM_FAULT_ACCESS_VIOLATION;
    pfn_t pfn = mm_alloc_frame(MM_FRAME_ZEROED);
    if (pfn == MM_PFN_NONE)
        return MM_FAULT_NO_MEMORY;
    if (!pte && !NT_SUCCESS(mi_user_pte_make(as, va, &pte))) {
        mm_free_frame(pfn);
        return MM_FAULT_NO_MEMORY;
    }
    struct mi_pfn *e = mi_pfn_entry(pfn);
    e->pte = pte;
    e->original_pte = pte_make_demand_zero(protection);
    uint32_t flags = mm_protection_to_pte(protection) | PTE_ACCESSED;
    if (access == MI_ACCESS_WRITE)
        flags |= PTE_DIRTY;
    mi_write_user_pte(as, va, pte, pte_make_valid(pfn, flags));
    as->faults.demand_zero++;
    return MM_FAULT_RESOLVED;
}

/* A write to a copy-on-write page: a private copy, mapped read-write; the shared page's share goes.
 * The source is read where the faulting PTE still maps it (one hyperspace mapping fewer: under TCG
 * a map and unmap cost about 700 cycles of a 10,000-cycle fault, docs/benchmarks.md). */
static enum mm_fault_status resolve_cow(struct mm_address_space *as, struct mm_vad *vad, vaddr_t va,
                                        pte_t *pte, pte_t value)
{
    pfn_t copy = mm_alloc_frame(MM_FRAME_ANY);
    if (copy == MM_PFN_NONE)
        return MM_FAULT_NO_MEMORY;
    void *dst = mm_map_hyperspace(copy);
    memcpy(dst, (const void *)(va & ~PAGE_MASK), PAGE_SIZE);
    mm_unmap_hyperspace(dst);
    uint32_t protection = mm_protection_after_copy(mm_protection_from_pte(value));
    struct mi_pfn *e = mi_pfn_entry(copy);
    e->pte = pte;
    e->original_pte = pte_make_demand_zero(protection);
    pte_t new = pte_make_valid(copy, mm_protection_to_pte(protection) | PTE_ACCESSED | PTE_DIRTY);
    mi_write_user_pte(as, va, pte, new);
    vad->ops->release_frame(vad, value);
    mi_view_counters(as, vad)->copy_on_write++;
    return MM_FAULT_RESOLVED;
}

/* A fault on a valid PTE: a write to a copy-on-write or read-only page, or a stale TLB entry. */
static enum mm_fault_status resolve_valid(struct mm_address_space *as, struct mm_vad *vad,
                                          vaddr_t va, pte_t *pte, pte_t value,
                                          enum mi_access access)
{
    if (access == MI_ACCESS_READ || (value & PTE_WRITE)) {
        cpu_invlpg(va); /* another thread's fault already resolved it */
        return MM_FAULT_RESOLVED;
    }
    if (value & PTE_COPY_ON_WRITE)
        return resolve_cow(as, vad, va, pte, value);
    return MM_FAULT_ACCESS_VIOLATION;
}

/* A transition PTE of a resident frame whose protection kept it unmapped (NOACCESS or GUARD). */
static enum mm_fault_status resolve_transition(struct mm_address_space *as, vaddr_t va, pte_t *pte,
                                               pte_t value, enum mi_access access)
{
    uint32_t protection = pte_soft_protection(value);
    if (mm_protection_guard(protection))
        return clear_guard(as, va, pte,
                           pte_make_transition(pte_frame(value), protection & ~MM_GUARD_PAGE));
    if (!access_allowed(protection, access))
        return MM_FAULT_ACCESS_VIOLATION;
    uint32_t flags = mm_protection_to_pte(protection) | PTE_ACCESSED;
    mi_write_user_pte(as, va, pte, pte_make_valid(pte_frame(value), flags));
    return MM_FAULT_RESOLVED;
}

/* The dispatcher: one screen, one case per PTE state. */
static enum mm_fault_status dispatch(struct mm_address_space *as, vaddr_t va, enum mi_access access,
                                     enum pte_state *found)
{
    struct mm_vad *vad = mi_find_vad(as, va);
    pte_t *pte = mi_user_pte(va);
    pte_t value = pte ? *pte : 0;
    *found = pte_state(value);
    if (!vad)
        return MM_FAULT_ACCESS_VIOLATION;
    switch (*found) {
    case PTE_STATE_VALID: return resolve_valid(as, vad, va, pte, value, access);
    case PTE_STATE_DEMAND_ZERO:
        return mi_resolve_demand_zero(as, va, pte, pte_soft_protection(value), access);
    case PTE_STATE_TRANSITION: return resolve_transition(as, va, pte, value, access);
    case PTE_STATE_PAGEFILE: return MM_FAULT_ACCESS_VIOLATION; /* no paging file yet */
    case PTE_STATE_ZERO:
    case PTE_STATE_PROTOTYPE: return vad->ops->fault(as, vad, va, value, access);
    }
    return MM_FAULT_ACCESS_VIOLATION;
}

/* ---- stacks ---- */

/* A guard page of the current thread's own stack moves down one page (NT's
 * MiCheckForUserStackOverflow); returns RETRY, STACK_OVERFLOW, or GUARD_PAGE for any other
 * guard. */
static enum mm_fault_status grow_stack(vaddr_t va)
{
    struct ke_thread *t = ke_current_thread();
    if (!t->teb || t->attached)
        return MM_FAULT_GUARD_PAGE;
    PAGODA_TEB *teb = (PAGODA_TEB *)(uintptr_t)t->teb;
    vaddr_t stack_base, deallocation;
    if (!NT_SUCCESS(ke_copy_safe(&stack_base, &teb->NtTib.StackBase, 4)) ||
        !NT_SUCCESS(ke_copy_safe(&deallocation, &teb->DeallocationStack, 4)))
        return MM_FAULT_GUARD_PAGE;
    if (va >= stack_base || va < deallocation)
        return MM_FAULT_GUARD_PAGE;
    /* The lowest page of the reservation is never committed: it stays between the stack and
     * whatever lies below. */
    vaddr_t page = va & ~PAGE_MASK, next = page - PAGE_SIZE;
    if (next < ALIGN_DOWN(deallocation, PAGE_SIZE) + PAGE_SIZE) {
        ke_copy_safe(&teb->NtTib.StackLimit, &page, 4);
        return MM_FAULT_STACK_OVERFLOW;
    }
    vaddr_t base = next;
    uint32_t size = PAGE_SIZE;
    if (!NT_SUCCESS(mm_allocate_virtual(&base, &size, 0, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD)))
        return MM_FAULT_STACK_OVERFLOW;
    ke_copy_safe(&teb->NtTib.StackLimit, &page, 4);
    mm_current_address_space()->faults.stack_growth++;
    return MM_FAULT_RETRY;
}

/* ---- the entry ---- */

static const char *const state_names[] = {
    "valid", "zero", "prototype", "transition", "paging file", "demand zero",
};

static void trace(vaddr_t va, const struct ke_trap_frame *tf, enum pte_state found,
                  enum mm_fault_status status)
{
    char who[64];
    ke_describe_thread(ke_current_thread(), who, sizeof who);
    ke_info("fault: %s %s %08x eip %08x%s: pte %s -> %s\n", who,
            tf->error & PF_WRITE ? "write" : "read", va, tf->eip,
            ke_trap_from_user(tf) ? "" : " (kernel)", state_names[found],
            mm_fault_status_name(status));
}

static enum mm_fault_status fault_once(struct mm_address_space *as, vaddr_t va,
                                       enum mi_access access, enum pte_state *found)
{
    ke_acquire_lock(&as->lock);
    enum mm_fault_status status = dispatch(as, va, access, found);
    ke_release_lock(&as->lock);
    if (status == MM_FAULT_GUARD_PAGE)
        status = grow_stack(va);
    return status;
}

enum mm_fault_status mm_access_fault(vaddr_t address, uint32_t error, struct ke_trap_frame *tf)
{
    struct mm_address_space *as = mm_current_address_space();
    if (address >= mm_split.system_range_start || as->vads.highest_vpn == 0)
        return MM_FAULT_ACCESS_VIOLATION; /* nothing in system space is pageable */
    /* Resolving may wait: a kernel fault on a user address under a spin lock or in an interrupt
     * handler is a caller's bug (the copies assert it too, kernel/ke/probe.c). */
    ASSERT(ke_no_spin_lock_or_interrupt());
    if (!(tf->eflags & EFLAGS_IF)) {
        ke_warn("mm: fault at %08x (eip %08x) with interrupts off: cannot wait to resolve it\n",
                address, tf->eip);
        return MM_FAULT_ACCESS_VIOLATION;
    }
    cpu_sti(); /* the interrupted code had them on, and a page-in waits for the disk */
    enum mi_access access = error & PF_WRITE ? MI_ACCESS_WRITE : MI_ACCESS_READ;
    enum pte_state found;
    enum mm_fault_status status;
    unsigned tries = 0;
    do
        status = fault_once(as, address, access, &found);
    while (status == MM_FAULT_RETRY && ++tries < 16);
    if (status == MM_FAULT_RETRY)
        status = MM_FAULT_ACCESS_VIOLATION;
    if (!ke_trap_from_user(tf))
        as->faults.from_kernel++;
    if (status == MM_FAULT_ACCESS_VIOLATION)
        as->faults.access_violations++;
    if (status == MM_FAULT_IO_ERROR)
        as->faults.in_page_errors++;
    if (mm_trace_faults)
        trace(address, tf, found, status);
    return status;
}

const char *mm_fault_status_name(enum mm_fault_status status)
{
    static const char *const names[] = {
        "resolved",  "retry",     "access violation", "guard page",
        "no memory", "I/O error", "stack overflow",
    };
    return (unsigned)status < ARRAY_SIZE(names) ? names[status] : "unknown";
}

NTSTATUS mm_fault_ntstatus(enum mm_fault_status status)
{
    switch (status) {
    case MM_FAULT_RESOLVED: return STATUS_SUCCESS;
    case MM_FAULT_GUARD_PAGE: return STATUS_GUARD_PAGE_VIOLATION;
    case MM_FAULT_NO_MEMORY: return STATUS_NO_MEMORY;
    case MM_FAULT_IO_ERROR: return STATUS_IN_PAGE_ERROR;
    case MM_FAULT_STACK_OVERFLOW: return STATUS_STACK_OVERFLOW;
    default: return STATUS_ACCESS_VIOLATION;
    }
}
