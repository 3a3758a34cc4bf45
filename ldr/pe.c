/* ldr/pe.c: parsing and validation of PE32 headers (ldr/pe.h): the DOS and NT headers, the
 * alignment and size rules, the section table and the data directories, as NT's image section
 * does. */
#include "ldr/pep.h"

enum ldrp_source { LDRP_FROM_FILE, LDRP_FROM_VIEW };

/* One parse: the bytes we have, the file they come from, and where results and reasons go. */
struct ldrp_parse {
    const uint8_t *data;
    uint32_t length;
    uint32_t file_size;
    enum ldrp_source source;
    struct ldr_pe_image *image;
    const char **why;
    uint32_t table_offset; /* the section table, after the optional header */
};

void ldrp_copy(void *dst, const void *src, uint32_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    for (uint32_t i = 0; i < n; i++)
        d[i] = s[i];
}

void ldrp_zero(void *dst, uint32_t n)
{
    uint8_t *d = dst;
    for (uint32_t i = 0; i < n; i++)
        d[i] = 0;
}

/* Appends `v` to buf at *pos in decimal, or in hex with "0x" (keeping room for the NUL). */
static void put_number(char *buf, uint32_t size, uint32_t *pos, uint32_t v, uint32_t base)
{
    char digits[10];
    uint32_t n = 0;
    if (base == 16 && *pos + 3 < size) {
        buf[(*pos)++] = '0';
        buf[(*pos)++] = 'x';
    }
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n && *pos + 1 < size)
        buf[(*pos)++] = digits[--n];
}

/* Fails the parse with a reason built from `fmt`, whose "%u" (decimal), "%x" (hex) and "%s" take
 * a, then b, and s: enough for "section %u (%s) ..." without a C library. */
static NTSTATUS fail(struct ldrp_parse *p, const char *fmt, uint32_t a, const char *s, uint32_t b)
{
    char *buf = p->image->why;
    uint32_t size = sizeof p->image->why, pos = 0, numbers = 0;
    for (; *fmt && pos + 1 < size; fmt++) {
        if (fmt[0] == '%' && (fmt[1] == 'u' || fmt[1] == 'x')) {
            put_number(buf, size, &pos, numbers++ ? b : a, fmt[1] == 'u' ? 10 : 16);
            fmt++;
        } else if (fmt[0] == '%' && fmt[1] == 's') {
            for (const char *c = s; *c && pos + 1 < size; c++)
                buf[pos++] = *c >= 0x20 && *c < 0x7F ? *c : '?'; /* names come from the file */
            fmt++;
        } else {
            buf[pos++] = *fmt;
        }
    }
    buf[pos] = 0;
    return ldrp_invalid(p->why, buf);
}

static NTSTATUS fail_text(struct ldrp_parse *p, const char *reason)
{
    return fail(p, reason, 0, "", 0);
}

/* The first `end` bytes of the file are needed: there, too short a file, or ask for more. */
static NTSTATUS need(struct ldrp_parse *p, uint64_t end, const char *what)
{
    if (end <= p->length)
        return STATUS_SUCCESS;
    if (end > p->file_size)
        return fail(p, "truncated: the file ends inside the %s", 0, what, 0);
    p->image->headers_needed = (uint32_t)end;
    return STATUS_BUFFER_TOO_SMALL;
}

static NTSTATUS parse_dos_header(struct ldrp_parse *p)
{
    NTSTATUS status = need(p, sizeof(struct ldrp_dos_header), "DOS header");
    if (status != STATUS_SUCCESS)
        return status;
    const struct ldrp_dos_header *dos = (const void *)p->data;
    if (dos->e_magic != LDRP_MZ_SIGNATURE)
        return fail_text(p, "no MZ signature");
    if (dos->e_lfanew >= LDR_PE_MAX_LFANEW)
        return fail(p, "e_lfanew %x is past 256 MiB", dos->e_lfanew, "", 0);
    p->image->nt_headers_offset = dos->e_lfanew;
    return STATUS_SUCCESS;
}

