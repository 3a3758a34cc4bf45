/* tests/host/fuzz_pe.c: fuzzes ldr/pe*.c: the parse (whole and through the headers_needed
 * protocol), the layout, and every walker on a laid-out copy, relocated, with the library's
 * promises checked (a broken one aborts). A libFuzzer entry point; built with -DPE_FUZZ_STANDALONE
 * it has its own main, a seeded mutator over seed files, for hosts whose clang has no libFuzzer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ldr/pe.h"

#define MAX_LAYOUT (1u << 20) /* larger images are parsed, not laid out */
#define MAX_WALK   4096u /* entries walked per table: bounded time per input */
#define DELTA      0x00210000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_pe: broken promise: %s\n", what);
        abort();
    }
}

/* Asking for headers_needed bytes from a 64-byte start ends as the whole-file parse did. */
static void check_protocol(const uint8_t *data, uint32_t size, NTSTATUS whole)
{
    static struct ldr_pe_image img;
    uint32_t length = MIN(size, 64u);
    NTSTATUS status;
    for (int rounds = 0;
         (status = ldr_pe_parse(data, length, size, &img, NULL)) == STATUS_BUFFER_TOO_SMALL;
         rounds++) {
        require(img.headers_needed > length && img.headers_needed <= size && rounds < 8,
                "headers_needed grows and stays in the file");
        length = img.headers_needed;
    }
    require(status == whole, "the protocol reaches the whole-file verdict");
}

static void check_regions(const struct ldr_pe_image *img)
{
    uint32_t next = 0;
    for (uint32_t i = 0; i < ldr_pe_region_count(img); i++) {
        struct ldr_pe_region r;
        ldr_pe_region_get(img, i, &r);
        require(r.rva == next && r.size && r.size % PAGE_SIZE == 0 && r.file_size <= r.size,
                "regions tile the image in pages");
        require(r.file_offset <= img->file_size && r.file_size <= img->file_size - r.file_offset,
                "regions read inside the file");
        next = r.rva + r.size;
    }
    require(next == ALIGN_UP(img->size_of_image, PAGE_SIZE), "regions end with the image");
}

static void walk_imports(const struct ldr_pe_view *view, enum ldr_pe_import_table table)
{
    struct ldr_pe_import_iter it;
    struct ldr_pe_import_dll dll;
    ldr_pe_imports_begin(&it, view, table);
    for (uint32_t n = 0; n < MAX_WALK && ldr_pe_imports_next(&it, &dll) == STATUS_SUCCESS; n++) {
        struct ldr_pe_thunk_iter thunks;
        struct ldr_pe_import_ref ref;
        require(dll.name[0] != 0, "DLL names are not empty");
        ldr_pe_thunks_begin(&thunks, view, &dll);
        for (uint32_t t = 0; t < MAX_WALK && ldr_pe_thunks_next(&thunks, &ref) == STATUS_SUCCESS;
             t++)
            require(ldr_pe_rva(view, ref.iat_rva, 4) != NULL, "IAT slots are in the image");
    }
}

static void walk_exports(const struct ldr_pe_view *view)
{
    struct ldr_pe_exports e;
    struct ldr_pe_export x;
    if (ldr_pe_exports_open(&e, view, NULL) != STATUS_SUCCESS)
        return;
    for (uint32_t i = 0; i < MIN(e.function_count, MAX_WALK); i++)
        if (ldr_pe_export_by_ordinal(&e, e.ordinal_base + i, &x) == STATUS_SUCCESS &&
            x.kind == LDR_PE_EXPORT_RVA)
            require(x.rva && x.rva < view->size, "export RVAs are in the image");
    for (uint32_t i = 0; i < MIN(e.name_count, MAX_WALK); i++) {
        const char *name;
        uint32_t ordinal;
        if (ldr_pe_export_name(&e, i, &name, &ordinal) == STATUS_SUCCESS)
            ldr_pe_export_by_name(&e, name, (uint16_t)(i * 7), &x);
    }
    ldr_pe_export_by_name(&e, "", 0, &x);
    ldr_pe_export_by_ordinal(&e, 0xFFFFFFFFu, &x);
}

/* Relocating is all or nothing, and touches only the pages the scan names. */
static void relocate(struct ldr_pe_view *view, uint8_t *before)
{
    const struct ldr_pe_dir_entry dir = view->image->dirs[LDR_PE_DIR_BASERELOC];
    uint8_t pages[MAX_LAYOUT / PAGE_SIZE / 8];
    NTSTATUS scanned = STATUS_SUCCESS;
    memset(pages, 0, sizeof pages);
    memcpy(before, view->base, view->size);
    if (dir.rva)
        scanned = ldr_pe_relocs_scan(view->base + dir.rva, dir.size, dir.rva, view->size, NULL,
                                     pages, sizeof pages, NULL);
    NTSTATUS applied = ldr_pe_relocs_apply(view, DELTA, NULL, NULL);
    require(scanned == applied, "scan and apply agree");
    for (uint32_t page = 0; page * PAGE_SIZE < view->size; page++) {
        uint32_t at = page * PAGE_SIZE, n = MIN(PAGE_SIZE, view->size - at);
        if (memcmp(before + at, view->base + at, n) != 0)
            require(applied == STATUS_SUCCESS && (pages[page / 8] & 1u << page % 8),
                    "an apply writes only the pages the scan named, and nothing when it fails");
    }
    if (applied == STATUS_SUCCESS && dir.rva)
        view->load_base += DELTA;
}

