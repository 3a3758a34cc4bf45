/* tests/host/test_pe.c: the PE32 library (ldr/pe*.c) under ASan and UBSan: good images linked by
 * mingw-w64 checked field by field against binutils, the malformed corpus of tests/pe/ with the
 * status each expects, truncations and header mutations. One "ok"/"FAIL" line a case. */
#include "tests/host/pe_host.h"
#include <dirent.h>

static int failed;

/* Runs `check` on build/pe/NAME opened and laid out, and frees it whatever happens. */
static const char *with_image(const char *name,
                              const char *(*check)(struct pe_loaded *l, const char *path))
{
    struct pe_loaded l;
    char path[256];
    snprintf(path, sizeof path, "%s/%s", pe_build_dir(), name);
    TRY(pe_open_path(name, &l));
    const char *error = check(&l, path);
    free(l.file);
    pe_close(&l);
    return error;
}

static const struct ldr_pe_section *section_named(const struct ldr_pe_image *img, const char *name)
{
    for (uint32_t i = 0; i < img->section_count; i++)
        if (strcmp(img->sections[i].name, name) == 0)
            return &img->sections[i];
    return NULL;
}

/* ---- headers and sections against objdump ---- */

static const char *check_header_fields(struct pe_loaded *l, const char *path)
{
    static const struct {
        const char *key;
        size_t offset;
    } fields[] = {
        {"ImageBase", offsetof(struct ldr_pe_image, image_base)},
        {"SectionAlignment", offsetof(struct ldr_pe_image, section_alignment)},
        {"FileAlignment", offsetof(struct ldr_pe_image, file_alignment)},
        {"SizeOfImage", offsetof(struct ldr_pe_image, size_of_image)},
        {"SizeOfHeaders", offsetof(struct ldr_pe_image, size_of_headers)},
        {"AddressOfEntryPoint", offsetof(struct ldr_pe_image, entry_point)},
        {"CheckSum", offsetof(struct ldr_pe_image, checksum)},
        {"SizeOfStackReserve", offsetof(struct ldr_pe_image, stack_reserve)},
        {"SizeOfStackCommit", offsetof(struct ldr_pe_image, stack_commit)},
        {"SizeOfHeapReserve", offsetof(struct ldr_pe_image, heap_reserve)},
        {"SizeOfHeapCommit", offsetof(struct ldr_pe_image, heap_commit)},
        {"NumberOfRvaAndSizes", offsetof(struct ldr_pe_image, number_of_rva_and_sizes)},
        {"BaseOfCode", offsetof(struct ldr_pe_image, base_of_code)},
        {"BaseOfData", offsetof(struct ldr_pe_image, base_of_data)},
    };
    const struct ldr_pe_image *img = l->image;
    uint32_t want;
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        uint32_t got;
        memcpy(&got, (const uint8_t *)img + fields[i].offset, sizeof got);
        TRY(objdump_value(path, fields[i].key, 0, &want));
        CHECK(got == want, "%s: %s 0x%x, objdump says 0x%x", path, fields[i].key, got, want);
    }
    TRY(objdump_value(path, "Characteristics", 0, &want));
    CHECK_EQ(img->characteristics, want);
    TRY(objdump_value(path, "Subsystem", 0, &want));
    CHECK_EQ(img->subsystem, want);
    TRY(objdump_value(path, "DllCharacteristics", 0, &want));
    CHECK_EQ(img->dll_characteristics, want);
    CHECK_EQ(img->machine, LDR_PE_MACHINE_I386);
    for (int d = 0; d < (int)LDR_PE_NUMBER_OF_DIRS; d++) {
        TRY(objdump_value(path, "Entry", d, &want));
        CHECK(img->dirs[d].rva == want, "%s: directory %d at 0x%x, objdump 0x%x", path, d,
              img->dirs[d].rva, want);
        TRY(objdump_value(path, "EntrySize", d, &want));
        CHECK(img->dirs[d].size == want, "%s: directory %d size 0x%x, objdump 0x%x", path, d,
              img->dirs[d].size, want);
    }
    return NULL;
}

/* objdump -h: VirtualSize, VMA and file offset of every section, in order. */
static const char *check_sections(struct pe_loaded *l, const char *path)
{
    char line[256], name[64];
    unsigned index, count = 0;
    unsigned long size, vma, lma, offset;
    const char *at = pe_command("objdump -h '%s'", path);
    CHECK(at, "cannot run objdump");
    while (pe_next_line(&at, line, sizeof line)) {
        if (sscanf(line, " %u %63s %lx %lx %lx %lx", &index, name, &size, &vma, &lma, &offset) != 6)
            continue;
        CHECK(count < l->image->section_count, "objdump lists more sections");
        const struct ldr_pe_section *s = &l->image->sections[count];
        CHECK(index == count && s->virtual_size == size &&
                  s->virtual_address == vma - l->image->image_base &&
                  s->pointer_to_raw_data == offset,
              "%s section %u (%s): %x/%x/%x, objdump %lx/%lx/%lx", path, count, s->name,
              s->virtual_size, s->virtual_address, s->pointer_to_raw_data, size, vma, offset);
        count++;
    }
    CHECK_EQ(count, l->image->section_count);
    return NULL;
}