static NTSTATUS check_file_header(struct ldrp_parse *p, const struct ldrp_file_header *fh)
{
    if (fh->machine != LDR_PE_MACHINE_I386)
        return fail(p, "Machine %x is not i386 (0x14c)", fh->machine, "", 0);
    if (!(fh->characteristics & LDR_PE_FILE_EXECUTABLE_IMAGE))
        return fail_text(p, "IMAGE_FILE_EXECUTABLE_IMAGE is clear (not a linked image)");
    if (fh->number_of_sections == 0 || fh->number_of_sections > LDR_PE_MAX_SECTIONS)
        return fail(p, "NumberOfSections %u is not 1..96", fh->number_of_sections, "", 0);
    if (fh->size_of_optional_header < sizeof(struct ldrp_optional_header))
        return fail(p, "SizeOfOptionalHeader %x is smaller than PE32's 0x60",
                    fh->size_of_optional_header, "", 0);
    return STATUS_SUCCESS;
}

static void copy_optional_header(struct ldr_pe_image *img, const struct ldrp_optional_header *oh)
{
    img->linker_major = oh->linker_major;
    img->linker_minor = oh->linker_minor;
    img->os_major = oh->os_major;
    img->os_minor = oh->os_minor;
    img->image_major = oh->image_major;
    img->image_minor = oh->image_minor;
    img->subsystem_major = oh->subsystem_major;
    img->subsystem_minor = oh->subsystem_minor;
    img->entry_point = oh->address_of_entry_point;
    img->base_of_code = oh->base_of_code;
    img->base_of_data = oh->base_of_data;
    img->image_base = oh->image_base;
    img->section_alignment = oh->section_alignment;
    img->file_alignment = oh->file_alignment;
    img->size_of_headers = oh->size_of_headers;
    img->checksum = oh->checksum;
    img->subsystem = oh->subsystem;
    img->dll_characteristics = oh->dll_characteristics;
    img->stack_reserve = oh->stack_reserve;
    img->stack_commit = oh->stack_commit;
    img->heap_reserve = oh->heap_reserve;
    img->heap_commit = oh->heap_commit;
    img->loader_flags = oh->loader_flags;
    img->number_of_rva_and_sizes = oh->number_of_rva_and_sizes;
}

/* "PE\0\0", the file header, the optional header and its directories. */
static NTSTATUS parse_nt_headers(struct ldrp_parse *p)
{
    struct ldr_pe_image *img = p->image;
    uint64_t at = img->nt_headers_offset;
    NTSTATUS status = need(p, at + 4 + sizeof(struct ldrp_file_header), "file header");
    if (status != STATUS_SUCCESS)
        return status;
    const struct ldrp_nt_headers *nt = (const void *)(p->data + at);
    if (nt->signature != LDRP_PE_SIGNATURE)
        return fail_text(p, "no PE signature at e_lfanew");
    struct ldrp_file_header fh = nt->file;
    status = check_file_header(p, &fh);
    if (status != STATUS_SUCCESS)
        return status;
    img->machine = fh.machine;
    img->characteristics = fh.characteristics;
    img->time_date_stamp = fh.time_date_stamp;
    img->section_count = fh.number_of_sections;
    status = need(p, at + sizeof *nt, "optional header");
    if (status != STATUS_SUCCESS)
        return status;
    struct ldrp_optional_header oh = nt->optional;
    if (oh.magic != LDRP_PE32_MAGIC)
        return fail(p, "optional header magic %x is not PE32's 0x10b", oh.magic, "", 0);
    copy_optional_header(img, &oh);
    uint32_t dirs = MIN(oh.number_of_rva_and_sizes, LDR_PE_NUMBER_OF_DIRS);
    uint32_t dirs_size = dirs * (uint32_t)sizeof(struct ldr_pe_dir_entry);
    if (fh.size_of_optional_header < sizeof oh + dirs_size)
        return fail(p, "SizeOfOptionalHeader %x does not hold the %u directories",
                    fh.size_of_optional_header, "", dirs);
    status = need(p, at + sizeof *nt + dirs_size, "data directories");
    if (status != STATUS_SUCCESS)
        return status;
    ldrp_copy(img->dirs, p->data + at + sizeof *nt, dirs_size);
    p->table_offset = (uint32_t)(at + 4 + sizeof fh + fh.size_of_optional_header);
    img->size_of_image = oh.size_of_image; /* rounded in check_sizes */
    return STATUS_SUCCESS;
}

