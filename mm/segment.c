/* mm/segment.c: segments, the pages behind sections (mm/mi.h): prototype PTEs in chunks, pages made
 * resident by zero-fill or by a read from the file (one read however many faults collide on it),
 * written back when modified, and freed with the segment's last reference. */
#include "kernel/rtl/string.h"
#include "mm/mi.h"

/* Pool tags: a segment and its chunk table, and its chunks of prototype PTEs; each kind has its
 * own pair (struct mi_segment_ops), so leak checks can tell data sections from cached images. */
#define SEGMENT_TAG(seg) ((seg)->ops->segment_tag)
#define CHUNK_TAG(seg)   ((seg)->ops->chunk_tag)
#define INPAGE_TAG       MM_TAG('M', 'm', 'I', 'p')

static struct mi_segment *data_segments; /* every live data segment, for the shutdown flush */

/* ---- prototype PTEs ---- */

pte_t *mi_proto_pte(struct mi_segment *seg, uint32_t index)
{
    ASSERT(index < seg->pages && ke_spin_lock_held(&mi_pfn_lock));
    pte_t *chunk = seg->chunks[index / MI_PROTO_CHUNK];
    return chunk ? &chunk[index % MI_PROTO_CHUNK] : NULL;
}

pte_t mi_read_proto_pte(struct mi_segment *seg, uint32_t index)
{
    pte_t *pte = mi_proto_pte(seg, index);
    return pte ? *pte : seg->initial;
}

/* Makes the chunks of pages [first, first + count) that do not exist yet. The pool is called
 * without the PFN lock (it takes that lock itself to get a page); a chunk someone else made
 * meanwhile wins, and ours goes back. Chunks live as long as the segment. */
static NTSTATUS make_chunks(struct mi_segment *seg, uint32_t first, uint32_t count)
{
    ASSERT(count > 0 && first + count <= seg->pages);
    for (uint32_t c = first / MI_PROTO_CHUNK; c <= (first + count - 1) / MI_PROTO_CHUNK; c++) {
        uint32_t irq = mi_lock_pfn();
        bool made = seg->chunks[c] != NULL;
        mi_unlock_pfn(irq);
        if (made)
            continue;
        pte_t *ptes = mm_pool_alloc(MI_PROTO_CHUNK * sizeof(pte_t), CHUNK_TAG(seg));
        if (!ptes)
            return STATUS_INSUFFICIENT_RESOURCES;
        for (uint32_t i = 0; i < MI_PROTO_CHUNK; i++)
            ptes[i] = seg->initial;
        irq = mi_lock_pfn();
        if (!seg->chunks[c]) {
            seg->chunks[c] = ptes;
            ptes = NULL;
        }
        mi_unlock_pfn(irq);
        mm_pool_free(ptes, CHUNK_TAG(seg));
    }
    return STATUS_SUCCESS;
}

/* ---- making segments ---- */