static const char *test_good_headers(void)
{
    static const char *const images[] = {"good_dll.dll", "good_exe.exe", "good_delay.exe",
                                         "good_low.dll"};
    for (size_t i = 0; i < ARRAY_SIZE(images); i++) {
        TRY(with_image(images[i], check_header_fields));
        TRY(with_image(images[i], check_sections));
    }
    return NULL;
}

static const char *check_dll_flags(struct pe_loaded *l, const char *path)
{
    (void)path;
    CHECK(l->image->characteristics & LDR_PE_FILE_DLL, "good_dll.dll has no IMAGE_FILE_DLL");
    CHECK(!(l->image->characteristics & LDR_PE_FILE_RELOCS_STRIPPED), "relocs stripped");
    CHECK_EQ(l->image->image_base, 0x10000000);
    CHECK_EQ(l->image->alignment, LDR_PE_PAGE_ALIGNED);
    return NULL;
}

static const char *check_exe_flags(struct pe_loaded *l, const char *path)
{
    (void)path;
    CHECK(!(l->image->characteristics & LDR_PE_FILE_DLL), "good_exe.exe has IMAGE_FILE_DLL");
    CHECK_EQ(l->image->stack_reserve, 0x300000); /* -Wl,--stack=0x300000 */
    CHECK_EQ(l->image->heap_reserve, 0x200000); /* -Wl,--heap=0x200000 */
    CHECK_EQ(l->image->subsystem, 3); /* console */
    return NULL;
}

static const char *test_good_flags(void)
{
    TRY(with_image("good_dll.dll", check_dll_flags));
    return with_image("good_exe.exe", check_exe_flags);
}

/* ---- layout and protections ---- */

/* Every section's bytes are the file's raw data, then zeros to its span; the headers likewise. */
static const char *check_layout(struct pe_loaded *l, const char *path)
{
    const struct ldr_pe_image *img = l->image;
    (void)path;
    CHECK(memcmp(l->memory, l->file, img->size_of_headers) == 0, "headers differ");
    for (uint32_t i = 0; i < img->section_count; i++) {
        const struct ldr_pe_section *s = &img->sections[i];
        const uint8_t *at = l->memory + s->virtual_address;
        CHECK(memcmp(at, l->file + s->pointer_to_raw_data, s->file_bytes) == 0,
              "section %s differs from its raw data", s->name);
        for (uint32_t b = s->file_bytes; b < s->span; b++)
            CHECK(at[b] == 0, "section %s: byte 0x%x past the raw data is 0x%02x", s->name, b,
                  at[b]);
    }
    uint32_t offset;
    const struct ldr_pe_section *edata = section_named(img, ".edata");
    CHECK(edata, "no .edata");
    CHECK_STATUS(ldr_pe_rva_to_file(img, edata->virtual_address + 8, 16, &offset), STATUS_SUCCESS);
    CHECK_EQ(offset, edata->pointer_to_raw_data + 8);
    const struct ldr_pe_section *bss = section_named(img, ".bss");
    CHECK(bss && bss->size_of_raw_data == 0 && bss->file_bytes == 0, "no empty .bss");
    CHECK_STATUS(ldr_pe_rva_to_file(img, bss->virtual_address, 4, &offset),
                 STATUS_INVALID_IMAGE_FORMAT);
    CHECK_STATUS(
        ldr_pe_rva_to_file(img, edata->virtual_address + edata->file_bytes - 4, 8, &offset),
        STATUS_INVALID_IMAGE_FORMAT);
    CHECK_STATUS(ldr_pe_rva_to_file(img, img->size_of_image, 1, &offset),
                 STATUS_INVALID_IMAGE_FORMAT);
    return NULL;
}

static const char *check_region_of(const struct ldr_pe_image *img, const char *name, uint32_t prot,
                                   uint32_t nt_protect)
{
    for (uint32_t i = 0; i < ldr_pe_region_count(img); i++) {
        struct ldr_pe_region r;
        ldr_pe_region_get(img, i, &r);
        const char *n = r.section >= 0 ? img->sections[r.section].name : "(headers)";
        if (strcmp(n, name) != 0)
            continue;
        CHECK(r.protect == prot && r.nt_protect == nt_protect,
              "region %s: protection 0x%x/0x%x, expected 0x%x/0x%x", name, r.protect, r.nt_protect,
              prot, nt_protect);
        return NULL;
    }
    CHECK(0, "no region %s", name);
}

static const char *check_protections(struct pe_loaded *l, const char *path)
{
    const uint32_t r = LDR_PE_PROT_READ, w = LDR_PE_PROT_WRITE, x = LDR_PE_PROT_EXECUTE;
    const uint32_t s = LDR_PE_PROT_SHARED, c = LDR_PE_PROT_COPY_ON_WRITE;
    (void)path;
    TRY(check_region_of(l->image, "(headers)", r, 0x02));
    TRY(check_region_of(l->image, ".text", r | x, 0x20)); /* PAGE_EXECUTE_READ */
    TRY(check_region_of(l->image, ".rdata", r, 0x02)); /* PAGE_READONLY */
    TRY(check_region_of(l->image, ".data", r | w | c, 0x08)); /* PAGE_WRITECOPY */
    TRY(check_region_of(l->image, ".bss", r | w | c, 0x08));
    TRY(check_region_of(l->image, ".shared", r | w | s, 0x04)); /* PAGE_READWRITE */
    return NULL;
}