static NTSTATUS check_alignment(struct ldrp_parse *p)
{
    struct ldr_pe_image *img = p->image;
    uint32_t sa = img->section_alignment, fa = img->file_alignment;
    if (!ldrp_is_power_of_two(sa) || sa > LDRP_MAX_SECTION_ALIGN)
        return fail(p, "SectionAlignment %x is not a power of two up to 1 GiB", sa, "", 0);
    if (sa < PAGE_SIZE) {
        if (fa != sa)
            return fail(p, "low alignment: FileAlignment %x differs from SectionAlignment %x", fa,
                        "", sa);
        img->alignment = LDR_PE_LOW_ALIGNMENT;
    } else {
        if (!ldrp_is_power_of_two(fa) || fa < LDRP_MIN_FILE_ALIGN || fa > LDRP_MAX_FILE_ALIGN)
            return fail(p, "FileAlignment %x is not a power of two in 512..64K", fa, "", 0);
        if (fa > sa)
            return fail(p, "FileAlignment %x is larger than SectionAlignment %x", fa, "", sa);
        img->alignment = LDR_PE_PAGE_ALIGNED;
    }
    if (img->image_base % LDRP_IMAGE_BASE_ALIGN != 0)
        return fail(p, "ImageBase %x is not a multiple of 64 KiB", img->image_base, "", 0);
    return STATUS_SUCCESS;
}

/* SizeOfImage and SizeOfHeaders, and the bytes of the section table we need. */
static NTSTATUS check_sizes(struct ldrp_parse *p)
{
    struct ldr_pe_image *img = p->image;
    uint64_t size = ldrp_align_up(img->size_of_image, img->section_alignment);
    if (size == 0 || size > LDR_PE_MAX_IMAGE_SIZE)
        return fail(p, "SizeOfImage %x is 0 or larger than %x", img->size_of_image, "",
                    LDR_PE_MAX_IMAGE_SIZE);
    img->size_of_image = (uint32_t)size;
    uint64_t table_end = (uint64_t)p->table_offset +
                         img->section_count * (uint64_t)sizeof(struct ldrp_section_header);
    if (img->size_of_headers < table_end)
        return fail(p, "SizeOfHeaders %x ends before the end of the section table (%x)",
                    img->size_of_headers, "", (uint32_t)MIN(table_end, UINT32_MAX));
    if (img->size_of_headers > p->file_size)
        return fail(p, "SizeOfHeaders %x is larger than the file (%x)", img->size_of_headers, "",
                    p->file_size);
    return need(p, table_end, "section table");
}

static void copy_section(struct ldr_pe_section *s, const struct ldrp_section_header *h)
{
    ldrp_copy(s->name, h->name, sizeof h->name);
    s->name[8] = 0;
    s->virtual_address = h->virtual_address;
    s->virtual_size = h->virtual_size;
    s->pointer_to_raw_data = h->pointer_to_raw_data;
    s->size_of_raw_data = h->size_of_raw_data;
    s->characteristics = h->characteristics;
}

/* Where section i's raw data is: aligned, in the file, at its RVA in a low-alignment image. */
static NTSTATUS check_raw_data(struct ldrp_parse *p, uint32_t i, const struct ldr_pe_section *s)
{
    const struct ldr_pe_image *img = p->image;
    if (s->size_of_raw_data == 0)
        return STATUS_SUCCESS;
    if (s->pointer_to_raw_data % img->file_alignment != 0)
        return fail(p, "section %u (%s): PointerToRawData is not a multiple of FileAlignment %x", i,
                    s->name, img->file_alignment);
    if (img->alignment == LDR_PE_LOW_ALIGNMENT && s->pointer_to_raw_data != s->virtual_address)
        return fail(p, "section %u (%s): low alignment but PointerToRawData is not the RVA %x", i,
                    s->name, s->virtual_address);
    if (p->source == LDRP_FROM_FILE &&
        !ldrp_in_range(s->pointer_to_raw_data, s->size_of_raw_data, p->file_size))
        return fail(p, "section %u (%s): raw data ends past the end of the file (%x)", i, s->name,
                    p->file_size);
    return STATUS_SUCCESS;
}

/* Section i must start where the previous one (or the headers) ends: NT maps an image as one run
 * of sections, so it refuses gaps as well as overlaps. */
