/* ldr/pe_layout.c: how a parsed PE32 image is laid out in memory (ldr/pe.h): the regions an image
 * section maps with their protections, file offsets of RVAs, and bound-checked access to a view. */
#include "ldr/pep.h"

/* NT's PAGE_* values, named here so this file needs no Windows header. */
#define NT_PAGE_NOACCESS          0x01u
#define NT_PAGE_READONLY          0x02u
#define NT_PAGE_READWRITE         0x04u
#define NT_PAGE_WRITECOPY         0x08u
#define NT_PAGE_EXECUTE           0x10u
#define NT_PAGE_EXECUTE_READ      0x20u
#define NT_PAGE_EXECUTE_READWRITE 0x40u
#define NT_PAGE_EXECUTE_WRITECOPY 0x80u

/* MmImageProtectionArray: indexed by Characteristics >> 28 (bit 0 SHARED, 1 EXECUTE, 2 READ,
 * 3 WRITE). A write without SHARED is copy-on-write; a write implies read. */
static const uint8_t nt_image_protection[16] = {
    NT_PAGE_NOACCESS,  NT_PAGE_NOACCESS,  NT_PAGE_EXECUTE,           NT_PAGE_EXECUTE,
    NT_PAGE_READONLY,  NT_PAGE_READONLY,  NT_PAGE_EXECUTE_READ,      NT_PAGE_EXECUTE_READ,
    NT_PAGE_WRITECOPY, NT_PAGE_READWRITE, NT_PAGE_EXECUTE_WRITECOPY, NT_PAGE_EXECUTE_READWRITE,
    NT_PAGE_WRITECOPY, NT_PAGE_READWRITE, NT_PAGE_EXECUTE_WRITECOPY, NT_PAGE_EXECUTE_READWRITE,
};

uint32_t ldr_pe_section_protection(uint32_t characteristics, uint32_t *nt_protect)
{
    uint32_t prot = 0;
    if (characteristics & LDR_PE_SCN_MEM_READ)
        prot |= LDR_PE_PROT_READ;
    if (characteristics & LDR_PE_SCN_MEM_WRITE)
        prot |= LDR_PE_PROT_WRITE;
    if (characteristics & LDR_PE_SCN_MEM_EXECUTE)
        prot |= LDR_PE_PROT_EXECUTE;
    if (characteristics & LDR_PE_SCN_MEM_SHARED)
        prot |= LDR_PE_PROT_SHARED;
    if ((prot & LDR_PE_PROT_WRITE) && !(prot & LDR_PE_PROT_SHARED))
        prot |= LDR_PE_PROT_COPY_ON_WRITE;
    if (nt_protect)
        *nt_protect = nt_image_protection[characteristics >> 28];
    return prot;
}

uint32_t ldr_pe_region_count(const struct ldr_pe_image *image)
{
    LDRP_ASSERT(image->section_count >= 1 && image->section_count <= LDR_PE_MAX_SECTIONS);
    return image->alignment == LDR_PE_LOW_ALIGNMENT ? 1 : 1 + image->section_count;
}

/* A low-alignment image is one copy-on-write region: its pages mix sections, so NT maps the file
 * as is with every access allowed. */
static void whole_region(const struct ldr_pe_image *image, struct ldr_pe_region *r)
{
    r->rva = 0;
    r->size = (uint32_t)ldrp_align_up(image->size_of_image, PAGE_SIZE);
    r->file_offset = 0;
    r->file_size = MIN(image->file_size, image->size_of_image);
    r->protect =
        LDR_PE_PROT_READ | LDR_PE_PROT_WRITE | LDR_PE_PROT_EXECUTE | LDR_PE_PROT_COPY_ON_WRITE;
    r->nt_protect = NT_PAGE_EXECUTE_WRITECOPY;
    r->section = LDR_PE_REGION_WHOLE;
}

void ldr_pe_region_get(const struct ldr_pe_image *image, uint32_t index,
                       struct ldr_pe_region *region)
{
    LDRP_ASSERT(index < ldr_pe_region_count(image));
    if (image->alignment == LDR_PE_LOW_ALIGNMENT) {
        whole_region(image, region);
        return;
    }
    if (index == 0) {
        /* The headers run to the first section (ldr_pe_parse made them meet). */
        region->rva = 0;
        region->size = image->sections[0].virtual_address;
        region->file_offset = 0;
        region->file_size = image->size_of_headers;
        region->protect = LDR_PE_PROT_READ;
        region->nt_protect = NT_PAGE_READONLY;
        region->section = LDR_PE_REGION_HEADERS;
        return;
    }
    const struct ldr_pe_section *s = &image->sections[index - 1];
    region->rva = s->virtual_address;
    region->size = s->span;
    region->file_offset = s->file_bytes ? s->pointer_to_raw_data : 0;
    region->file_size = s->file_bytes;
    region->protect = ldr_pe_section_protection(s->characteristics, &region->nt_protect);
    region->section = (int32_t)(index - 1);
}

void ldr_pe_lay_out(const struct ldr_pe_image *image, const void *file, void *out,
                    uint32_t out_size)
{
    LDRP_ASSERT(image->file_size != 0 && out_size >= image->size_of_image);
    uint8_t *dst = out;
    ldrp_zero(dst, out_size);
    for (uint32_t i = 0; i < ldr_pe_region_count(image); i++) {
        struct ldr_pe_region r;
        ldr_pe_region_get(image, i, &r);
        ldrp_copy(dst + r.rva, (const uint8_t *)file + r.file_offset, r.file_size);
    }
}

NTSTATUS ldr_pe_rva_to_file(const struct ldr_pe_image *image, uint32_t rva, uint32_t length,
                            uint32_t *offset)
{
    LDRP_ASSERT(image->file_size != 0);
    for (uint32_t i = 0; i < ldr_pe_region_count(image); i++) {
        struct ldr_pe_region r;
        ldr_pe_region_get(image, i, &r);
        if (rva < r.rva || rva - r.rva >= r.size)
            continue;
        if (!ldrp_in_range(rva - r.rva, length, r.file_size))
            return STATUS_INVALID_IMAGE_FORMAT;
        *offset = r.file_offset + (rva - r.rva);
        return STATUS_SUCCESS;
    }
    return STATUS_INVALID_IMAGE_FORMAT;
}

void ldr_pe_view_init(struct ldr_pe_view *view, const struct ldr_pe_image *image, void *base,
                      uint32_t load_base)
{
    LDRP_ASSERT(base && image->size_of_image != 0);
    view->base = base;
    view->size = image->size_of_image;
    view->load_base = load_base;
    view->image = image;
}

void *ldr_pe_rva(const struct ldr_pe_view *view, uint32_t rva, uint32_t length)
{
    if (!ldrp_in_range(rva, length, view->size))
        return NULL;
    return view->base + rva;
}

NTSTATUS ldr_pe_string(const struct ldr_pe_view *view, uint32_t rva, uint32_t max_length,
                       const char **string, uint32_t *length)
{
    if (rva >= view->size)
        return STATUS_INVALID_IMAGE_FORMAT;
    const char *s = (const char *)view->base + rva;
    uint32_t limit = MIN(view->size - rva, max_length);
    for (uint32_t n = 0; n <= limit && n < view->size - rva; n++) {
        if (s[n] == 0) {
            *string = s;
            if (length)
                *length = n;
            return STATUS_SUCCESS;
        }
    }
    return STATUS_INVALID_IMAGE_FORMAT;
}
