/* ldr/pe_reloc.c: base relocations of a PE32 image (ldr/pe.h): the block walk, a validating scan
 * that also says which pages fixups write, and the all-or-nothing apply built on it. */
#include "ldr/pep.h"

void ldr_pe_relocs_begin(struct ldr_pe_reloc_iter *it, const void *data, uint32_t size)
{
    LDRP_ASSERT(data || size == 0);
    it->data = data;
    it->size = size;
    it->pos = 0;
    it->why = NULL;
}

NTSTATUS ldr_pe_relocs_next(struct ldr_pe_reloc_iter *it, struct ldr_pe_reloc_block *block)
{
    if (it->pos == it->size)
        return STATUS_NO_MORE_ENTRIES;
    struct ldrp_reloc_block_header h;
    if (!ldrp_in_range(it->pos, sizeof h, it->size))
        return ldrp_invalid(&it->why, "a relocation block header runs past the directory");
    ldrp_copy(&h, it->data + it->pos, sizeof h);
    if (h.size_of_block < sizeof h || h.size_of_block % 2 != 0)
        return ldrp_invalid(&it->why, "a relocation block's size is below 8 or odd");
    if (!ldrp_in_range(it->pos, h.size_of_block, it->size))
        return ldrp_invalid(&it->why, "a relocation block runs past the directory");
    block->page_rva = h.page_rva;
    block->count = (h.size_of_block - (uint32_t)sizeof h) / 2;
    block->entries = it->data + it->pos + sizeof h;
    it->pos += h.size_of_block;
    return STATUS_SUCCESS;
}

uint16_t ldr_pe_reloc_entry(const struct ldr_pe_reloc_block *block, uint32_t i)
{
    LDRP_ASSERT(i < block->count);
    return ldrp_load16(block->entries + 2 * i);
}

/* One pass over the directory: always validating, and either marking pages or writing fixups. */
struct walk {
    const void *data;
    uint32_t size, dir_rva, image_size;
    struct ldr_pe_reloc_stats stats;
    uint8_t *pages; /* scan: the bitmap of written pages, or NULL */
    uint8_t *image; /* apply: the laid-out image, or NULL */
    uint32_t delta;
    const char *why;
};

static void mark_page(uint8_t *pages, uint64_t rva)
{
    uint32_t page = (uint32_t)(rva >> PAGE_SHIFT);
    pages[page / 8] |= (uint8_t)(1u << (page % 8));
}

static NTSTATUS fixup(struct walk *w, uint32_t page_rva, uint16_t entry)
{
    uint32_t type = entry >> 12;
    uint64_t target = (uint64_t)page_rva + (entry & 0xFFFu);
    if (type == LDR_PE_REL_ABSOLUTE) {
        w->stats.absolute++;
        return STATUS_SUCCESS;
    }
    if (type != LDR_PE_REL_HIGHLOW)
        return ldrp_invalid(&w->why, "a relocation type other than ABSOLUTE or HIGHLOW");
    if (target + 4 > w->image_size)
        return ldrp_invalid(&w->why, "a fixup lies outside the image");
    /* A fixup inside the directory would change blocks after they were validated. */
    if (target + 4 > w->dir_rva && target < (uint64_t)w->dir_rva + w->size)
        return ldrp_invalid(&w->why, "a fixup writes the relocation directory itself");
    w->stats.fixups++;
    if (w->pages) {
        mark_page(w->pages, target);
        mark_page(w->pages, target + 3);
    }
    if (w->image) {
        uint8_t *p = w->image + target;
        ldrp_store32(p, ldrp_load32(p) + w->delta);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS walk(struct walk *w)
{
    struct ldr_pe_reloc_iter it;
    struct ldr_pe_reloc_block block;
    NTSTATUS status;
    ldr_pe_relocs_begin(&it, w->data, w->size);
    while ((status = ldr_pe_relocs_next(&it, &block)) == STATUS_SUCCESS) {
        w->stats.blocks++;
        for (uint32_t i = 0; i < block.count; i++) {
            status = fixup(w, block.page_rva, ldr_pe_reloc_entry(&block, i));
            if (status != STATUS_SUCCESS)
                return status;
        }
    }
    if (status == STATUS_NO_MORE_ENTRIES)
        return STATUS_SUCCESS;
    w->why = it.why;
    return status;
}

NTSTATUS ldr_pe_relocs_scan(const void *data, uint32_t size, uint32_t dir_rva, uint32_t image_size,
                            struct ldr_pe_reloc_stats *stats, uint8_t *pages, uint32_t pages_bytes,
                            const char **why)
{
    LDRP_ASSERT(!pages || (uint64_t)pages_bytes * 8 * PAGE_SIZE >= image_size);
    struct walk w = {data, size, dir_rva, image_size, {0, 0, 0}, pages, NULL, 0, NULL};
    NTSTATUS status = walk(&w);
    if (stats)
        *stats = w.stats;
    if (status != STATUS_SUCCESS && why)
        *why = w.why;
    return status;
}

NTSTATUS ldr_pe_relocs_apply(const struct ldr_pe_view *view, uint32_t delta,
                             struct ldr_pe_reloc_stats *stats, const char **why)
{
    const struct ldr_pe_dir_entry dir = view->image->dirs[LDR_PE_DIR_BASERELOC];
    struct ldr_pe_reloc_stats scanned = {0, 0, 0};
    NTSTATUS status = STATUS_SUCCESS;
    if (dir.rva == 0)
        goto out;
    const void *data = ldr_pe_rva(view, dir.rva, dir.size);
    if (!data) {
        status = ldrp_invalid(why, "the relocation directory is outside the image");
        goto out;
    }
    status = ldr_pe_relocs_scan(data, dir.size, dir.rva, view->size, &scanned, NULL, 0, why);
    if (status != STATUS_SUCCESS || delta == 0)
        goto out;
    /* The second pass checks again as it writes, so even a directory changed under it stays in
     * bounds; the scan made sure no fixup of ours changes it. */
    struct walk w = {data, dir.size, dir.rva, view->size, {0, 0, 0}, NULL, view->base, delta, NULL};
    status = walk(&w);
    if (status != STATUS_SUCCESS && why)
        *why = w.why;
out:
    if (stats)
        *stats = scanned;
    return status;
}