static const char *test_layout(void)
{
    TRY(with_image("good_dll.dll", check_layout));
    return with_image("good_dll.dll", check_protections);
}

/* MmImageProtectionArray for every combination of SHARED, EXECUTE, READ, WRITE. */
static const char *test_protection_table(void)
{
    static const uint8_t nt[16] = {0x01, 0x01, 0x10, 0x10, 0x02, 0x02, 0x20, 0x20,
                                   0x08, 0x04, 0x80, 0x40, 0x08, 0x04, 0x80, 0x40};
    for (uint32_t i = 0; i < 16; i++) {
        uint32_t got, prot = ldr_pe_section_protection(i << 28 | 0x40, &got);
        CHECK(got == nt[i], "characteristics 0x%x0000040: PAGE 0x%x, expected 0x%x", i, got, nt[i]);
        int cow = (i & 8) && !(i & 1);
        CHECK(!!(prot & LDR_PE_PROT_COPY_ON_WRITE) == cow, "0x%x: copy-on-write wrong", i);
    }
    return NULL;
}

/* ---- exports ---- */

static const char *check_export_rva(const struct ldr_pe_exports *e, const char *path,
                                    const struct ldr_pe_export *x, const char *symbol)
{
    uint32_t va;
    TRY(nm_symbol(path, symbol, "", &va));
    CHECK(x->kind == LDR_PE_EXPORT_RVA && x->rva == va - e->view->image->image_base,
          "export %s: rva 0x%x, nm says 0x%x", symbol, x->rva, va);
    return NULL;
}

static const char *check_exports(struct pe_loaded *l, const char *path)
{
    struct ldr_pe_exports e;
    struct ldr_pe_export x;
    CHECK_STATUS(ldr_pe_exports_open(&e, &l->view, NULL), STATUS_SUCCESS);
    CHECK(e.dll_name && strcmp(e.dll_name, "good_dll.dll") == 0, "DLL name %s", e.dll_name);
    CHECK_EQ(e.ordinal_base, 1);
    CHECK_EQ(e.function_count, 7);
    CHECK_EQ(e.name_count, 4);
    for (uint16_t hint = 0; hint < 6; hint++) { /* right hint, wrong hints, hints past the table */
        CHECK_STATUS(ldr_pe_export_by_name(&e, "add", hint, &x), STATUS_SUCCESS);
        TRY(check_export_rva(&e, path, &x, "_add"));
        CHECK_EQ(x.ordinal, 1);
    }
    CHECK_STATUS(ldr_pe_export_by_name(&e, "table_value", 0xFFFF, &x), STATUS_SUCCESS);
    TRY(check_export_rva(&e, path, &x, "_table_value"));
    CHECK_STATUS(ldr_pe_export_by_ordinal(&e, 7, &x), STATUS_SUCCESS);
    TRY(check_export_rva(&e, path, &x, "_hidden"));
    CHECK_STATUS(ldr_pe_export_by_name(&e, "forwarded", 0, &x), STATUS_SUCCESS);
    CHECK(x.kind == LDR_PE_EXPORT_FORWARDER && x.forwarder.by == LDR_PE_BY_NAME &&
              x.forwarder.dll_length == 8 && memcmp(x.forwarder.dll, "kernel32", 8) == 0 &&
              strcmp(x.forwarder.name, "GetTickCount") == 0 && x.ordinal == 3,
          "forwarded: %s", x.forwarder.string);
    CHECK_STATUS(ldr_pe_export_by_ordinal(&e, 5, &x), STATUS_SUCCESS);
    CHECK(x.kind == LDR_PE_EXPORT_FORWARDER && x.forwarder.by == LDR_PE_BY_ORDINAL &&
              x.forwarder.ordinal == 12 && x.forwarder.dll_length == 5 &&
              memcmp(x.forwarder.dll, "other", 5) == 0,
          "byord: %s", x.forwarder.string);
    static const uint32_t missing_ordinals[] = {0, 4, 6, 8, 0xFFFF, 0xFFFFFFFF};
    for (size_t i = 0; i < ARRAY_SIZE(missing_ordinals); i++)
        CHECK_STATUS(ldr_pe_export_by_ordinal(&e, missing_ordinals[i], &x),
                     STATUS_ORDINAL_NOT_FOUND);
    static const char *const missing_names[] = {"hidden", "", "ad", "addx", "Add", "zzz", "a"};
    for (size_t i = 0; i < ARRAY_SIZE(missing_names); i++)
        CHECK_STATUS(ldr_pe_export_by_name(&e, missing_names[i], 0, &x),
                     STATUS_ENTRYPOINT_NOT_FOUND);
    const char *previous = "";
    for (uint32_t i = 0; i < e.name_count; i++) {
        const char *name;
        uint32_t ordinal;
        CHECK_STATUS(ldr_pe_export_name(&e, i, &name, &ordinal), STATUS_SUCCESS);
        CHECK(strcmp(previous, name) < 0, "names out of order: %s, %s", previous, name);
        previous = name;
    }
    return NULL;
}

