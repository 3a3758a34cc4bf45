/* tools/pedump.c: prints a PE32 file's headers, sections, imports (with delay-load), exports (with
 * forwarders), relocations and TLS through the kernel's own ldr/pe*.c. Usage: pedump FILE. Exits 0,
 * 1 with the reason on a malformed file, 2 when the file cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include "ldr/pe.h"

#define MAX_FILE (1u << 30)

static const char *dir_names[LDR_PE_NUMBER_OF_DIRS] = {
    "export", "import",    "resource",    "exception", "security", "basereloc",
    "debug",  "arch",      "globalptr",   "tls",       "config",   "bound-import",
    "iat",    "delay-imp", "clr-runtime", "reserved",
};

static const struct flag_name {
    uint32_t bit;
    const char *name;
} file_flags[] = {
    {LDR_PE_FILE_RELOCS_STRIPPED, "RELOCS_STRIPPED"},
    {LDR_PE_FILE_EXECUTABLE_IMAGE, "EXECUTABLE_IMAGE"},
    {LDR_PE_FILE_LARGE_ADDRESS_AWARE, "LARGE_ADDRESS_AWARE"},
    {LDR_PE_FILE_32BIT_MACHINE, "32BIT_MACHINE"},
    {LDR_PE_FILE_SYSTEM, "SYSTEM"},
    {LDR_PE_FILE_DLL, "DLL"},
};

static void print_flags(uint32_t value)
{
    for (size_t i = 0; i < ARRAY_SIZE(file_flags); i++)
        if (value & file_flags[i].bit)
            printf(" %s", file_flags[i].name);
    printf("\n");
}

static void print_headers(const struct ldr_pe_image *img)
{
    printf("headers:\n");
    printf("  machine 0x%04x  sections %u  timestamp 0x%08x  characteristics 0x%04x", img->machine,
           img->section_count, img->time_date_stamp, img->characteristics);
    print_flags(img->characteristics);
    printf("  linker %u.%u  os %u.%u  image %u.%u  subsystem %u (version %u.%u)\n",
           img->linker_major, img->linker_minor, img->os_major, img->os_minor, img->image_major,
           img->image_minor, img->subsystem, img->subsystem_major, img->subsystem_minor);
    printf("  image base 0x%08x  entry 0x%08x  size of image 0x%08x  size of headers 0x%x\n",
           img->image_base, img->entry_point, img->size_of_image, img->size_of_headers);
    printf("  section alignment 0x%x  file alignment 0x%x  (%s)\n", img->section_alignment,
           img->file_alignment, img->alignment == LDR_PE_LOW_ALIGNMENT ? "low alignment" : "paged");
    printf("  dll characteristics 0x%04x  checksum 0x%08x  loader flags 0x%x\n",
           img->dll_characteristics, img->checksum, img->loader_flags);
    printf("  stack 0x%x/0x%x  heap 0x%x/0x%x  rva-and-sizes %u\n", img->stack_reserve,
           img->stack_commit, img->heap_reserve, img->heap_commit, img->number_of_rva_and_sizes);
    printf("directories:\n");
    for (uint32_t i = 0; i < LDR_PE_NUMBER_OF_DIRS; i++)
        if (img->dirs[i].rva)
            printf("  %-12s 0x%08x 0x%08x\n", dir_names[i], img->dirs[i].rva, img->dirs[i].size);
}

static void protection_text(uint32_t prot, char text[6])
{
    text[0] = prot & LDR_PE_PROT_READ ? 'r' : '-';
    text[1] = prot & LDR_PE_PROT_WRITE ? 'w' : '-';
    text[2] = prot & LDR_PE_PROT_EXECUTE ? 'x' : '-';
    text[3] = prot & LDR_PE_PROT_SHARED ? 's' : '-';
    text[4] = prot & LDR_PE_PROT_COPY_ON_WRITE ? 'c' : '-';
    text[5] = 0;
}

static void print_sections(const struct ldr_pe_image *img)
{
    printf("sections:\n  #  name     rva        vsize      rawptr     rawsize    flags\n");
    for (uint32_t i = 0; i < img->section_count; i++) {
        const struct ldr_pe_section *s = &img->sections[i];
        printf("  %-2u %-8s 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x\n", i, s->name, s->virtual_address,
               s->virtual_size, s->pointer_to_raw_data, s->size_of_raw_data, s->characteristics);
    }
    printf("regions:\n  rva        size       file       filesize   prot  page  section\n");
    for (uint32_t i = 0; i < ldr_pe_region_count(img); i++) {
        struct ldr_pe_region r;
        char prot[6];
        ldr_pe_region_get(img, i, &r);
        protection_text(r.protect, prot);
        printf("  0x%08x 0x%08x 0x%08x 0x%08x %s 0x%02x  ", r.rva, r.size, r.file_offset,
               r.file_size, prot, r.nt_protect);
        if (r.section >= 0)
            printf("%s\n", img->sections[r.section].name);
        else
            printf("%s\n", r.section == LDR_PE_REGION_HEADERS ? "(headers)" : "(whole file)");
    }
}

static NTSTATUS print_thunks(const struct ldr_pe_view *view, const struct ldr_pe_import_dll *dll,
                             const char **why)
{
    struct ldr_pe_thunk_iter it;
    struct ldr_pe_import_ref ref;
    NTSTATUS status;
    ldr_pe_thunks_begin(&it, view, dll);
    while ((status = ldr_pe_thunks_next(&it, &ref)) == STATUS_SUCCESS) {
        if (ref.by == LDR_PE_BY_NAME)
            printf("    iat 0x%08x  hint %-5u %s\n", ref.iat_rva, ref.hint, ref.name);
        else
            printf("    iat 0x%08x  ordinal %u\n", ref.iat_rva, ref.ordinal);
    }
    *why = it.why;
    return status == STATUS_NO_MORE_ENTRIES ? STATUS_SUCCESS : status;
}

static NTSTATUS print_imports(const struct ldr_pe_view *view, enum ldr_pe_import_table table,
                              const char **why)
{
    struct ldr_pe_import_iter it;
    struct ldr_pe_import_dll dll;
    NTSTATUS status;
    printf("%s:\n", table == LDR_PE_IMPORTS ? "imports" : "delay imports");
    ldr_pe_imports_begin(&it, view, table);
    while ((status = ldr_pe_imports_next(&it, &dll)) == STATUS_SUCCESS) {
        printf("  %s  (lookup 0x%08x, iat 0x%08x)\n", dll.name, dll.lookup_rva, dll.iat_rva);
        status = print_thunks(view, &dll, why);
        if (status != STATUS_SUCCESS)
            return status;
    }
    *why = it.why;
    return status == STATUS_NO_MORE_ENTRIES ? STATUS_SUCCESS : status;
}

static void print_export(const struct ldr_pe_export *x)
{
    if (x->kind == LDR_PE_EXPORT_RVA) {
        printf("  %-5u rva 0x%08x\n", x->ordinal, x->rva);
        return;
    }
    const struct ldr_pe_forwarder *f = &x->forwarder;
    if (f->by == LDR_PE_BY_NAME)
        printf("  %-5u -> %.*s . %s\n", x->ordinal, (int)f->dll_length, f->dll, f->name);
    else
        printf("  %-5u -> %.*s . #%u\n", x->ordinal, (int)f->dll_length, f->dll, f->ordinal);
}

static NTSTATUS print_exports(const struct ldr_pe_view *view, const char **why)
{
    struct ldr_pe_exports e;
    struct ldr_pe_export x;
    NTSTATUS status = ldr_pe_exports_open(&e, view, why);
    if (status != STATUS_SUCCESS || e.function_count + e.name_count == 0)
        return status;
    printf("exports: %s  base %u  functions %u  names %u\n", e.dll_name ? e.dll_name : "(no name)",
           e.ordinal_base, e.function_count, e.name_count);
    for (uint32_t i = 0; i < e.function_count; i++) {
        status = ldr_pe_export_by_ordinal(&e, e.ordinal_base + i, &x);
        if (status == STATUS_ORDINAL_NOT_FOUND)
            continue;
        if (status != STATUS_SUCCESS) {
            *why = "an export's RVA or forwarder is malformed";
            return status;
        }
        print_export(&x);
    }
    for (uint32_t i = 0; i < e.name_count; i++) {
        const char *name;
        uint32_t ordinal;
        if (ldr_pe_export_name(&e, i, &name, &ordinal) != STATUS_SUCCESS) {
            *why = "an export name is malformed";
            return STATUS_INVALID_IMAGE_FORMAT;
        }
        printf("  name %-30s ordinal %u\n", name, ordinal);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS print_relocs(const struct ldr_pe_view *view, const char **why)
{
    const struct ldr_pe_dir_entry dir = view->image->dirs[LDR_PE_DIR_BASERELOC];
    struct ldr_pe_reloc_stats stats;
    if (dir.rva == 0)
        return STATUS_SUCCESS;
    const void *data = ldr_pe_rva(view, dir.rva, dir.size);
    NTSTATUS status = ldr_pe_relocs_scan(data, dir.size, dir.rva, view->size, &stats, NULL, 0, why);
    if (status != STATUS_SUCCESS)
        return status;
    printf("relocations: %u blocks, %u HIGHLOW, %u ABSOLUTE\n", stats.blocks, stats.fixups,
           stats.absolute);
    struct ldr_pe_reloc_iter it;
    struct ldr_pe_reloc_block block;
    ldr_pe_relocs_begin(&it, data, dir.size);
    while (ldr_pe_relocs_next(&it, &block) == STATUS_SUCCESS) {
        uint32_t highlow = 0;
        for (uint32_t i = 0; i < block.count; i++)
            highlow += ldr_pe_reloc_entry(&block, i) >> 12 == LDR_PE_REL_HIGHLOW;
        printf("  page 0x%08x  %u entries: %u HIGHLOW, %u ABSOLUTE\n", block.page_rva, block.count,
               highlow, block.count - highlow);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS print_tls(const struct ldr_pe_view *view, const char **why)
{
    struct ldr_pe_tls tls;
    NTSTATUS status = ldr_pe_tls_read(view, &tls, why);
    if (status != STATUS_SUCCESS || !tls.present)
        return status;
    printf("tls: template 0x%08x-0x%08x  zero fill %u  index at 0x%08x  %u callbacks\n",
           tls.raw_start, tls.raw_end, tls.zero_fill, tls.index_va, tls.callback_count);
    for (uint32_t i = 0; i < tls.callback_count; i++) {
        uint32_t va;
        if (ldr_pe_tls_callback(view, &tls, i, &va) == STATUS_SUCCESS)
            printf("  callback %u: 0x%08x\n", i, va);
    }
    return STATUS_SUCCESS;
}

/* Lays the file out as the image section would and walks it at its preferred base. */
static NTSTATUS dump_image(const struct ldr_pe_image *img, const uint8_t *file, const char **why)
{
    struct ldr_pe_view view;
    uint8_t *memory = calloc(1, img->size_of_image);
    NTSTATUS status = STATUS_NO_MEMORY;
    *why = "out of memory for the laid-out image";
    if (!memory)
        goto out;
    ldr_pe_lay_out(img, file, memory, img->size_of_image);
    ldr_pe_view_init(&view, img, memory, img->image_base);
    if ((status = print_imports(&view, LDR_PE_IMPORTS, why)) != STATUS_SUCCESS ||
        (status = print_imports(&view, LDR_PE_DELAY_IMPORTS, why)) != STATUS_SUCCESS ||
        (status = print_exports(&view, why)) != STATUS_SUCCESS ||
        (status = print_relocs(&view, why)) != STATUS_SUCCESS)
        goto out;
    status = print_tls(&view, why);
out:
    free(memory);
    return status;
}

