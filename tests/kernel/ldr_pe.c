/* tests/kernel/ldr_pe.c: the PE32 library (ldr/) as the kernel's compiler built it, on two images
 * read from C: (\Tests\PE): the corpus's base.dll (tests/pe/base.asm) and mingw's good_dll.dll,
 * parsed, laid out in pool memory and walked. The full coverage is on the host
 * (tests/host/test_pe.c). */
#include "kernel/ke/ktest.h"
#include "kernel/rtl/string.h"
#include "ldr/pe.h"
#include "mm/mm.h"
#include "tests/kernel/program.h"

#define LDR_TEST_TAG MM_TAG('L', 'd', 'r', 'T')
#define BASE_DLL     "\\??\\C:\\Tests\\PE\\base.dll"
#define GOOD_DLL     "\\??\\C:\\Tests\\PE\\good_dll.dll"

static struct ldr_pe_image image; /* 3.7 KiB: not on the kernel stack */

/* Runs body on the bytes of the file at path. */
static const char *with_file(const char *path, const char *(*body)(const struct kt_file *f))
{
    struct kt_file f;
    KT_RUN(kt_read_file(path, &f));
    const char *error = body(&f);
    kt_free_file(&f);
    return error;
}

static const char *parse_base(const struct kt_file *f)
{
    const char *why = NULL;
    uint32_t size = f->size;
    KT_EQ(ldr_pe_parse(f->data, size, size, &image, &why), STATUS_SUCCESS);
    KT_EQ(image.machine, LDR_PE_MACHINE_I386);
    KT_EQ(image.characteristics,
          LDR_PE_FILE_DLL | LDR_PE_FILE_32BIT_MACHINE | LDR_PE_FILE_EXECUTABLE_IMAGE);
    KT_EQ(image.image_base, 0x10000000);
    KT_EQ(image.size_of_image, 0x5000);
    KT_EQ(image.section_count, 4);
    KT_STR_EQ(image.sections[2].name, ".data");
    KT_EQ(image.sections[2].span, 0x1000);
    KT_EQ(image.sections[2].file_bytes, 0x400);
    struct ldr_pe_region region;
    KT_EQ(ldr_pe_region_count(&image), 5);
    ldr_pe_region_get(&image, 3, &region);
    KT_EQ(region.rva, 0x3000);
    KT_EQ(region.protect, LDR_PE_PROT_READ | LDR_PE_PROT_WRITE | LDR_PE_PROT_COPY_ON_WRITE);
    KT_EQ(region.nt_protect, 0x08); /* PAGE_WRITECOPY */
    /* From the first 64 bytes, asking for more each time reaches the same verdict. */
    uint32_t length = 64, rounds = 0;
    NTSTATUS status;
    while ((status = ldr_pe_parse(f->data, length, size, &image, NULL)) ==
           STATUS_BUFFER_TOO_SMALL) {
        KT_TRUE(image.headers_needed > length && ++rounds < 8);
        length = image.headers_needed;
    }
    KT_EQ(status, STATUS_SUCCESS);
    return NULL;
}

KTEST(ldr, pe_parse_base) { return with_file(BASE_DLL, parse_base); }

/* Copies base.dll, changes one header field, and expects the reason. */
static const char *expect_refused(const struct kt_file *f, uint32_t offset, uint32_t value,
                                  const char *reason)
{
    uint32_t size = f->size;
    uint8_t *copy = mm_pool_alloc(size, LDR_TEST_TAG);
    const char *why = "";
    KT_TRUE(copy != NULL);
    memcpy(copy, f->data, size);
    memcpy(copy + offset, &value, sizeof value);
    NTSTATUS status = ldr_pe_parse(copy, size, size, &image, &why);
    mm_pool_free(copy, LDR_TEST_TAG);
    KT_EQ(status, STATUS_INVALID_IMAGE_FORMAT);
    if (strncmp(why, reason, strlen(reason)) != 0)
        return ktest_failf("expected \"%s\", got \"%s\"", reason, why);
    return NULL;
}

static const char *refuse_malformed(const struct kt_file *f)
{
    KT_RUN(expect_refused(f, 0x44, 0x8664, "Machine 0x8664 is not i386"));
    KT_RUN(expect_refused(f, 0x58 + 56, 0x7FFF0000, "SizeOfImage 0x7fff0000 is 0 or larger"));
    KT_RUN(expect_refused(f, 0x138 + 40 + 12, 0x1000, "section 1 (.rdata) overlaps"));
    KT_EQ(ldr_pe_parse(f->data, f->size - 1, f->size - 1, &image, NULL),
          STATUS_INVALID_IMAGE_FORMAT);
    return NULL;
}

KTEST(ldr, pe_refuses_malformed) { return with_file(BASE_DLL, refuse_malformed); }