static NTSTATUS new_segment(const struct mi_segment_ops *ops, uint32_t pages,
                            struct mi_segment **out)
{
    if (pages == 0 || pages > (0xFFFFFFFFu >> PAGE_SHIFT))
        return STATUS_SECTION_TOO_BIG;
    struct mi_segment *seg = mm_pool_alloc(sizeof *seg, ops->segment_tag);
    uint32_t chunks = (pages + MI_PROTO_CHUNK - 1) / MI_PROTO_CHUNK;
    pte_t **table = mm_pool_alloc(chunks * sizeof(pte_t *), ops->segment_tag);
    if (!seg || !table) {
        if (seg)
            mm_pool_free(seg, ops->segment_tag);
        if (table)
            mm_pool_free(table, ops->segment_tag);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memset(seg, 0, sizeof *seg);
    memset(table, 0, chunks * sizeof(pte_t *));
    seg->ops = ops;
    seg->pages = pages;
    seg->chunks = table;
    seg->chunk_count = chunks;
    seg->references = 1;
    *out = seg;
    return STATUS_SUCCESS;
}

NTSTATUS mi_create_pagefile_segment(uint32_t pages, uint32_t protection, bool commit,
                                    struct mi_segment **out)
{
    NTSTATUS status = new_segment(&mi_pagefile_segment_ops, pages, out);
    if (!NT_SUCCESS(status))
        return status;
    struct mi_segment *seg = *out;
    seg->protection = protection;
    if (commit) {
        status = mi_charge_commit(NULL, pages);
        if (!NT_SUCCESS(status)) {
            mi_dereference_segment(seg);
            return status;
        }
        seg->commit = pages;
        seg->initial = pte_make_demand_zero(protection);
    }
    return STATUS_SUCCESS;
}

NTSTATUS mi_create_data_segment(const struct mm_file_pager *pager, void *file, void **owner,
                                uint32_t pages, struct mi_segment **out)
{
    NTSTATUS status = mi_create_file_segment(&mi_data_segment_ops, pager, file, owner, pages, out);
    if (!NT_SUCCESS(status))
        return status;
    uint32_t irq = mi_lock_pfn();
    (*out)->next = data_segments;
    data_segments = *out;
    mi_unlock_pfn(irq);
    return STATUS_SUCCESS;
}

NTSTATUS mi_create_file_segment(const struct mi_segment_ops *ops, const struct mm_file_pager *pager,
                                void *file, void **owner, uint32_t pages, struct mi_segment **out)
{
    NTSTATUS status = new_segment(ops, pages, out);
    if (!NT_SUCCESS(status))
        return status;
    struct mi_segment *seg = *out;
    seg->pager = pager;
    seg->file = file;
    seg->owner = owner;
    pager->reference(file);
    *owner = seg;
    return STATUS_SUCCESS;
}

/* ---- unused segments: kept, pages and all, for the next user (NT's unused segment list) ---- */

uint32_t mi_image_pages;
static struct list_entry unused_segments = {&unused_segments, &unused_segments};
static uint32_t unused_count;

/* PFN lock held. */
static void leave_unused_list(struct mi_segment *seg)
{
    list_remove(&seg->unused_link);
    unused_count--;
    seg->unused = false;
}

void mi_reference_segment_locked(struct mi_segment *seg)
{
    ASSERT(ke_spin_lock_held(&mi_pfn_lock));
    /* a new section revives a dying segment, and an unused one */
    ASSERT(seg->references > 0 || seg->deleting || seg->unused);
    if (seg->unused)
        leave_unused_list(seg);
    seg->references++;
}

void mi_reference_segment(struct mi_segment *seg)
{
    uint32_t irq = mi_lock_pfn();
    mi_reference_segment_locked(seg);
    mi_unlock_pfn(irq);
}

NTSTATUS mi_extend_segment(struct mi_segment *seg, uint32_t pages)
{
    uint32_t chunks = (pages + MI_PROTO_CHUNK - 1) / MI_PROTO_CHUNK;
    if (pages <= seg->pages)
        return STATUS_SUCCESS;
    pte_t **table = seg->chunks;
    if (chunks > seg->chunk_count) {
        table = mm_pool_alloc(chunks * sizeof(pte_t *), SEGMENT_TAG(seg));
        if (!table)
            return STATUS_INSUFFICIENT_RESOURCES;
        memset(table, 0, chunks * sizeof(pte_t *));
        memcpy(table, seg->chunks, seg->chunk_count * sizeof(pte_t *));
    }
    /* Chunks stay where they are (PFN entries point into them); only the table of them moves. */
    uint32_t irq = mi_lock_pfn();
    pte_t **old = seg->chunks;
    seg->chunks = table;
    seg->chunk_count = MAX(chunks, seg->chunk_count);
    seg->pages = pages;
    mi_unlock_pfn(irq);
    if (old != table)
        mm_pool_free(old, SEGMENT_TAG(seg));
    return STATUS_SUCCESS;
}

/* ---- the pages ---- */

void mi_release_inpage(struct mi_inpage *inpage)
{
    uint32_t irq = mi_lock_pfn();
    bool last = --inpage->references == 0;
    mi_unlock_pfn(irq);
    if (last)
        mm_pool_free(inpage, INPAGE_TAG);
}

/* A fresh frame for a prototype PTE. PFN lock held. */
static void bind_frame(pfn_t pfn, pte_t *proto)
{
    ASSERT(ke_spin_lock_held(&mi_pfn_lock));
    struct mi_pfn *e = mi_pfn_entry(pfn);
    e->pte = proto;
    e->flags |= MI_PFN_PROTOTYPE;
    e->share_count = 0;
}

/* A data file's page: what the file has, zeros past its end. */
static NTSTATUS data_fill(struct mi_segment *seg, uint32_t index, uint8_t *page)
{
    uint32_t done = 0;
    NTSTATUS status = seg->file_gone ? STATUS_FILE_DELETED
                                     : seg->pager->read(seg->file, (uint64_t)index * PAGE_SIZE,
                                                        page, PAGE_SIZE, &done);
    if (NT_SUCCESS(status) || status == STATUS_END_OF_FILE) {
        memset(page + done, 0, PAGE_SIZE - done);
        status = STATUS_SUCCESS;
    }
    return status;
}

static NTSTATUS read_page(struct mi_segment *seg, uint32_t index, pfn_t frame)
{
    uint8_t *page = mm_map_hyperspace(frame);
    NTSTATUS status = seg->ops->fill(seg, index, page);
    mm_unmap_hyperspace(page);
    return status;
}

/* The page-in: the prototype PTE goes into transition with a frame marked read-in-progress, the
 * read runs with no lock held, then the PTE becomes valid (or returns to 0) and waiters wake. */
static enum mm_fault_status page_in(struct mi_segment *seg, uint32_t index, pte_t *proto,
                                    struct ke_lock *held, bool *waited)
{
    struct mi_inpage *inpage = mm_pool_alloc(sizeof *inpage, INPAGE_TAG);
    pfn_t frame = inpage ? mm_alloc_frame(MM_FRAME_ANY) : MM_PFN_NONE;
    if (frame == MM_PFN_NONE) {
        if (inpage)
            mm_pool_free(inpage, INPAGE_TAG);
        return MM_FAULT_NO_MEMORY;
    }
    ke_init_dispatcher_header(&inpage->done.header, KE_NOTIFICATION_EVENT, 0);
    inpage->references = 1;
    uint32_t irq = mi_lock_pfn();
    if (*proto != 0) { /* someone else started it while we allocated */
        *waited = true;
        mi_unlock_pfn(irq);
        mm_free_frame(frame);
        mm_pool_free(inpage, INPAGE_TAG);
        return MM_FAULT_RETRY;
    }
    bind_frame(frame, proto);
    struct mi_pfn *e = mi_pfn_entry(frame);
    e->flags |= MI_PFN_READ_IN_PROGRESS;
    e->inpage = inpage;
    *proto = pte_make_transition(frame, 0);
    seg->references++; /* the read's own, so the segment outlives it */
    mi_unlock_pfn(irq);

