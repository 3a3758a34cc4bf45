/* mm/view.c: views of sections (MEM_MAPPED VADs, STYLE rule 5's section backend): a fault maps the
 * segment's page (shared, counted in its share count) or, for a write to a copy-on-write view, a
 * private copy; dirty bits go to the segment when PTEs go; mapping, unmapping and flushing. */
#include "kernel/ndk/ntmm.h"
#include "kernel/rtl/string.h"
#include "mm/mi.h"

#define GRANULARITY 0x10000u

static uint32_t view_index(const struct mm_vad *vad, vaddr_t va)
{
    return vad->first_page + ((va >> PAGE_SHIFT) - vad->node.start_vpn);
}

static bool access_allowed(uint32_t protection, enum mi_access access)
{
    return mm_protection_accessible(protection) &&
           (access == MI_ACCESS_READ || mm_protection_writable(protection));
}

/* A write to a copy-on-write view's page that is not mapped here yet: copy straight from the
 * segment's frame, without mapping the shared page first. */
static enum mm_fault_status private_copy(struct mm_address_space *as, struct mm_vad *vad,
                                         vaddr_t va, pte_t *pte, pfn_t shared, uint32_t protection)
{
    pfn_t copy = mm_alloc_frame(MM_FRAME_ANY);
    if (copy == MM_PFN_NONE)
        return MM_FAULT_NO_MEMORY;
    void *dst = mm_map_hyperspace(copy), *src = mm_map_hyperspace(shared);
    memcpy(dst, src, PAGE_SIZE);
    mm_unmap_hyperspace(src);
    mm_unmap_hyperspace(dst);
    protection = mm_protection_after_copy(protection);
    struct mi_pfn *e = mi_pfn_entry(copy);
    e->pte = pte;
    e->original_pte = pte_make_demand_zero(protection);
    mi_write_user_pte(
        as, va, pte,
        pte_make_valid(copy, mm_protection_to_pte(protection) | PTE_ACCESSED | PTE_DIRTY));
    mi_view_counters(as, vad)->copy_on_write++;
    return MM_FAULT_RESOLVED;
}

static void map_shared(struct mm_address_space *as, vaddr_t va, pte_t *pte, pfn_t frame,
                       uint32_t protection, enum mi_access access)
{
    uint32_t irq = mi_lock_pfn();
    mi_pfn_entry(frame)->share_count++;
    mi_unlock_pfn(irq);
    uint32_t flags = mm_protection_to_pte(protection) | PTE_PROTO_BACKED | PTE_ACCESSED;
    if (access == MI_ACCESS_WRITE)
        flags |= PTE_DIRTY;
    mi_write_user_pte(as, va, pte, pte_make_valid(frame, flags));
}

static enum mm_fault_status view_fault(struct mm_address_space *as, struct mm_vad *vad, vaddr_t va,
                                       pte_t value, enum mi_access access)
{
    uint32_t protection = value ? pte_soft_protection(value) : 0;
    if (!protection)
        protection = mi_segment_page_protection(vad->segment, view_index(vad, va), vad->protection);
    pte_t *pte;
    if (mm_protection_guard(protection)) {
        if (!NT_SUCCESS(mi_user_pte_make(as, va, &pte)))
            return MM_FAULT_NO_MEMORY;
        mi_write_user_pte(as, va, pte, pte_make_prototype(protection & ~MM_GUARD_PAGE));
        as->faults.guard++;
        return MM_FAULT_GUARD_PAGE;
    }
    if (!access_allowed(protection, access))
        return MM_FAULT_ACCESS_VIOLATION;
    pfn_t frame;
    bool waited;
    enum mm_fault_status status =
        mi_segment_page(vad->segment, view_index(vad, va), &as->lock, &frame, &waited);
    if (status == MM_FAULT_RETRY || status == MM_FAULT_IO_ERROR) {
        mi_view_counters(as, vad)->read += !waited;
        mi_view_counters(as, vad)->collided += waited;
    }
    if (status != MM_FAULT_RESOLVED)
        return status;
    pte = mi_user_pte(va); /* the lock may have been dropped meanwhile: look again */
    if ((pte ? *pte : 0) != value)
        return MM_FAULT_RETRY;
    if (!pte && !NT_SUCCESS(mi_user_pte_make(as, va, &pte)))
        return MM_FAULT_NO_MEMORY;
    if (access == MI_ACCESS_WRITE && mm_protection_copy_on_write(protection))
        return private_copy(as, vad, va, pte, frame, protection);
    map_shared(as, va, pte, frame, protection, access);
    mi_view_counters(as, vad)->resident++;
    return MM_FAULT_RESOLVED;
}

