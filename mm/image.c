/* mm/image.c: image segments (SEC_IMAGE): a PE32 file laid out by its section headers (ldr/pe.h's
 * regions), one segment per file shared by every process that maps it. Pages come from the file on
 * first touch, zero-filled past each section's raw data; headers and code read-only, data
 * copy-on-write, IMAGE_SCN_MEM_SHARED sections writable and shared. Nothing is written back. */
#include "kernel/rtl/string.h"
#include "ldr/pe.h"
#include "mm/mi.h"

#define IMAGE_TAG MM_TAG('M', 'm', 'I', 'm')

/* One run of pages with one protection, filled from one range of the file (an ldr_pe_region). */
struct mi_subsection {
    uint32_t first_page, pages;
    uint32_t file_offset, file_bytes;
    uint32_t protection; /* MM */
};

struct mi_image {
    struct mm_image_info info;
    uint32_t subsection_count;
    struct mi_subsection subsections[]; /* in address order, covering the image */
};

/* The MM protection NT gives a region: IMAGE_SCN_MEM_* through MmImageProtectionArray, whose
 * PAGE_* values ldr/pe.c computes. */
static uint32_t region_protection(const struct ldr_pe_region *region)
{
    return mm_protection_from_win32(region->nt_protect);
}

static const struct mi_subsection *subsection_of(const struct mi_image *image, uint32_t page)
{
    uint32_t low = 0, high = image->subsection_count;
    while (low + 1 < high) {
        uint32_t mid = (low + high) / 2;
        if (image->subsections[mid].first_page <= page)
            low = mid;
        else
            high = mid;
    }
    return &image->subsections[low];
}

static NTSTATUS image_fill(struct mi_segment *seg, uint32_t index, uint8_t *page)
{
    const struct mi_subsection *s = subsection_of(seg->image, index);
    uint32_t offset_in = (index - s->first_page) * PAGE_SIZE, bytes = 0, done = 0;
    if (offset_in < s->file_bytes)
        bytes = MIN(s->file_bytes - offset_in, PAGE_SIZE);
    NTSTATUS status = STATUS_SUCCESS;
    if (bytes)
        status = seg->file_gone ? STATUS_FILE_DELETED
                                : seg->pager->read(seg->file, (uint64_t)s->file_offset + offset_in,
                                                   page, bytes, &done);
    if (NT_SUCCESS(status) && done < bytes)
        status = STATUS_INVALID_IMAGE_FORMAT; /* the file is shorter than its headers said */
    if (NT_SUCCESS(status))
        memset(page + done, 0, PAGE_SIZE - done);
    return status;
}

/* An image view's pages have their section's protection, whatever the view was mapped with. */
static uint32_t image_page_protection(const struct mi_segment *seg, uint32_t index,
                                      uint32_t view_protection)
{
    (void)view_protection;
    return subsection_of(seg->image, index)->protection;
}

static bool image_release(struct mi_segment *seg)
{
    uint32_t irq = mi_lock_pfn();
    bool revived = seg->references > 0;
    if (!revived)
        *seg->owner = NULL;
    mi_unlock_pfn(irq);
    if (revived)
        return true;
    seg->pager->dereference(seg->file);
    mm_pool_free(seg->image, IMAGE_TAG);
    seg->image = NULL;
    return false;
}

const struct mi_segment_ops mi_image_segment_ops = {
    .name = "image",
    .segment_tag = MM_TAG('M', 'm', 'S', 'i'),
    .chunk_tag = MM_TAG('M', 'm', 'P', 'i'),
    .fill = image_fill,
    .release = image_release,
    .page_protection = image_page_protection,
    .keep_unused = true,
};

/* ---- making an image segment ---- */