    ke_release_lock(held);
    NTSTATUS status = read_page(seg, index, frame);
    irq = mi_lock_pfn();
    e->flags &= (uint8_t)~MI_PFN_READ_IN_PROGRESS;
    e->inpage = NULL;
    e->original_pte = 0;
    inpage->status = status;
    if (NT_SUCCESS(status)) {
        *proto = pte_make_valid(frame, 0);
        seg->pages_read++;
        mi_image_pages += seg->ops == &mi_image_segment_ops;
    } else {
        *proto = 0;
    }
    mi_unlock_pfn(irq);
    if (!NT_SUCCESS(status))
        mm_free_frame(frame);
    ke_set_event(&inpage->done);
    mi_release_inpage(inpage);
    mi_dereference_segment(seg);
    ke_acquire_lock(held);
    return NT_SUCCESS(status) ? MM_FAULT_RETRY : MM_FAULT_IO_ERROR;
}

/* Another fault is reading the page: wait for it (NT's collided page fault). */
static enum mm_fault_status wait_for_inpage(struct mi_inpage *inpage, struct ke_lock *held,
                                            uint32_t irq)
{
    inpage->references++;
    mi_unlock_pfn(irq);
    ke_release_lock(held);
    ke_wait_for_object(&inpage->done, NULL);
    NTSTATUS status = inpage->status;
    mi_release_inpage(inpage);
    ke_acquire_lock(held);
    return NT_SUCCESS(status) ? MM_FAULT_RETRY : MM_FAULT_IO_ERROR;
}

enum mm_fault_status mi_segment_page(struct mi_segment *seg, uint32_t index, struct ke_lock *held,
                                     pfn_t *frame, bool *waited)
{
    *waited = false;
    uint32_t irq = mi_lock_pfn();
    pte_t *proto = mi_proto_pte(seg, index);
    if (!proto) { /* the chunk's first page: made without the lock, then looked at again */
        mi_unlock_pfn(irq);
        if (!NT_SUCCESS(make_chunks(seg, index, 1)))
            return MM_FAULT_NO_MEMORY;
        irq = mi_lock_pfn();
        proto = mi_proto_pte(seg, index);
    }
    pte_t value = *proto;
    switch (pte_state(value)) {
    case PTE_STATE_VALID:
        *frame = pte_frame(value);
        mi_unlock_pfn(irq);
        return MM_FAULT_RESOLVED;
    case PTE_STATE_TRANSITION: {
        struct mi_pfn *e = mi_pfn_entry(pte_frame(value));
        ASSERT(e->flags & MI_PFN_READ_IN_PROGRESS);
        *waited = true;
        return wait_for_inpage(e->inpage, held, irq);
    }
    case PTE_STATE_DEMAND_ZERO: {
        mi_unlock_pfn(irq);
        pfn_t pfn = mm_alloc_frame(MM_FRAME_ZEROED);
        if (pfn == MM_PFN_NONE)
            return MM_FAULT_NO_MEMORY;
        irq = mi_lock_pfn();
        if (*proto != value) { /* resolved meanwhile (allocation does not wait, but be sure) */
            mi_unlock_pfn(irq);
            mm_free_frame(pfn);
            return MM_FAULT_RETRY;
        }
        bind_frame(pfn, proto);
        *proto = pte_make_valid(pfn, 0);
        *frame = pfn;
        mi_unlock_pfn(irq);
        return MM_FAULT_RESOLVED;
    }
    default:
        mi_unlock_pfn(irq);
        if (!seg->ops->fill)
            return MM_FAULT_ACCESS_VIOLATION; /* SEC_RESERVE: not committed */
        return page_in(seg, index, proto, held, waited);
    }
}

void mi_note_dirty(pfn_t frame)
{
    uint32_t irq = mi_lock_pfn();
    mi_pfn_entry(frame)->flags |= MI_PFN_MODIFIED;
    mi_unlock_pfn(irq);
}

NTSTATUS mi_commit_segment(struct mi_segment *seg, uint32_t first, uint32_t count,
                           uint32_t protection)
{
    (void)protection; /* a segment's pages all have the section's protection */
    NTSTATUS status = make_chunks(seg, first, count);
    if (!NT_SUCCESS(status))
        return status;
    uint32_t irq = mi_lock_pfn(), needed = 0;
    for (uint32_t i = first; i < first + count; i++)
        needed += *mi_proto_pte(seg, i) == 0;
    status = mi_charge_commit(NULL, needed); /* the commit lock nests inside the PFN lock */
    if (NT_SUCCESS(status)) {
        seg->commit += needed;
        for (uint32_t i = first; i < first + count; i++) {
            pte_t *proto = mi_proto_pte(seg, i);
            if (*proto == 0)
                *proto = pte_make_demand_zero(seg->protection);
        }
    }
    mi_unlock_pfn(irq);
    return status;
}

/* ---- writing back ---- */

/* Writes one modified page, up to the file's size (paging writes never extend a file). */
static NTSTATUS write_page(struct mi_segment *seg, uint32_t index, pfn_t frame, uint64_t size)
{
    uint64_t offset = (uint64_t)index * PAGE_SIZE;
    if (offset >= size || seg->file_gone)
        return STATUS_SUCCESS;
    uint32_t length = (uint32_t)MIN(size - offset, (uint64_t)PAGE_SIZE), done;
    uint8_t *page = mm_map_hyperspace(frame);
    NTSTATUS status = seg->pager->write(seg->file, offset, page, length, &done);
    mm_unmap_hyperspace(page);
    return status;
}

NTSTATUS mi_flush_segment(struct mi_segment *seg, uint32_t first, uint32_t count)
{
    return seg->ops->flush ? seg->ops->flush(seg, first, count) : STATUS_SUCCESS;
}

uint32_t mi_segment_page_protection(const struct mi_segment *seg, uint32_t index,
                                    uint32_t view_protection)
{
    return seg->ops->page_protection ? seg->ops->page_protection(seg, index, view_protection)
                                     : view_protection;
}

bool mi_segment_committed(const struct mi_segment *seg, pte_t proto)
{
    return proto != 0 || seg->ops->fill != NULL;
}

static NTSTATUS data_flush(struct mi_segment *seg, uint32_t first, uint32_t count)
{
    if (seg->file_gone)
        return STATUS_SUCCESS;
    uint64_t size;
    NTSTATUS status = seg->pager->query_size(seg->file, &size), result = STATUS_SUCCESS;
    if (!NT_SUCCESS(status))
        return status;
    for (uint32_t i = first; i < first + count && i < seg->pages; i++) {
        uint32_t irq = mi_lock_pfn();
        pte_t proto = mi_read_proto_pte(seg, i);
        struct mi_pfn *e = pte_valid(proto) ? mi_pfn_entry(pte_frame(proto)) : NULL;
        bool modified = e && (e->flags & MI_PFN_MODIFIED);
        if (modified) {
            e->flags &= (uint8_t)~MI_PFN_MODIFIED;
            e->ref_count++; /* the write's, while it waits for the disk */
        }
        mi_unlock_pfn(irq);
        if (!modified)
            continue;
        status = write_page(seg, i, pte_frame(proto), size);
        if (!NT_SUCCESS(status)) {
            mi_note_dirty(pte_frame(proto));
            result = STATUS_IN_PAGE_ERROR; /* NT's status for a failed flush */
        }
        mm_release_frame(pte_frame(proto));
    }
    return result;
}

/* ---- the end of a segment ---- */

/* PFN lock held. */
static void unlink_data_segment(struct mi_segment *seg)
{
    ASSERT(ke_spin_lock_held(&mi_pfn_lock));
    for (struct mi_segment **p = &data_segments; *p; p = &(*p)->next)
        if (*p == seg) {
            *p = seg->next;
            break;
        }
}

/* The last reference of a data segment writes its modified pages back first. The file's FCB still
 * finds the segment meanwhile (NtReadFile must see the pages being written), so whoever takes a
 * reference then revives it and deletes it later; otherwise the segment leaves the file now. */
static bool data_segment_revived(struct mi_segment *seg)
{
    mi_flush_segment(seg, 0, seg->pages);
    uint32_t irq = mi_lock_pfn();
    seg->deleting = false;
    bool revived = seg->references > 0;
    if (!revived) {
        unlink_data_segment(seg);
        *seg->owner = NULL;
    }
    mi_unlock_pfn(irq);
    return revived;
}

static void free_pages(struct mi_segment *seg)
{
    uint32_t freed = 0;
    for (uint32_t c = 0; c < seg->chunk_count; c++) {
        pte_t *chunk = seg->chunks[c];
        if (!chunk)
            continue;
        for (uint32_t i = 0; i < MI_PROTO_CHUNK; i++) {
            if (!pte_valid(chunk[i]))
                continue;
            struct mi_pfn *e = mi_pfn_entry(pte_frame(chunk[i]));
            if (e->share_count)
                ke_panic("mm: segment page %u still mapped %u times as the segment goes",
                         c * MI_PROTO_CHUNK + i, e->share_count);
            e->flags = 0;
            mm_release_frame(pte_frame(chunk[i]));
            freed++;
        }
        mm_pool_free(chunk, CHUNK_TAG(seg));
    }
    if (seg->ops == &mi_image_segment_ops) {
        uint32_t irq = mi_lock_pfn();
        mi_image_pages -= freed;
        mi_unlock_pfn(irq);
    }
}

static void delete_segment(struct mi_segment *seg)
{
    if (seg->ops->release && seg->ops->release(seg))
        return;
    free_pages(seg);
    if (seg->commit)
        mi_return_commit(NULL, seg->commit);
    uint32_t tag = SEGMENT_TAG(seg);
    mm_pool_free(seg->chunks, tag);
    mm_pool_free(seg, tag);
}

/* Takes the least recently used unused segment off the list, for deletion; NULL if none. */
static struct mi_segment *oldest_unused(void)
{
    uint32_t irq = mi_lock_pfn();
    struct mi_segment *seg = NULL;
    if (unused_count) {
        seg = CONTAINING_RECORD(unused_segments.next, struct mi_segment, unused_link);
        leave_unused_list(seg);
        seg->deleting = true;
    }
    mi_unlock_pfn(irq);
    return seg;
}

/* Keeps at most MI_MAX_UNUSED_SEGMENTS, and none while free frames are short. */
static void trim_unused(void)
{
    struct mm_frame_stats frames;
    for (;;) {
        mm_get_frame_stats(&frames);
        bool short_of_frames = frames.free + frames.zeroed < frames.total / 16;
        if (unused_count <= MI_MAX_UNUSED_SEGMENTS && !short_of_frames)
            return;
        struct mi_segment *seg = oldest_unused();
        if (!seg)
            return;
        delete_segment(seg);
    }
}

void mi_dereference_segment(struct mi_segment *seg)
{
    uint32_t irq = mi_lock_pfn();
    ASSERT(seg->references > 0);
    bool last = --seg->references == 0 && !seg->deleting; /* a dying one's deleter goes on */
    bool keep = last && seg->ops->keep_unused && !seg->file_gone;
    if (keep) {
        ASSERT(!seg->unused); /* a revived segment left the list (mi_reference_segment_locked) */
        list_insert_tail(&unused_segments, &seg->unused_link);
        unused_count++;
        seg->unused = true;
    }
    seg->deleting |= last && !keep;
    mi_unlock_pfn(irq);
    if (keep)
        trim_unused();
    else if (last)
        delete_segment(seg);
}

bool mi_purge_unused_segment(struct mi_segment *seg)
{
    uint32_t irq = mi_lock_pfn();
    bool unused = seg->unused;
    if (unused) {
        leave_unused_list(seg);
        seg->deleting = true;
    }
    mi_unlock_pfn(irq);
    if (unused)
        delete_segment(seg);
    return unused;
}

void mm_purge_unused_segments(void)
{
    struct mi_segment *seg;
    while ((seg = oldest_unused()))
        delete_segment(seg);
}

static bool data_release(struct mi_segment *seg)
{
    if (data_segment_revived(seg))
        return true;
    seg->pager->dereference(seg->file);
    return false;
}

const struct mi_segment_ops mi_pagefile_segment_ops = {
    .name = "pagefile-backed",
    .segment_tag = MM_TAG('M', 'm', 'S', 'g'),
    .chunk_tag = MM_TAG('M', 'm', 'P', 't'),
};

const struct mi_segment_ops mi_data_segment_ops = {
    .name = "data file",
    .segment_tag = MM_TAG('M', 'm', 'S', 'g'),
    .chunk_tag = MM_TAG('M', 'm', 'P', 't'),
    .fill = data_fill,
    .flush = data_flush,
    .release = data_release,
};

void mm_flush_all_segments(void)
{
    for (struct mi_segment *seg = data_segments; seg; seg = seg->next)
        mi_flush_segment(seg, 0, seg->pages);
}