static uint32_t view_zero_pte_protection(const struct mm_vad *vad, vaddr_t va)
{
    uint32_t index = view_index(vad, va);
    uint32_t irq = mi_lock_pfn();
    pte_t proto = mi_read_proto_pte(vad->segment, index);
    mi_unlock_pfn(irq);
    if (!mi_segment_committed(vad->segment, proto))
        return 0; /* SEC_RESERVE pages not yet committed */
    return mi_segment_page_protection(vad->segment, index, vad->protection);
}

/* A shared page leaves this PTE: one share fewer, and a dirty bit becomes the page's modified
 * state. A private page (a copy) is freed. */
static void view_release_frame(struct mm_vad *vad, pte_t pte)
{
    (void)vad;
    if (!pte_valid(pte) || !(pte & PTE_PROTO_BACKED)) {
        mm_release_frame(pte_frame(pte));
        return;
    }
    uint32_t irq = mi_lock_pfn();
    struct mi_pfn *e = mi_pfn_entry(pte_frame(pte));
    ASSERT(e->share_count > 0);
    e->share_count--;
    if (pte & PTE_DIRTY)
        e->flags |= MI_PFN_MODIFIED;
    mi_unlock_pfn(irq);
}

static void view_destroy(struct mm_address_space *as, struct mm_vad *vad)
{
    mi_return_commit(as, vad->commit);
    vad->commit = 0;
    uint32_t irq = mi_lock_pfn();
    vad->segment->views--;
    mi_unlock_pfn(irq);
    mi_dereference_segment(vad->segment);
    vad->segment = NULL;
}

static NTSTATUS view_commit(struct mm_address_space *as, struct mm_vad *vad, vaddr_t start,
                            vaddr_t end, uint32_t protection)
{
    (void)as;
    if (vad->segment->ops->fill)
        return STATUS_SUCCESS; /* a file's pages are all committed */
    return mi_commit_segment(vad->segment, view_index(vad, start), (end - start) / PAGE_SIZE + 1,
                             protection);
}

/* A zero PTE means the page's own protection: the view's, or in an image the section's (which the
 * view's PAGE_EXECUTE_WRITECOPY is not). Any other is written down. */
static pte_t view_untouched_pte(const struct mm_vad *vad, vaddr_t va, uint32_t protection)
{
    uint32_t own = vad->type == MEM_IMAGE ? view_zero_pte_protection(vad, va) : vad->protection;
    return protection == own ? 0 : pte_make_prototype(protection);
}

/* A page of a view may take a protection the view was mapped with allows: shared writes only in a
 * view mapped for them, copy-on-write in a view mapped for writes or copies. */
static NTSTATUS view_check_protection(const struct mm_vad *vad, uint32_t protection)
{
    if (vad->type == MEM_IMAGE)
        return STATUS_SUCCESS; /* writes to an image's private pages become copies (below) */
    bool shared_write =
        mm_protection_writable(protection) && !mm_protection_copy_on_write(protection);
    if (shared_write &&
        (!mm_protection_writable(vad->protection) || mm_protection_copy_on_write(vad->protection)))
        return STATUS_SECTION_PROTECTION;
    if (mm_protection_copy_on_write(protection) && !mm_protection_writable(vad->protection))
        return STATUS_SECTION_PROTECTION;
    return STATUS_SUCCESS;
}

static uint32_t view_adjust_protection(const struct mm_vad *vad, vaddr_t va, uint32_t protection)
{
    if (vad->type != MEM_IMAGE || !mm_protection_writable(protection) ||
        mm_protection_copy_on_write(protection))
        return protection;
    uint32_t page = mi_segment_page_protection(vad->segment, view_index(vad, va), vad->protection);
    bool shared = mm_protection_writable(page) && !mm_protection_copy_on_write(page);
    return shared ? protection : protection + 1; /* READWRITE -> WRITECOPY, EXECUTE_ too */
}