static const char *walk_base(struct ldr_pe_view *view)
{
    struct ldr_pe_import_iter it;
    struct ldr_pe_import_dll dll;
    struct ldr_pe_thunk_iter thunks;
    struct ldr_pe_import_ref ref;
    ldr_pe_imports_begin(&it, view, LDR_PE_IMPORTS);
    KT_EQ(ldr_pe_imports_next(&it, &dll), STATUS_SUCCESS);
    KT_STR_EQ(dll.name, "kernel32.dll");
    ldr_pe_thunks_begin(&thunks, view, &dll);
    KT_EQ(ldr_pe_thunks_next(&thunks, &ref), STATUS_SUCCESS);
    KT_STR_EQ(ref.name, "GetTickCount");
    KT_EQ(ldr_pe_thunks_next(&thunks, &ref), STATUS_SUCCESS);
    KT_EQ(ref.ordinal, 12);
    KT_EQ(ldr_pe_thunks_next(&thunks, &ref), STATUS_NO_MORE_ENTRIES);
    KT_EQ(ldr_pe_imports_next(&it, &dll), STATUS_NO_MORE_ENTRIES);

    struct ldr_pe_exports exports;
    struct ldr_pe_export x;
    KT_EQ(ldr_pe_exports_open(&exports, view, NULL), STATUS_SUCCESS);
    KT_EQ(ldr_pe_export_by_name(&exports, "beta", 0, &x), STATUS_SUCCESS);
    KT_EQ(x.ordinal, 2);
    KT_EQ(ldr_pe_export_by_name(&exports, "gamma", 2, &x), STATUS_SUCCESS);
    KT_EQ(x.kind, LDR_PE_EXPORT_FORWARDER);
    KT_STR_EQ(x.forwarder.name, "GetTickCount");
    KT_EQ(ldr_pe_export_by_ordinal(&exports, 5, &x), STATUS_ORDINAL_NOT_FOUND);
    KT_EQ(ldr_pe_export_by_name(&exports, "delta", 0, &x), STATUS_ENTRYPOINT_NOT_FOUND);

    /* alpha's instruction reads data_value at 0x10003018 until relocated by 0x00100000. */
    struct ldr_pe_reloc_stats stats;
    uint32_t operand;
    KT_EQ(ldr_pe_relocs_apply(view, 0x00100000, &stats, NULL), STATUS_SUCCESS);
    KT_EQ(stats.fixups, 8);
    memcpy(&operand, view->base + 0x1009, 4);
    KT_EQ(operand, 0x10103018);
    view->load_base += 0x00100000;
    struct ldr_pe_tls tls;
    KT_EQ(ldr_pe_tls_read(view, &tls, NULL), STATUS_SUCCESS);
    KT_EQ(tls.callback_count, 1);
    KT_EQ(tls.index_va, 0x1010301C);
    return NULL;
}

static const char *lay_out_base(const struct kt_file *f)
{
    struct ldr_pe_view view;
    KT_EQ(ldr_pe_parse(f->data, f->size, f->size, &image, NULL), STATUS_SUCCESS);
    uint8_t *memory = mm_pool_alloc(image.size_of_image, LDR_TEST_TAG);
    KT_TRUE(memory != NULL);
    ldr_pe_lay_out(&image, f->data, memory, image.size_of_image);
    ldr_pe_view_init(&view, &image, memory, image.image_base);
    const char *error = walk_base(&view);
    mm_pool_free(memory, LDR_TEST_TAG);
    return error;
}

KTEST(ldr, pe_walk_base) { return with_file(BASE_DLL, lay_out_base); }

static const char *walk_good_dll(struct ldr_pe_view *view)
{
    struct ldr_pe_exports exports;
    struct ldr_pe_export x;
    struct ldr_pe_reloc_stats stats;
    struct ldr_pe_tls tls;
    KT_EQ(ldr_pe_exports_open(&exports, view, NULL), STATUS_SUCCESS);
    KT_STR_EQ(exports.dll_name, "good_dll.dll");
    KT_EQ(ldr_pe_export_by_name(&exports, "add", 0, &x), STATUS_SUCCESS);
    KT_EQ(x.ordinal, 1);
    KT_EQ(ldr_pe_export_by_ordinal(&exports, 5, &x), STATUS_SUCCESS);
    KT_EQ(x.forwarder.by, LDR_PE_BY_ORDINAL);
    KT_EQ(x.forwarder.ordinal, 12);
    KT_EQ(ldr_pe_relocs_apply(view, 0x00010000, &stats, NULL), STATUS_SUCCESS);
    KT_TRUE(stats.fixups > 100);
    view->load_base += 0x00010000;
    KT_EQ(ldr_pe_tls_read(view, &tls, NULL), STATUS_SUCCESS);
    KT_TRUE(tls.present && tls.callback_count >= 1);
    return NULL;
}

static const char *lay_out_good_dll(const struct kt_file *f)
{
    struct ldr_pe_view view;
    const char *why = NULL;
    KT_EQ(ldr_pe_parse(f->data, f->size, f->size, &image, &why), STATUS_SUCCESS);
    KT_TRUE(image.characteristics & LDR_PE_FILE_DLL);
    uint8_t *memory = mm_pool_alloc(image.size_of_image, LDR_TEST_TAG);
    KT_TRUE(memory != NULL);
    ldr_pe_lay_out(&image, f->data, memory, image.size_of_image);
    ldr_pe_view_init(&view, &image, memory, image.image_base);
    const char *error = walk_good_dll(&view);
    mm_pool_free(memory, LDR_TEST_TAG);
    return error;
}

KTEST(ldr, pe_good_dll) { return with_file(GOOD_DLL, lay_out_good_dll); }