static uint8_t *read_file(const char *path, uint32_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long length;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (length = ftell(f)) >= 0 &&
        (unsigned long)length < MAX_FILE && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc(length ? (size_t)length : 1)) &&
        fread(data, 1, (size_t)length, f) == (size_t)length) {
        *size = (uint32_t)length;
    } else {
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

int main(int argc, char **argv)
{
    static struct ldr_pe_image img;
    const char *why = "";
    uint32_t size;
    if (argc != 2) {
        fprintf(stderr, "usage: pedump FILE\n");
        return 2;
    }
    uint8_t *file = read_file(argv[1], &size);
    if (!file) {
        fprintf(stderr, "pedump: %s: cannot read the file (or it is 1 GiB or more)\n", argv[1]);
        return 2;
    }
    printf("file: %s (%u bytes)\n", argv[1], size);
    NTSTATUS status = ldr_pe_parse(file, size, size, &img, &why);
    if (status == STATUS_SUCCESS) {
        print_headers(&img);
        print_sections(&img);
        status = dump_image(&img, file, &why);
    }
    free(file);
    if (status != STATUS_SUCCESS) {
        fprintf(stderr, "pedump: %s: status 0x%08x: %s\n", argv[1], (unsigned)status,
                why ? why : "(no reason given)");
        return 1;
    }
    return 0;
}