const struct mi_vad_ops mi_view_ops = {
    .name = "mapped",
    .fault = view_fault,
    .zero_pte_protection = view_zero_pte_protection,
    .release_frame = view_release_frame,
    .destroy = view_destroy,
    .commit = view_commit,
    .untouched_pte = view_untouched_pte,
    .check_protection = view_check_protection,
    .adjust_protection = view_adjust_protection,
};

/* ---- mapping and unmapping ---- */

static NTSTATUS place_view(struct mm_address_space *as, vaddr_t *base, uint32_t pages,
                           uint32_t zero_bits, uint32_t type)
{
    if (*base) {
        if (*base & (GRANULARITY - 1))
            return STATUS_MAPPED_ALIGNMENT;
        uint32_t vpn = *base >> PAGE_SHIFT;
        if (vpn + pages - 1 > as->vads.highest_vpn ||
            mi_vad_first_overlap(&as->vads, vpn, vpn + pages - 1))
            return STATUS_CONFLICTING_ADDRESSES;
        return STATUS_SUCCESS;
    }
    vaddr_t limit = as->highest_address - GRANULARITY;
    if (zero_bits)
        limit = MIN(limit, 0xFFFFFFFFu >> zero_bits);
    uint32_t vpn;
    if (!mi_vad_find_free(&as->vads, pages, MI_VAD_GRANULARITY_PAGES, 0, limit >> PAGE_SHIFT,
                          type & MEM_TOP_DOWN ? MI_VAD_TOP_DOWN : MI_VAD_BOTTOM_UP, &vpn))
        return STATUS_NO_MEMORY;
    *base = vpn << PAGE_SHIFT;
    return STATUS_SUCCESS;
}

/* Charges the view's copy-on-write pages, then enters a view VAD over [*base, +pages). The address
 * space's lock is held and the range is free. */
static NTSTATUS insert_view(struct mm_address_space *as, struct mi_segment *seg, uint32_t type,
                            uint32_t protection, vaddr_t base, uint32_t pages, uint32_t first_page,
                            uint32_t copy_pages)
{
    struct mm_vad *vad = mi_new_vad(&mi_view_ops, type, protection);
    if (!vad)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = mi_charge_commit(as, copy_pages); /* each may become a private copy */
    if (!NT_SUCCESS(status)) {
        mi_free_vad(vad);
        return status;
    }
    vad->commit = copy_pages;
    vad->segment = seg;
    vad->first_page = first_page;
    vad->node.start_vpn = base >> PAGE_SHIFT;
    vad->node.end_vpn = vad->node.start_vpn + pages - 1;
    bool inserted = mi_vad_insert(&as->vads, &vad->node);
    ASSERT(inserted);
    (void)inserted;
    mi_reference_segment(seg);
    uint32_t irq = mi_lock_pfn();
    seg->views++;
    mi_unlock_pfn(irq);
    return STATUS_SUCCESS;
}

NTSTATUS mi_map_view(struct mi_segment *seg, uint64_t section_size, vaddr_t *base, uint32_t *size,
                     uint64_t offset, uint32_t zero_bits, uint32_t type, uint32_t protection)
{
    struct mm_address_space *as = mm_current_address_space();
    if (offset & (GRANULARITY - 1))
        return STATUS_MAPPED_ALIGNMENT;
    if (offset >= section_size || (*size && *size > section_size - offset))
        return STATUS_INVALID_VIEW_SIZE;
    uint64_t bytes = *size ? *size : section_size - offset;
    if (bytes > as->highest_address)
        return STATUS_INVALID_VIEW_SIZE;
    uint32_t pages = (uint32_t)((bytes + PAGE_MASK) >> PAGE_SHIFT);
    ke_acquire_lock(&as->lock);
    NTSTATUS status = place_view(as, base, pages, zero_bits, type);
    if (NT_SUCCESS(status))
        status = insert_view(as, seg, MEM_MAPPED, protection, *base, pages,
                             (uint32_t)(offset >> PAGE_SHIFT),
                             mm_protection_copy_on_write(protection) ? pages : 0);
    if (NT_SUCCESS(status))
        *size = pages * PAGE_SIZE;
    ke_release_lock(&as->lock);
    return status;
}

/* An image goes at its base when that is free (or at *base when given); else a relocatable image
 * goes wherever it fits (STATUS_IMAGE_NOT_AT_BASE, and the loader relocates it), and one without
 * relocations cannot be mapped (STATUS_CONFLICTING_ADDRESSES). */