static const char *test_exports(void) { return with_image("good_dll.dll", check_exports); }

/* ---- imports ---- */

/* objdump's count of imported functions of `dll` ("DLL Name: X" then one line each). */
static const char *objdump_import_count(const char *path, const char *dll, uint32_t *count)
{
    char line[256];
    int in = 0;
    const char *at = pe_command("objdump -p '%s'", path);
    CHECK(at, "cannot run objdump");
    *count = 0;
    while (pe_next_line(&at, line, sizeof line)) {
        unsigned long a, b;
        if (strstr(line, "DLL Name: "))
            in = strcmp(strstr(line, "DLL Name: ") + 10, dll) == 0;
        else if (in && sscanf(line, " %lx %lu", &a, &b) == 2)
            (*count)++;
        else if (in && line[0] == 0)
            in = 0;
    }
    return NULL;
}

static const char *check_imports(struct pe_loaded *l, const char *path)
{
    struct ldr_pe_import_iter it;
    struct ldr_pe_import_dll dll;
    uint32_t dlls = 0, good_refs = 0;
    ldr_pe_imports_begin(&it, &l->view, LDR_PE_IMPORTS);
    while (ldr_pe_imports_next(&it, &dll) == STATUS_SUCCESS) {
        struct ldr_pe_thunk_iter thunks;
        struct ldr_pe_import_ref ref;
        uint32_t count = 0, want;
        ldr_pe_thunks_begin(&thunks, &l->view, &dll);
        NTSTATUS status;
        while ((status = ldr_pe_thunks_next(&thunks, &ref)) == STATUS_SUCCESS) {
            CHECK_EQ(ref.iat_rva, dll.iat_rva + 4 * count);
            if (strcmp(dll.name, "good_dll.dll") == 0)
                good_refs += (ref.by == LDR_PE_BY_NAME && strcmp(ref.name, "add") == 0) ? 1
                             : (ref.by == LDR_PE_BY_ORDINAL && ref.ordinal == 7)        ? 10
                                                                                        : 100;
            count++;
        }
        CHECK_STATUS(status, STATUS_NO_MORE_ENTRIES);
        TRY(objdump_import_count(path, dll.name, &want));
        CHECK(count == want, "%s: %u functions, objdump lists %u", dll.name, count, want);
        dlls++;
    }
    CHECK_EQ(dlls, 3); /* KERNEL32.dll, msvcrt.dll, good_dll.dll */
    CHECK(good_refs == 11, "good_dll.dll imports: add by name and ordinal 7 expected (%u)",
          good_refs);
    return NULL;
}

static const char *test_imports(void) { return with_image("good_exe.exe", check_imports); }

/* good_exe's imports bound against good_dll, as the loader will. */
static const char *test_bind(void)
{
    uint8_t *data;
    uint32_t size;
    char path[256];
    struct pe_result r;
    snprintf(path, sizeof path, "%s/good_exe.exe", pe_build_dir());
    TRY(pe_read_file(path, &data, &size));
    const char *error = pe_check(data, size, 1, &r);
    free(data);
    TRY(error);
    CHECK(r.stage == STAGE_OK, "good_exe.exe stopped at %s: 0x%08x %s", pe_stage_names[r.stage],
          (unsigned)r.status, r.why);
    return NULL;
}

/* ld does not fill the delay-import directory: point it at dlltool's descriptor (the one
 * patch of a good image), then walk it. */
static const char *check_delay(struct pe_loaded *l, const char *path)
{
    uint32_t va, base = l->image->image_base;
    TRY(nm_symbol(path, "__DELAY_IMPORT_DESCRIPTOR_", "good_dll_delay_a", &va));
    l->image->dirs[LDR_PE_DIR_DELAY_IMPORT].rva = va - base;
    l->image->dirs[LDR_PE_DIR_DELAY_IMPORT].size = 32;
    struct ldr_pe_import_iter it;
    struct ldr_pe_import_dll dll;
    ldr_pe_imports_begin(&it, &l->view, LDR_PE_DELAY_IMPORTS);
    CHECK_STATUS(ldr_pe_imports_next(&it, &dll), STATUS_SUCCESS);
    CHECK(strcmp(dll.name, "good_dll.dll") == 0, "delay-imported %s", dll.name);
    CHECK_EQ(dll.attributes, 1);
    TRY(nm_symbol(path, "__DLL_HANDLE_", "good_dll_delay_a", &va));
    CHECK_EQ(dll.module_handle_rva, va - base);
    TRY(nm_symbol(path, "__IAT_", "good_dll_delay_a", &va));
    CHECK_EQ(dll.iat_rva, va - base);
    TRY(nm_symbol(path, "__INT_", "good_dll_delay_a", &va));
    CHECK_EQ(dll.lookup_rva, va - base);
    struct ldr_pe_thunk_iter thunks;
    struct ldr_pe_import_ref ref;
    ldr_pe_thunks_begin(&thunks, &l->view, &dll);
    CHECK_STATUS(ldr_pe_thunks_next(&thunks, &ref), STATUS_SUCCESS);
    CHECK(ref.by == LDR_PE_BY_NAME && strcmp(ref.name, "add") == 0, "first delay import");
    CHECK_STATUS(ldr_pe_thunks_next(&thunks, &ref), STATUS_SUCCESS);
    CHECK(ref.by == LDR_PE_BY_ORDINAL && ref.ordinal == 7, "second delay import");
    CHECK_STATUS(ldr_pe_thunks_next(&thunks, &ref), STATUS_NO_MORE_ENTRIES);
    CHECK_STATUS(ldr_pe_imports_next(&it, &dll), STATUS_NO_MORE_ENTRIES);
    return NULL;
}