static void walk_tls(const struct ldr_pe_view *view)
{
    struct ldr_pe_tls tls;
    uint32_t va;
    if (ldr_pe_tls_read(view, &tls, NULL) != STATUS_SUCCESS || !tls.present)
        return;
    for (uint32_t i = 0; i < MIN(tls.callback_count, MAX_WALK); i++)
        require(ldr_pe_tls_callback(view, &tls, i, &va) == STATUS_SUCCESS &&
                    va - view->load_base < view->size,
                "TLS callbacks are in the image");
}

static void walk_image(const struct ldr_pe_image *img, const uint8_t *data)
{
    static struct ldr_pe_image mapped;
    struct ldr_pe_view view;
    uint8_t *memory = malloc(img->size_of_image), *before = malloc(img->size_of_image);
    uint32_t offset;
    if (!memory || !before)
        goto out;
    ldr_pe_lay_out(img, data, memory, img->size_of_image);
    require(ldr_pe_parse_mapped(memory, img->size_of_image, &mapped, NULL) == STATUS_SUCCESS,
            "the laid-out headers parse again");
    for (uint32_t d = 0; d < LDR_PE_NUMBER_OF_DIRS; d++)
        if (ldr_pe_rva_to_file(img, img->dirs[d].rva, img->dirs[d].size, &offset) == STATUS_SUCCESS)
            require(memcmp(data + offset, memory + img->dirs[d].rva, img->dirs[d].size) == 0,
                    "rva_to_file names the bytes the layout put there");
    ldr_pe_view_init(&view, img, memory, img->image_base);
    walk_imports(&view, LDR_PE_IMPORTS);
    walk_imports(&view, LDR_PE_DELAY_IMPORTS);
    walk_exports(&view);
    relocate(&view, before);
    walk_tls(&view);
out:
    free(memory);
    free(before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ldr_pe_image img;
    if (size > UINT32_MAX)
        return 0;
    NTSTATUS status = ldr_pe_parse(data, size, (uint32_t)size, &img, NULL);
    require(status == STATUS_SUCCESS || status == STATUS_INVALID_IMAGE_FORMAT,
            "a whole file parses or is invalid");
    check_protocol(data, (uint32_t)size, status);
    if (status != STATUS_SUCCESS || img.size_of_image > MAX_LAYOUT)
        return 0;
    check_regions(&img);
    walk_image(&img, data);
    return 0;
}

#ifdef PE_FUZZ_STANDALONE
/* A small mutator for hosts without libFuzzer: accepts the options `make` passes (-seed=, -runs=,
 * -max_len=, -max_total_time=; others are ignored) and directories of seeds. */
#include <dirent.h>
#include <time.h>

static uint64_t rng;

static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

struct seed {
    uint8_t *data;
    size_t size;
};

static size_t load_seeds(const char *dir, struct seed *seeds, size_t count, size_t max, size_t cap)
{
    char path[1024];
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && count < max && (e = readdir(d))) {
        FILE *f;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || !(f = fopen(path, "rb")))
            continue;
        uint8_t *data = malloc(cap);
        size_t n = data ? fread(data, 1, cap, f) : 0;
        fclose(f);
        if (n == 0) {
            free(data);
            continue;
        }
        seeds[count].data = data;
        seeds[count++].size = n;
    }
    if (d)
        closedir(d);
    return count;
}

/* One to eight edits: a bit, a byte, a 32-bit word of an interesting value, or a truncation. */
static size_t mutate(uint8_t *buf, size_t size)
{
    static const uint32_t words[] = {0,          1,          0x7F,    0x80,       0xFF,
                                     0x1000,     0xFFFF,     0x10000, 0x7FFFFFFF, 0x80000000,
                                     0xFFFFFFFF, 0x10000000, 0x200,   0x3000};
    for (uint32_t n = 1 + next_random() % 8; n-- && size;) {
        size_t at = next_random() % size;
        uint32_t word = words[next_random() % (sizeof words / sizeof words[0])];
        switch (next_random() % 5) {
        case 0: buf[at] ^= (uint8_t)(1u << next_random() % 8); break;
        case 1: buf[at] = (uint8_t)next_random(); break;
        case 2:
            if (at + 4 <= size)
                memcpy(buf + at, &word, 4);
            break;
        case 3: buf[at] = (uint8_t)word; break;
        default:
            if (next_random() % 8 == 0)
                size = at + 1;
        }
    }
    return size;
}

int main(int argc, char **argv)
{
    unsigned long runs = 10000, seed = 1, max_len = 65536, seconds = 0;
    struct seed seeds[4096];
    size_t count = 0;
    for (int i = 1; i < argc; i++) {
        if (sscanf(argv[i], "-seed=%lu", &seed) == 1 || sscanf(argv[i], "-runs=%lu", &runs) == 1 ||
            sscanf(argv[i], "-max_len=%lu", &max_len) == 1 ||
            sscanf(argv[i], "-max_total_time=%lu", &seconds) == 1 || argv[i][0] == '-')
            continue;
        count = load_seeds(argv[i], seeds, count, 4096, max_len);
    }
    if (count == 0) {
        fprintf(stderr, "fuzz_pe: no seeds\n");
        return 2;
    }
    rng = seed * 0x9E3779B97F4A7C15ull + 1;
    uint8_t *buf = malloc(max_len);
    time_t end = time(NULL) + (time_t)seconds;
    unsigned long done = 0;
    for (; buf && (seconds ? time(NULL) < end : done < runs); done++) {
        const struct seed *s = &seeds[next_random() % count];
        memcpy(buf, s->data, s->size);
        LLVMFuzzerTestOneInput(buf, mutate(buf, s->size));
    }
    printf("fuzz_pe: %lu runs from %zu seeds (seed %lu), no broken promise\n", done, count, seed);
    free(buf);
    while (count)
        free(seeds[--count].data);
    return 0;
}
#endif
