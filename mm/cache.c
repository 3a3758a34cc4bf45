/* mm/cache.c: a data segment's pages as the file's cache (DESIGN section 8): NtReadFile overlays
 * the resident pages on what it read from the disk, NtWriteFile writes both, and deleting or
 * shrinking a file first settles what its segment holds. One frame per file page, so nothing goes
 * stale. */
#include "kernel/rtl/string.h"
#include "mm/mi.h"

/* The segment an FCB points at, referenced; NULL when the file has none. */
static struct mi_segment *segment_of(void **owner)
{
    uint32_t irq = mi_lock_pfn();
    struct mi_segment *seg = *owner;
    if (seg)
        seg->references++;
    mi_unlock_pfn(irq);
    return seg;
}

/* The frame holding page index, once no read of it is in flight; MM_PFN_NONE if not resident.
 * The frame gets a reference the caller releases. */
static pfn_t resident_frame(struct mi_segment *seg, uint32_t index)
{
    for (;;) {
        uint32_t irq = mi_lock_pfn();
        pte_t proto = index < seg->pages ? mi_read_proto_pte(seg, index) : 0;
        if (pte_state(proto) == PTE_STATE_TRANSITION) {
            struct mi_inpage *inpage = mi_pfn_entry(pte_frame(proto))->inpage;
            inpage->references++;
            mi_unlock_pfn(irq);
            ke_wait_for_object(&inpage->done, NULL);
            mi_release_inpage(inpage);
            continue;
        }
        if (!pte_valid(proto)) {
            mi_unlock_pfn(irq);
            return MM_PFN_NONE;
        }
        mi_pfn_entry(pte_frame(proto))->ref_count++;
        mi_unlock_pfn(irq);
        return pte_frame(proto);
    }
}

enum copy_direction { FROM_CACHE, TO_CACHE };

static void copy_pages(void **owner, uint64_t offset, uint8_t *buf, uint32_t len,
                       enum copy_direction direction)
{
    struct mi_segment *seg = segment_of(owner);
    if (!seg)
        return;
    uint32_t done = 0;
    while (done < len) {
        uint64_t at = offset + done;
        uint32_t in_page = (uint32_t)(at & PAGE_MASK), chunk = MIN(PAGE_SIZE - in_page, len - done);
        pfn_t frame = at >> PAGE_SHIFT < seg->pages
                          ? resident_frame(seg, (uint32_t)(at >> PAGE_SHIFT))
                          : MM_PFN_NONE;
        if (frame != MM_PFN_NONE) {
            uint8_t *page = mm_map_hyperspace(frame);
            if (direction == FROM_CACHE)
                memcpy(buf + done, page + in_page, chunk);
            else
                memcpy(page + in_page, buf + done, chunk);
            mm_unmap_hyperspace(page);
            mm_release_frame(frame);
        }
        done += chunk;
    }
    mi_dereference_segment(seg);
}

void mm_file_cache_read(void **owner, uint64_t offset, void *buf, uint32_t len)
{
    copy_pages(owner, offset, buf, len, FROM_CACHE);
}

void mm_file_cache_write(void **owner, uint64_t offset, const void *buf, uint32_t len)
{
    copy_pages(owner, offset, (uint8_t *)(uintptr_t)buf, len, TO_CACHE);
}

/* Drops the resident pages from page `first` on (none of them mapped), modified or not. */
static void drop_pages(struct mi_segment *seg, uint32_t first)
{
    for (uint32_t i = first; i < seg->pages; i++) {
        pfn_t frame = resident_frame(seg, i);
        if (frame == MM_PFN_NONE)
            continue;
        uint32_t irq = mi_lock_pfn();
        struct mi_pfn *e = mi_pfn_entry(frame);
        ASSERT(e->share_count == 0);
        *mi_proto_pte(seg, i) = 0;
        e->flags = 0;
        e->ref_count--; /* resident_frame's; the segment's goes below */
        mi_unlock_pfn(irq);
        mm_release_frame(frame);
    }
}

NTSTATUS mm_file_flush(void **owner)
{
    struct mi_segment *seg = segment_of(owner);
    if (!seg)
        return STATUS_SUCCESS;
    NTSTATUS status = mi_flush_segment(seg, 0, seg->pages);
    mi_dereference_segment(seg);
    return status;
}

bool mm_file_has_segment(void **owner)
{
    struct mi_segment *seg = segment_of(owner);
    if (!seg)
        return false;
    mi_dereference_segment(seg); /* back on the unused list if it was there */
    return !mi_purge_unused_segment(seg);
}

bool mm_file_mapped(void **owner)
{
    uint32_t irq = mi_lock_pfn();
    struct mi_segment *seg = *owner;
    bool mapped = seg && seg->views;
    mi_unlock_pfn(irq);
    return mapped;
}

NTSTATUS mm_file_deleting(void **owner)
{
    struct mi_segment *seg = segment_of(owner);
    if (!seg)
        return STATUS_SUCCESS;
    NTSTATUS status = STATUS_CANNOT_DELETE;
    if (seg->views == 0) {
        drop_pages(seg, 0);
        seg->file_gone = true;
        status = STATUS_SUCCESS;
    }
    mi_dereference_segment(seg);
    return status;
}

NTSTATUS mm_file_truncating(void **owner, uint64_t size)
{
    struct mi_segment *seg = segment_of(owner);
    if (!seg)
        return STATUS_SUCCESS;
    NTSTATUS status = STATUS_SUCCESS;
    uint64_t first = size >> PAGE_SHIFT;
    if (first < seg->pages) {
        if (seg->views) {
            status = STATUS_USER_MAPPED_FILE;
        } else {
            /* The page the new end falls in keeps its first bytes: write them back first. */
            if (size & PAGE_MASK)
                mi_flush_segment(seg, (uint32_t)first, 1);
            drop_pages(seg, (uint32_t)first);
        }
    }
    mi_dereference_segment(seg);
    return status;
}