static const char *test_delay_imports(void) { return with_image("good_delay.exe", check_delay); }

/* ---- relocations ---- */

/* objdump's HIGHLOW fixups ("reloc N offset X [RVA] HIGHLOW"), as a bitmap of RVAs. */
static const char *objdump_fixups(const char *path, uint8_t *rvas, uint32_t size, uint32_t *count)
{
    char line[256];
    unsigned long rva;
    const char *at = pe_command("objdump -p '%s'", path);
    CHECK(at, "cannot run objdump");
    *count = 0;
    while (pe_next_line(&at, line, sizeof line)) {
        char *open = strchr(line, '[');
        if (!strstr(line, "reloc ") || !open || !strstr(line, "HIGHLOW") ||
            sscanf(open + 1, "%lx", &rva) != 1 || rva >= size)
            continue;
        rvas[rva] = 1;
        (*count)++;
    }
    return NULL;
}

static const char *check_relocs(struct pe_loaded *l, const char *path, uint8_t *want,
                                uint8_t *before, uint8_t *expected)
{
    uint32_t size = l->image->size_of_image, count, pages_bytes = size / PAGE_SIZE / 8 + 1;
    const struct ldr_pe_dir_entry dir = l->image->dirs[LDR_PE_DIR_BASERELOC];
    struct ldr_pe_reloc_stats stats;
    uint8_t pages[64] = {0};
    CHECK(pages_bytes <= sizeof pages, "image too large for the test");
    TRY(objdump_fixups(path, want, size, &count));
    CHECK_STATUS(ldr_pe_relocs_scan(l->memory + dir.rva, dir.size, dir.rva, size, &stats, pages,
                                    pages_bytes, NULL),
                 STATUS_SUCCESS);
    CHECK(stats.fixups == count && count > 100, "%u fixups, objdump lists %u", stats.fixups, count);
    /* What the image must become: each listed fixup's 4 bytes, wherever they are, plus delta. */
    memcpy(before, l->memory, size);
    memcpy(expected, l->memory, size);
    for (uint32_t rva = 0; rva + 4 <= size; rva++) {
        uint32_t word;
        if (!want[rva])
            continue;
        memcpy(&word, expected + rva, 4);
        word += 0x00350000;
        memcpy(expected + rva, &word, 4);
        for (uint32_t b = rva; b < rva + 4; b++)
            CHECK(pages[b / PAGE_SIZE / 8] & 1u << (b / PAGE_SIZE % 8), "the page of 0x%x", b);
    }
    CHECK_STATUS(ldr_pe_relocs_apply(&l->view, 0x00350000, NULL, NULL), STATUS_SUCCESS);
    for (uint32_t rva = 0; rva < size; rva++)
        CHECK(l->memory[rva] == expected[rva], "byte 0x%x: 0x%02x, expected 0x%02x", rva,
              l->memory[rva], expected[rva]);
    CHECK_STATUS(ldr_pe_relocs_apply(&l->view, (uint32_t)-0x00350000, NULL, NULL), STATUS_SUCCESS);
    CHECK(memcmp(before, l->memory, size) == 0, "relocating back did not restore the image");
    return NULL;
}

static const char *check_relocs_owned(struct pe_loaded *l, const char *path)
{
    uint32_t size = l->image->size_of_image;
    uint8_t *want = calloc(1, size), *before = malloc(size), *expected = malloc(size);
    const char *error = want && before && expected ? check_relocs(l, path, want, before, expected)
                                                   : "out of memory";
    free(want);
    free(before);
    free(expected);
    return error;
}

static const char *test_relocs(void) { return with_image("good_dll.dll", check_relocs_owned); }

/* ---- TLS ---- */

static const char *check_tls(struct pe_loaded *l, const char *path)
{
    struct ldr_pe_tls tls;
    uint32_t va, callback, found = 0;
    CHECK_STATUS(ldr_pe_tls_read(&l->view, &tls, NULL), STATUS_SUCCESS);
    CHECK(tls.present && tls.callback_count >= 1, "no TLS callbacks");
    TRY(nm_symbol(path, "__tls_start", "", &va));
    CHECK_EQ(tls.raw_start, va);
    TRY(nm_symbol(path, "__tls_end", "", &va));
    CHECK_EQ(tls.raw_end, va);
    TRY(nm_symbol(path, "__tls_index", "", &va));
    CHECK_EQ(tls.index_va, va);
    TRY(nm_symbol(path, "_good_dll_tls_callback@12", "", &va));
    for (uint32_t i = 0; i < tls.callback_count; i++) {
        CHECK_STATUS(ldr_pe_tls_callback(&l->view, &tls, i, &callback), STATUS_SUCCESS);
        found += callback == va;
    }
    CHECK(found == 1, "the callback 0x%x is not listed once", va);
    /* The addresses are judged against where the image runs: unrelocated, elsewhere, they fail. */
    l->view.load_base += 0x00350000;
    CHECK_STATUS(ldr_pe_tls_read(&l->view, &tls, NULL), STATUS_INVALID_IMAGE_FORMAT);
    CHECK_STATUS(ldr_pe_relocs_apply(&l->view, 0x00350000, NULL, NULL), STATUS_SUCCESS);
    CHECK_STATUS(ldr_pe_tls_read(&l->view, &tls, NULL), STATUS_SUCCESS);
    CHECK_STATUS(ldr_pe_tls_callback(&l->view, &tls, 0, &callback), STATUS_SUCCESS);
    return NULL;
}