NTSTATUS mi_map_image_view(struct mi_segment *seg, vaddr_t *base, uint32_t *size,
                           uint32_t zero_bits, uint32_t type)
{
    struct mm_address_space *as = mm_current_address_space();
    const struct mm_image_info *info = mi_image_info(seg);
    uint32_t pages = info->size_of_image / PAGE_SIZE;
    vaddr_t wanted = *base ? *base : info->image_base;
    ke_acquire_lock(&as->lock);
    NTSTATUS status = STATUS_CONFLICTING_ADDRESSES;
    if (wanted <= as->highest_address - GRANULARITY &&
        info->size_of_image <= as->highest_address - GRANULARITY - wanted + 1) {
        *base = wanted;
        status = place_view(as, base, pages, zero_bits, type);
    }
    if (!NT_SUCCESS(status) && info->relocatable && status != STATUS_MAPPED_ALIGNMENT) {
        *base = 0;
        status = place_view(as, base, pages, zero_bits, type);
    }
    if (NT_SUCCESS(status))
        status = insert_view(as, seg, MEM_IMAGE, MM_EXECUTE_WRITECOPY, *base, pages, 0,
                             info->writable_pages);
    if (NT_SUCCESS(status)) {
        *size = pages * PAGE_SIZE;
        if (*base != info->image_base)
            status = STATUS_IMAGE_NOT_AT_BASE;
    }
    ke_release_lock(&as->lock);
    return status;
}

NTSTATUS mm_unmap_view(vaddr_t address)
{
    struct mm_address_space *as = mm_current_address_space();
    ke_acquire_lock(&as->lock);
    struct mm_vad *vad = mi_find_vad(as, address);
    NTSTATUS status = STATUS_NOT_MAPPED_VIEW;
    if (vad && vad->ops == &mi_view_ops) {
        uint32_t committed;
        mi_teardown_ptes(as, vad, mi_vad_start(vad), mi_vad_end(vad), MI_TEARDOWN_ZERO, &committed);
        mi_vad_remove(&as->vads, &vad->node);
        vad->ops->destroy(as, vad);
        mi_free_vad(vad);
        status = STATUS_SUCCESS;
    }
    ke_release_lock(&as->lock);
    return status;
}

/* Moves the dirty bits of this address space's PTEs in [start, end] of a view into the segment. */
static void harvest_dirty(struct mm_vad *vad, vaddr_t start, vaddr_t end)
{
    for (vaddr_t va = start; va <= end && va >= start; va += PAGE_SIZE) {
        pte_t *pte = mi_user_pte(va);
        if (!pte) {
            va = ALIGN_DOWN(va, 0x400000u) + 0x400000u - PAGE_SIZE;
            continue;
        }
        pte_t value = *pte;
        if (!pte_valid(value) || !(value & PTE_PROTO_BACKED) || !(value & PTE_DIRTY))
            continue;
        *pte = value & ~PTE_DIRTY;
        cpu_invlpg(va);
        mi_note_dirty(pte_frame(value));
    }
    (void)vad;
}

NTSTATUS mm_flush_view(vaddr_t *base, uint32_t *size)
{
    struct mm_address_space *as = mm_current_address_space();
    vaddr_t start = ALIGN_DOWN(*base, PAGE_SIZE);
    ke_acquire_lock(&as->lock);
    struct mm_vad *vad = mi_find_vad(as, start);
    if (!vad || vad->ops != &mi_view_ops) {
        ke_release_lock(&as->lock);
        return vad ? STATUS_NOT_MAPPED_DATA : STATUS_NOT_MAPPED_VIEW;
    }
    vaddr_t end = *size ? (*base + *size - 1) | PAGE_MASK : mi_vad_end(vad);
    if (end > mi_vad_end(vad) || end < start) {
        ke_release_lock(&as->lock);
        return STATUS_NOT_MAPPED_VIEW;
    }
    harvest_dirty(vad, start, end);
    struct mi_segment *seg = vad->segment;
    mi_reference_segment(seg);
    uint32_t first = view_index(vad, start), count = (end - start) / PAGE_SIZE + 1;
    ke_release_lock(&as->lock);
    NTSTATUS status = mi_flush_segment(seg, first, count);
    mi_dereference_segment(seg);
    *base = start;
    *size = end - start + 1;
    return status;
}