/* Reads and checks the headers; the parse result is big (3.6 KiB), so it lives in the pool. */
static NTSTATUS read_headers(const struct mm_file_pager *pager, void *file, struct ldr_pe_image *pe)
{
    uint64_t size;
    NTSTATUS status = pager->query_size(file, &size);
    if (!NT_SUCCESS(status))
        return status;
    if (size == 0 || size > LDR_PE_MAX_IMAGE_SIZE)
        return STATUS_INVALID_IMAGE_FORMAT;
    uint32_t want = (uint32_t)MIN(size, (uint64_t)PAGE_SIZE);
    for (unsigned tries = 0; tries < 2; tries++) {
        uint8_t *buffer = mm_pool_alloc(want, IMAGE_TAG);
        uint32_t done = 0;
        if (!buffer)
            return STATUS_INSUFFICIENT_RESOURCES;
        status = pager->read(file, 0, buffer, want, &done);
        const char *why = NULL;
        if (NT_SUCCESS(status))
            status = done == want ? ldr_pe_parse(buffer, want, (uint32_t)size, pe, &why)
                                  : STATUS_INVALID_IMAGE_FORMAT;
        mm_pool_free(buffer, IMAGE_TAG);
        if (status != STATUS_BUFFER_TOO_SMALL) {
            if (why)
                ke_warn("mm: not a valid image: %s\n", why);
            return status;
        }
        want = pe->headers_needed;
    }
    return STATUS_INVALID_IMAGE_FORMAT;
}

static void fill_info(const struct ldr_pe_image *pe, struct mm_image_info *info)
{
    *info = (struct mm_image_info){
        .image_base = pe->image_base,
        /* whole pages: a low-alignment image's size is a multiple of its 512-byte alignment only */
        .size_of_image = ALIGN_UP(pe->size_of_image, PAGE_SIZE),
        .entry_point = pe->entry_point,
        .stack_reserve = pe->stack_reserve,
        .stack_commit = pe->stack_commit,
        .characteristics = pe->characteristics,
        .subsystem = pe->subsystem,
        .relocatable = !(pe->characteristics & LDR_PE_FILE_RELOCS_STRIPPED) &&
                       pe->dirs[LDR_PE_DIR_BASERELOC].rva != 0,
    };
}

static struct mi_image *build_layout(const struct ldr_pe_image *pe)
{
    uint32_t count = ldr_pe_region_count(pe);
    struct mi_image *image =
        mm_pool_alloc(sizeof *image + count * sizeof(struct mi_subsection), IMAGE_TAG);
    if (!image)
        return NULL;
    fill_info(pe, &image->info);
    image->subsection_count = count;
    for (uint32_t i = 0; i < count; i++) {
        struct ldr_pe_region r;
        ldr_pe_region_get(pe, i, &r);
        image->subsections[i] = (struct mi_subsection){
            .first_page = r.rva / PAGE_SIZE,
            .pages = r.size / PAGE_SIZE,
            .file_offset = r.file_offset,
            .file_bytes = r.file_size,
            .protection = region_protection(&r),
        };
        if (mm_protection_copy_on_write(image->subsections[i].protection))
            image->info.writable_pages += r.size / PAGE_SIZE;
    }
    return image;
}

NTSTATUS mi_create_image_segment(const struct mm_file_pager *pager, void *file, void **owner,
                                 struct mi_segment **out)
{
    struct ldr_pe_image *pe = mm_pool_alloc(sizeof *pe, IMAGE_TAG);
    if (!pe)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = read_headers(pager, file, pe);
    struct mi_image *image = NT_SUCCESS(status) ? build_layout(pe) : NULL;
    if (NT_SUCCESS(status) && !image)
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (NT_SUCCESS(status))
        status = mi_create_file_segment(&mi_image_segment_ops, pager, file, owner,
                                        image->info.size_of_image / PAGE_SIZE, out);
    mm_pool_free(pe, IMAGE_TAG);
    if (!NT_SUCCESS(status)) {
        if (image)
            mm_pool_free(image, IMAGE_TAG);
        return status;
    }
    (*out)->image = image;
    return STATUS_SUCCESS;
}

const struct mm_image_info *mi_image_info(const struct mi_segment *seg)
{
    return seg->image ? &seg->image->info : NULL;
}