static const char *test_tls(void) { return with_image("good_dll.dll", check_tls); }

/* ---- low alignment ---- */

static const char *check_low(struct pe_loaded *l, const char *path)
{
    struct ldr_pe_region r;
    struct ldr_pe_exports e;
    struct ldr_pe_export x;
    uint32_t va;
    CHECK_EQ(l->image->alignment, LDR_PE_LOW_ALIGNMENT);
    CHECK_EQ(l->image->section_alignment, 0x200);
    CHECK_EQ(ldr_pe_region_count(l->image), 1);
    ldr_pe_region_get(l->image, 0, &r);
    CHECK(r.rva == 0 && r.section == LDR_PE_REGION_WHOLE && r.nt_protect == 0x80 &&
              r.file_offset == 0 && r.file_size == MIN(l->file_size, l->image->size_of_image),
          "the low-alignment region");
    CHECK(memcmp(l->memory, l->file, r.file_size) == 0, "not mapped as is");
    CHECK_STATUS(ldr_pe_exports_open(&e, &l->view, NULL), STATUS_SUCCESS);
    CHECK_STATUS(ldr_pe_export_by_name(&e, "low_get", 0, &x), STATUS_SUCCESS);
    TRY(nm_symbol(path, "_low_get", "", &va));
    CHECK_EQ(x.rva, va - l->image->image_base);
    return NULL;
}

/* GNU ld puts a low-alignment image's sections after .bss at file offsets behind their RVAs. */
static const char *test_low_alignment(void)
{
    uint8_t *data;
    uint32_t size;
    char path[256];
    static struct ldr_pe_image img;
    const char *why = "";
    TRY(with_image("good_low.dll", check_low));
    snprintf(path, sizeof path, "%s/low_bss.dll", pe_build_dir());
    TRY(pe_read_file(path, &data, &size));
    NTSTATUS status = ldr_pe_parse(data, size, size, &img, &why);
    free(data);
    CHECK_STATUS(status, STATUS_INVALID_IMAGE_FORMAT);
    CHECK(strstr(why, "low alignment but PointerToRawData is not the RVA"), "why: %s", why);
    return NULL;
}

/* ---- truncations, the BUFFER_TOO_SMALL protocol, mutations ---- */

/* Every prefix of the file is refused until the last raw data is in, accepted from there on. */
static const char *check_truncations(struct pe_loaded *l, const char *path)
{
    static struct ldr_pe_image img;
    uint32_t raw_end = 0;
    (void)path;
    for (uint32_t i = 0; i < l->image->section_count; i++) {
        const struct ldr_pe_section *s = &l->image->sections[i];
        if (s->size_of_raw_data)
            raw_end = MAX(raw_end, s->pointer_to_raw_data + s->size_of_raw_data);
    }
    for (uint32_t n = 0; n <= l->file_size; n++) {
        NTSTATUS status = ldr_pe_parse(l->file, n, n, &img, NULL);
        CHECK(status == (n < raw_end ? STATUS_INVALID_IMAGE_FORMAT : STATUS_SUCCESS),
              "a prefix of %u bytes (raw data ends at %u): status 0x%08x", n, raw_end,
              (unsigned)status);
    }
    return NULL;
}

/* Starting from any prefix, asking for headers_needed bytes each time reaches the full parse. */
static const char *check_headers_needed(struct pe_loaded *l, const char *path)
{
    static struct ldr_pe_image img;
    (void)path;
    for (uint32_t start = 0; start <= l->image->size_of_headers; start++) {
        uint32_t length = start, rounds = 0;
        NTSTATUS status;
        while ((status = ldr_pe_parse(l->file, length, l->file_size, &img, NULL)) ==
               STATUS_BUFFER_TOO_SMALL) {
            CHECK(img.headers_needed > length && img.headers_needed <= l->file_size,
                  "from %u bytes: asked for %u after %u", start, img.headers_needed, length);
            length = img.headers_needed;
            CHECK(++rounds < 8, "from %u bytes: no end to the requests", start);
        }
        CHECK_STATUS(status, STATUS_SUCCESS);
        CHECK(length <= l->image->size_of_headers, "needed %u bytes, more than the headers",
              length);
        CHECK(memcmp(img.sections, l->image->sections, sizeof img.sections) == 0, "other sections");
    }
    return NULL;
}

static const char *test_truncations(void)
{
    TRY(with_image("good_dll.dll", check_truncations));
    TRY(with_image("base.bin", check_truncations));
    TRY(with_image("good_dll.dll", check_headers_needed));
    return with_image("low_align.bin", check_headers_needed);
}