static NTSTATUS check_section(struct ldrp_parse *p, uint32_t i, struct ldr_pe_section *s,
                              uint64_t *next)
{
    const struct ldr_pe_image *img = p->image;
    uint32_t sa = img->section_alignment;
    if (s->virtual_address % sa != 0)
        return fail(p, "section %u (%s): VirtualAddress is not a multiple of SectionAlignment %x",
                    i, s->name, sa);
    if (s->virtual_address < *next)
        return fail(p,
                    "section %u (%s) overlaps the previous section or the headers (ending at %x)",
                    i, s->name, (uint32_t)*next);
    if (s->virtual_address > *next)
        return fail(p, "section %u (%s) leaves a gap after the previous section (ending at %x)", i,
                    s->name, (uint32_t)*next);
    uint64_t span = ldrp_align_up(s->virtual_size ? s->virtual_size : s->size_of_raw_data, sa);
    if (span == 0)
        return fail(p, "section %u (%s) is empty", i, s->name, 0);
    if (s->virtual_address + span > img->size_of_image)
        return fail(p, "section %u (%s) ends past SizeOfImage %x", i, s->name, img->size_of_image);
    s->span = (uint32_t)span;
    s->file_bytes = MIN(s->size_of_raw_data, s->span);
    *next = s->virtual_address + span;
    return check_raw_data(p, i, s);
}

static NTSTATUS parse_sections(struct ldrp_parse *p)
{
    struct ldr_pe_image *img = p->image;
    uint64_t next = ldrp_align_up(img->size_of_headers, img->section_alignment);
    for (uint32_t i = 0; i < img->section_count; i++) {
        struct ldrp_section_header h;
        ldrp_copy(&h, p->data + p->table_offset + i * sizeof h, sizeof h);
        copy_section(&img->sections[i], &h);
        NTSTATUS status = check_section(p, i, &img->sections[i], &next);
        if (status != STATUS_SUCCESS)
            return status;
    }
    if (next != img->size_of_image)
        return fail(p, "SizeOfImage %x is not where the last section ends (%x)", img->size_of_image,
                    "", (uint32_t)next);
    return STATUS_SUCCESS;
}

static NTSTATUS check_entry_point(struct ldrp_parse *p)
{
    if (p->image->entry_point >= p->image->size_of_image)
        return fail(p, "AddressOfEntryPoint %x is outside the image", p->image->entry_point, "", 0);
    return STATUS_SUCCESS;
}

/* Present directories (RVA not 0) lie inside the image; NT reads SECURITY from the file. */
static NTSTATUS check_directories(struct ldrp_parse *p)
{
    const struct ldr_pe_image *img = p->image;
    for (uint32_t i = 0; i < LDR_PE_NUMBER_OF_DIRS; i++) {
        const struct ldr_pe_dir_entry *d = &img->dirs[i];
        if (d->rva == 0)
            continue;
        if (i != LDR_PE_DIR_SECURITY && !ldrp_in_range(d->rva, d->size, img->size_of_image))
            return fail(p, "data directory %u lies outside the image (RVA %x)", i, "", d->rva);
        if (i == LDR_PE_DIR_SECURITY && p->source == LDRP_FROM_FILE &&
            !ldrp_in_range(d->rva, d->size, p->file_size))
            return fail(p, "the security directory lies outside the file (offset %x)", d->rva, "",
                        0);
    }
    return STATUS_SUCCESS;
}

/* The checks in order: each relies on the fields the ones before it validated. */
static NTSTATUS (*const parse_steps[])(struct ldrp_parse *) = {
    parse_dos_header, parse_nt_headers,  check_alignment,   check_sizes,
    parse_sections,   check_entry_point, check_directories,
};

static NTSTATUS parse(struct ldrp_parse *p)
{
    ldrp_zero(p->image, sizeof *p->image);
    p->image->file_size = p->source == LDRP_FROM_FILE ? p->file_size : 0;
    for (uint32_t i = 0; i < ARRAY_SIZE(parse_steps); i++) {
        NTSTATUS status = parse_steps[i](p);
        if (status != STATUS_SUCCESS)
            return status;
    }
    return STATUS_SUCCESS;
}

NTSTATUS ldr_pe_parse(const void *data, size_t length, uint32_t file_size,
                      struct ldr_pe_image *image, const char **why)
{
    LDRP_ASSERT(data && image && length <= file_size);
    struct ldrp_parse p = {data, (uint32_t)length, file_size, LDRP_FROM_FILE, image, why, 0};
    return parse(&p);
}

NTSTATUS ldr_pe_parse_mapped(const void *base, uint32_t view_size, struct ldr_pe_image *image,
                             const char **why)
{
    LDRP_ASSERT(base && image);
    struct ldrp_parse p = {base, view_size, view_size, LDRP_FROM_VIEW, image, why, 0};
    NTSTATUS status = parse(&p);
    if (status == STATUS_SUCCESS && image->size_of_image > view_size)
        return fail(&p, "the view (%x bytes) is smaller than SizeOfImage %x", view_size, "",
                    image->size_of_image);
    return status;
}