/* Every byte of the headers up to `mutate_end` set to a few values: each image is refused or
 * walks cleanly (pe_check's invariants hold). */
static uint32_t mutate_end;

static const char *check_mutations(struct pe_loaded *l, const char *path)
{
    static const int deltas[] = {0x100, 0x1FF, 0x180, 1}; /* 0x00, 0xFF, ^0x80, +1 */
    uint8_t *copy = malloc(l->file_size);
    struct pe_result r;
    uint32_t accepted = 0, refused = 0;
    const char *error = NULL;
    CHECK(copy, "out of memory");
    memcpy(copy, l->file, l->file_size);
    for (uint32_t at = 0; at < MIN(mutate_end, l->file_size) && !error; at++) {
        for (size_t d = 0; d < ARRAY_SIZE(deltas) && !error; d++) {
            uint8_t old = copy[at];
            copy[at] = deltas[d] == 0x100   ? 0x00
                       : deltas[d] == 0x1FF ? 0xFF
                       : deltas[d] == 0x180 ? old ^ 0x80
                                            : (uint8_t)(old + deltas[d]);
            error = pe_check(copy, l->file_size, 0, &r);
            r.stage == STAGE_OK ? accepted++ : refused++;
            copy[at] = old;
        }
    }
    free(copy);
    if (error)
        return error;
    CHECK(accepted > 0 && refused > 0, "%s: %u accepted, %u refused", path, accepted, refused);
    return NULL;
}

static const char *test_header_mutations(void)
{
    mutate_end = 0x1D8; /* base.bin: everything up to the end of its section table */
    TRY(with_image("base.bin", check_mutations));
    mutate_end = 0x1A0; /* good_dll.dll: the DOS and NT headers and the first section header */
    return with_image("good_dll.dll", check_mutations);
}

/* ---- bounds of RVA access ---- */

static const char *check_rva_access(struct pe_loaded *l, const char *path)
{
    const struct ldr_pe_view *v = &l->view;
    const char *s;
    uint32_t n, size = v->size;
    (void)path;
    CHECK(ldr_pe_rva(v, 0, size) == v->base, "the whole image");
    CHECK(ldr_pe_rva(v, size, 0) == v->base + size, "an empty range at the end");
    CHECK(!ldr_pe_rva(v, size - 3, 4) && !ldr_pe_rva(v, size + 1, 0), "past the end");
    CHECK(!ldr_pe_rva(v, 0xFFFFFFFFu, 2) && !ldr_pe_rva(v, 2, 0xFFFFFFFFu), "wrapping ranges");
    memcpy(v->base + size - 4, "abc", 4);
    CHECK_STATUS(ldr_pe_string(v, size - 4, 3, &s, &n), STATUS_SUCCESS);
    CHECK(n == 3 && strcmp(s, "abc") == 0, "the last string");
    CHECK_STATUS(ldr_pe_string(v, size - 4, 2, &s, &n), STATUS_INVALID_IMAGE_FORMAT);
    v->base[size - 1] = 'd';
    CHECK_STATUS(ldr_pe_string(v, size - 4, 100, &s, &n), STATUS_INVALID_IMAGE_FORMAT);
    CHECK_STATUS(ldr_pe_string(v, size, 100, &s, &n), STATUS_INVALID_IMAGE_FORMAT);
    CHECK_STATUS(ldr_pe_string(v, 0xFFFFFFFFu, 100, &s, &n), STATUS_INVALID_IMAGE_FORMAT);
    return NULL;
}

static const char *test_rva_access(void) { return with_image("base.bin", check_rva_access); }

/* ---- forwarder cycles: the walker reports each hop; following them is the loader's job ---- */

static const char *forwarder_of(const char *name, struct ldr_pe_forwarder *out, char *dll)
{
    struct pe_loaded l;
    struct ldr_pe_exports e;
    struct ldr_pe_export x;
    TRY(pe_open_path(name, &l));
    NTSTATUS status = ldr_pe_exports_open(&e, &l.view, NULL);
    if (status == STATUS_SUCCESS)
        status = ldr_pe_export_by_name(&e, "gamma", 2, &x);
    if (status == STATUS_SUCCESS && x.kind == LDR_PE_EXPORT_FORWARDER) {
        *out = x.forwarder;
        snprintf(dll, 64, "%.*s", (int)x.forwarder.dll_length, x.forwarder.dll);
        out->name = NULL; /* it pointed into the image freed below */
    }
    free(l.file);
    pe_close(&l);
    CHECK(status == STATUS_SUCCESS && x.kind == LDR_PE_EXPORT_FORWARDER, "%s: gamma", name);
    return NULL;
}

static const char *test_forwarder_cycles(void)
{
    struct ldr_pe_forwarder f;
    char dll[64], file[80];
    const char *names[4] = {"forwarder_cycle_a"};
    for (int hop = 1; hop < 4; hop++) {
        snprintf(file, sizeof file, "%s.bin", names[hop - 1]);
        TRY(forwarder_of(file, &f, dll));
        CHECK(f.by == LDR_PE_BY_NAME, "by name");
        names[hop] =
            strcmp(dll, "forwarder_cycle_a") == 0 ? "forwarder_cycle_a" : "forwarder_cycle_b";
    }
    CHECK(strcmp(names[1], "forwarder_cycle_b") == 0 &&
              strcmp(names[2], "forwarder_cycle_a") == 0 &&
              strcmp(names[3], "forwarder_cycle_b") == 0,
          "the cycle a -> b -> a");
    TRY(forwarder_of("forwarder_self.bin", &f, dll));
    CHECK(strcmp(dll, "forwarder_self") == 0, "forwarder_self forwards to %s", dll);
    return NULL;
}

/* ---- the corpus ---- */

static NTSTATUS status_named(const char *name)
{
    static const struct {
        const char *name;
        NTSTATUS status;
    } names[] = {
        {"STATUS_SUCCESS", STATUS_SUCCESS},
        {"STATUS_INVALID_IMAGE_FORMAT", STATUS_INVALID_IMAGE_FORMAT},
        {"STATUS_ORDINAL_NOT_FOUND", STATUS_ORDINAL_NOT_FOUND},
        {"STATUS_ENTRYPOINT_NOT_FOUND", STATUS_ENTRYPOINT_NOT_FOUND},
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (strcmp(names[i].name, name) == 0)
            return names[i].status;
    return 1; /* matches nothing */
}

/* "; expect: ok" or "; expect: STAGE STATUS [\"why\"]" from the source. */
static const char *read_expectation(const char *source, char *stage, char *status, char *why)
{
    char line[300];
    FILE *f = fopen(source, "r");
    CHECK(f, "cannot read %s", source);
    stage[0] = status[0] = why[0] = 0;
    while (fgets(line, sizeof line, f)) {
        char *quote;
        if (strncmp(line, "; expect: ", 10) != 0)
            continue;
        sscanf(line + 10, "%31s %63s", stage, status);
        if ((quote = strchr(line, '"')) && strrchr(line, '"') > quote)
            snprintf(why, 200, "%.*s", (int)(strrchr(line, '"') - quote - 1), quote + 1);
    }
    fclose(f);
    CHECK(stage[0], "%s has no \"; expect:\" line", source);
    return NULL;
}

static const char *check_corpus_file(const char *name)
{
    char source[300], path[300], stage[32], status[64], why[200];
    uint8_t *data;
    uint32_t size;
    struct pe_result r;
    snprintf(source, sizeof source, "tests/pe/%s.asm", name);
    snprintf(path, sizeof path, "%s/%s.bin", pe_build_dir(), name);
    TRY(read_expectation(source, stage, status, why));
    TRY(pe_read_file(path, &data, &size));
    const char *error = pe_check(data, size, 1, &r);
    free(data);
    TRY(error);
    const char *got = pe_stage_names[r.stage];
    if (strcmp(stage, "ok") == 0)
        CHECK(r.stage == STAGE_OK, "expected ok, got %s 0x%08x \"%s\"", got, (unsigned)r.status,
              r.why);
    else
        CHECK(strcmp(stage, got) == 0 && r.status == status_named(status) && strstr(r.why, why),
              "expected %s %s \"%s\", got %s 0x%08x \"%s\"", stage, status, why, got,
              (unsigned)r.status, r.why);
    return NULL;
}

static int corpus_entry_order(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_asm(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 4 && strcmp(e->d_name + n - 4, ".asm") == 0;
}

static void run_corpus(void)
{
    struct dirent **entries;
    int n = scandir("tests/pe", &entries, is_asm, corpus_entry_order);
    if (n <= 0) {
        printf("FAIL host.pe_corpus: no tests/pe/*.asm\n");
        failed++;
        return;
    }
    for (int i = 0; i < n; i++) {
        char name[200];
        snprintf(name, sizeof name, "%.*s", (int)strlen(entries[i]->d_name) - 4,
                 entries[i]->d_name);
        const char *error = check_corpus_file(name);
        if (error) {
            printf("FAIL host.pe_corpus.%s: %s\n", name, error);
            failed++;
        } else {
            printf("ok host.pe_corpus.%s\n", name);
        }
        free(entries[i]);
    }
    free(entries);
}

static const struct {
    const char *name;
    const char *(*run)(void);
} cases[] = {
    {"good_headers", test_good_headers},
    {"good_flags", test_good_flags},
    {"layout", test_layout},
    {"protection_table", test_protection_table},
    {"exports", test_exports},
    {"imports", test_imports},
    {"bind", test_bind},
    {"delay_imports", test_delay_imports},
    {"relocs", test_relocs},
    {"tls", test_tls},
    {"low_alignment", test_low_alignment},
    {"truncations", test_truncations},
    {"header_mutations", test_header_mutations},
    {"rva_access", test_rva_access},
    {"forwarder_cycles", test_forwarder_cycles},
};

int main(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *only = getenv("PE_TEST");
        if (only && strcmp(only, cases[i].name) != 0)
            continue;
        const char *error = cases[i].run();
        if (error) {
            printf("FAIL host.pe.%s: %s\n", cases[i].name, error);
            failed++;
        } else {
            printf("ok host.pe.%s\n", cases[i].name);
        }
    }
    run_corpus();
    return failed ? 1 : 0;
}
