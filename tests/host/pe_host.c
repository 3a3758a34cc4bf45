/* tests/host/pe_host.c: the PE host tests' helpers (tests/host/pe_host.h): loading images, asking
 * binutils, and pe_check, which drives every walker over an image and checks what they promise. */
#include "tests/host/pe_host.h"
#include <ctype.h>

char message[512];

const char *const pe_stage_names[] = {"parse",  "imports", "delay", "exports",
                                      "relocs", "tls",     "bind",  "ok"};

const char *pe_build_dir(void)
{
    const char *dir = getenv("PE_BUILD");
    return dir && *dir ? dir : "build/pe";
}

const char *pe_read_file(const char *path, uint8_t **data, uint32_t *size)
{
    FILE *f = fopen(path, "rb");
    long length = -1;
    *data = NULL;
    if (f && fseek(f, 0, SEEK_END) == 0 && (length = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (*data = malloc((size_t)length + 1)) &&
        fread(*data, 1, (size_t)length, f) == (size_t)length)
        *size = (uint32_t)length;
    else {
        free(*data);
        *data = NULL;
    }
    if (f)
        fclose(f);
    CHECK(*data, "cannot read %s", path);
    return NULL;
}

NTSTATUS pe_open(const uint8_t *file, uint32_t size, struct pe_loaded *l, const char **why)
{
    memset(l, 0, sizeof *l);
    l->file = (uint8_t *)file;
    l->file_size = size;
    l->image = malloc(sizeof *l->image);
    if (!l->image)
        return STATUS_NO_MEMORY;
    NTSTATUS status = ldr_pe_parse(file, size, size, l->image, why);
    if (status == STATUS_SUCCESS && !(l->memory = malloc(l->image->size_of_image)))
        status = STATUS_NO_MEMORY;
    if (status != STATUS_SUCCESS) {
        static char reason[sizeof l->image->why];
        if (why && *why) { /* it points into the image we free */
            snprintf(reason, sizeof reason, "%s", *why);
            *why = reason;
        }
        free(l->image);
        l->image = NULL;
        return status;
    }
    ldr_pe_lay_out(l->image, file, l->memory, l->image->size_of_image);
    ldr_pe_view_init(&l->view, l->image, l->memory, l->image->image_base);
    return STATUS_SUCCESS;
}

const char *pe_open_path(const char *name, struct pe_loaded *l)
{
    char path[256];
    uint8_t *data;
    uint32_t size;
    const char *why = "";
    snprintf(path, sizeof path, "%s/%s", pe_build_dir(), name);
    TRY(pe_read_file(path, &data, &size));
    NTSTATUS status = pe_open(data, size, l, &why);
    if (status != STATUS_SUCCESS) {
        free(data);
        CHECK(0, "%s: status 0x%08x (%s)", name, (unsigned)status, why);
    }
    return NULL;
}

void pe_close(struct pe_loaded *l)
{
    free(l->memory);
    free(l->image);
    l->memory = NULL;
    l->image = NULL;
}

/* ---- binutils ---- */

/* The output of a command, cached: the tests ask objdump and nm about the same few files often. */
static const char *command_output(const char *command)
{
    static struct {
        char command[300];
        char *output;
    } cache[8];
    static unsigned next;
    for (unsigned i = 0; i < ARRAY_SIZE(cache); i++)
        if (cache[i].output && strcmp(cache[i].command, command) == 0)
            return cache[i].output;
    FILE *p = popen(command, "r");
    char *output = NULL;
    size_t size = 0, used = 0, n;
    if (!p)
        return NULL;
    do {
        if (used + 4096 + 1 > size) {
            size = size * 2 + 8192;
            char *bigger = realloc(output, size);
            if (!bigger)
                break;
            output = bigger;
        }
        used += n = fread(output + used, 1, 4096, p);
    } while (n > 0);
    pclose(p);
    if (!output)
        return NULL;
    output[used] = 0;
    unsigned slot = next++ % ARRAY_SIZE(cache);
    free(cache[slot].output); /* the slot's old output; callers are done with it by now */
    snprintf(cache[slot].command, sizeof cache[slot].command, "%s", command);
    cache[slot].output = output;
    return output;
}

/* Copies the line of `text` at *at into `line` and moves past it; false at the end. */
static bool next_line(const char **at, char *line, size_t size)
{
    const char *end = strchr(*at, '\n');
    size_t n = end ? (size_t)(end - *at) : strlen(*at);
    if (**at == 0)
        return false;
    snprintf(line, size, "%.*s", (int)MIN(n, size - 1), *at);
    *at += end ? n + 1 : n;
    return true;
}

const char *pe_command(const char *fmt, const char *path)
{
    char command[300];
    snprintf(command, sizeof command, fmt, path);
    return command_output(command);
}

const char *objdump_value(const char *path, const char *key, int index, uint32_t *value)
{
    char line[256], word[64];
    const char *at = pe_command("objdump -p '%s' 2>/dev/null", path);
    CHECK(at, "cannot run objdump");
    while (next_line(&at, line, sizeof line)) {
        int n, skip;
        unsigned long v, size;
        if (sscanf(line, "%63s%n", word, &skip) != 1)
            continue;
        if (strcmp(key, "Entry") == 0 || strcmp(key, "EntrySize") == 0) {
            if (strcmp(word, "Entry") == 0 &&
                sscanf(line + skip, "%x %lx %lx", &n, &v, &size) == 3 && n == index) {
                *value = (uint32_t)(key[5] ? size : v);
                return NULL;
            }
        } else if (strcmp(word, key) == 0 && sscanf(line + skip, "%lx", &v) == 1) {
            *value = (uint32_t)v;
            return NULL;
        }
    }
    CHECK(0, "objdump -p %s has no %s %d", path, key, index);
}

const char *nm_symbol(const char *path, const char *prefix, const char *suffix, uint32_t *va)
{
    char line[256], name[200], type[8];
    unsigned long address;
    const char *at = pe_command("i686-w64-mingw32-nm '%s' 2>/dev/null", path);
    CHECK(at, "cannot run nm");
    while (next_line(&at, line, sizeof line)) {
        size_t n, s = strlen(suffix);
        if (sscanf(line, "%lx %7s %199s", &address, type, name) != 3)
            continue;
        n = strlen(name);
        if (strncmp(name, prefix, strlen(prefix)) == 0 && n >= s &&
            strcmp(name + n - s, suffix) == 0) {
            *va = (uint32_t)address;
            return NULL;
        }
    }
    CHECK(0, "nm %s has no symbol %s...%s", path, prefix, suffix);
}

/* Line by line over a command's output, for the tests' own parsing. */
bool pe_next_line(const char **at, char *line, size_t size) { return next_line(at, line, size); }

/* ---- the pipeline ---- */

/* The regions tile [0, size_of_image) in whole pages and read only inside the file. */
static const char *check_regions(const struct pe_loaded *l)
{
    uint32_t next = 0;
    for (uint32_t i = 0; i < ldr_pe_region_count(l->image); i++) {
        struct ldr_pe_region r;
        ldr_pe_region_get(l->image, i, &r);
        CHECK(r.rva == next && r.size % PAGE_SIZE == 0 && r.size > 0,
              "region %u at 0x%x size 0x%x, expected it at 0x%x", i, r.rva, r.size, next);
        CHECK(r.file_size <= r.size && r.file_offset <= l->file_size &&
                  r.file_size <= l->file_size - r.file_offset,
              "region %u reads 0x%x bytes at 0x%x of a 0x%x-byte file", i, r.file_size,
              r.file_offset, l->file_size);
        next = r.rva + r.size;
    }
    CHECK(next == ALIGN_UP(l->image->size_of_image, PAGE_SIZE), "regions end at 0x%x, image 0x%x",
          next, l->image->size_of_image);
    return NULL;
}

/* The headers parsed again from the laid-out image give the same image (ntdll's view). */
static const char *check_mapped(const struct pe_loaded *l)
{
    static struct ldr_pe_image mapped;
    const char *why = "";
    NTSTATUS status = ldr_pe_parse_mapped(l->memory, l->image->size_of_image, &mapped, &why);
    CHECK(status == STATUS_SUCCESS, "parse_mapped: 0x%08x (%s)", (unsigned)status, why);
    CHECK(memcmp(mapped.sections, l->image->sections, sizeof mapped.sections) == 0 &&
              memcmp(mapped.dirs, l->image->dirs, sizeof mapped.dirs) == 0 &&
              mapped.size_of_image == l->image->size_of_image,
          "parse_mapped found other sections or directories");
    status = ldr_pe_parse_mapped(l->memory, l->image->size_of_image - 1, &mapped, &why);
    CHECK(status == STATUS_INVALID_IMAGE_FORMAT, "parse_mapped on a short view: 0x%08x",
          (unsigned)status);
    return NULL;
}

static NTSTATUS walk_imports(const struct ldr_pe_view *view, enum ldr_pe_import_table table,
                             const char **why)
{
    struct ldr_pe_import_iter it;
    struct ldr_pe_import_dll dll;
    NTSTATUS status;
    ldr_pe_imports_begin(&it, view, table);
    while ((status = ldr_pe_imports_next(&it, &dll)) == STATUS_SUCCESS) {
        struct ldr_pe_thunk_iter thunks;
        struct ldr_pe_import_ref ref;
        ldr_pe_thunks_begin(&thunks, view, &dll);
        while ((status = ldr_pe_thunks_next(&thunks, &ref)) == STATUS_SUCCESS)
            ;
        if (status != STATUS_NO_MORE_ENTRIES) {
            *why = thunks.why;
            return status;
        }
    }
    *why = it.why;
    return status == STATUS_NO_MORE_ENTRIES ? STATUS_SUCCESS : status;
}

/* Every ordinal and every name; a name found with its own index as the hint names its ordinal. */
static NTSTATUS walk_exports(const struct ldr_pe_view *view, const char **why, const char **error)
{
    struct ldr_pe_exports e;
    struct ldr_pe_export x;
    NTSTATUS status = ldr_pe_exports_open(&e, view, why);
    for (uint32_t i = 0; status == STATUS_SUCCESS && i < e.function_count; i++) {
        status = ldr_pe_export_by_ordinal(&e, e.ordinal_base + i, &x);
        if (status == STATUS_ORDINAL_NOT_FOUND)
            status = STATUS_SUCCESS;
        else if (status != STATUS_SUCCESS)
            *why = "an export's RVA or forwarder is malformed";
    }
    for (uint32_t i = 0; status == STATUS_SUCCESS && i < e.name_count; i++) {
        const char *name;
        uint32_t ordinal;
        status = ldr_pe_export_name(&e, i, &name, &ordinal);
        if (status != STATUS_SUCCESS) {
            *why = "an export name is malformed";
            break;
        }
        status = ldr_pe_export_by_name(&e, name, (uint16_t)i, &x);
        if (status == STATUS_SUCCESS && x.ordinal != ordinal && i <= 0xFFFF)
            *error = "a name looked up with its own hint gave another ordinal";
        if (status == STATUS_ENTRYPOINT_NOT_FOUND)
            status = STATUS_SUCCESS; /* a name for an empty slot */
    }
    return status;
}

/* Scans (with the page bitmap) and applies the relocations: nothing may change when applying
 * fails, and every byte that changes must be in a page the scan named. */
static NTSTATUS relocate(struct pe_loaded *l, const char **why, const char **error)
{
    const struct ldr_pe_dir_entry dir = l->image->dirs[LDR_PE_DIR_BASERELOC];
    uint32_t pages_bytes = l->image->size_of_image / PAGE_SIZE / 8 + 1;
    uint8_t *pages = calloc(1, pages_bytes), *before = malloc(l->image->size_of_image);
    struct ldr_pe_reloc_stats stats;
    NTSTATUS status = STATUS_NO_MEMORY;
    if (!pages || !before)
        goto out;
    memcpy(before, l->memory, l->image->size_of_image);
    status = STATUS_SUCCESS;
    if (dir.rva)
        status = ldr_pe_relocs_scan(l->memory + dir.rva, dir.size, dir.rva, l->view.size, &stats,
                                    pages, pages_bytes, why);
    NTSTATUS applied = ldr_pe_relocs_apply(&l->view, PE_TEST_DELTA, &stats, why);
    if (applied != status)
        *error = "the scan and the apply disagree";
    for (uint32_t page = 0; page * PAGE_SIZE < l->image->size_of_image; page++) {
        uint32_t at = page * PAGE_SIZE, n = MIN(PAGE_SIZE, l->image->size_of_image - at);
        if (memcmp(before + at, l->memory + at, n) == 0)
            continue;
        if (status != STATUS_SUCCESS)
            *error = "a failed apply changed the image";
        else if (!(pages[page / 8] & 1u << page % 8))
            *error = "an apply changed a page the scan did not name";
    }
out:
    free(pages);
    free(before);
    return status;
}

static NTSTATUS read_tls(const struct pe_loaded *l, const char **why)
{
    struct ldr_pe_view view = l->view;
    struct ldr_pe_tls tls;
    uint32_t va;
    if (l->image->dirs[LDR_PE_DIR_BASERELOC].rva)
        view.load_base += PE_TEST_DELTA;
    NTSTATUS status = ldr_pe_tls_read(&view, &tls, why);
    for (uint32_t i = 0; status == STATUS_SUCCESS && i < tls.callback_count; i++)
        status = ldr_pe_tls_callback(&view, &tls, i, &va);
    return status;
}

/* One import against the exporter: by name with the hint, or by ordinal. */
static NTSTATUS bind_one(const struct ldr_pe_exports *e, const struct ldr_pe_import_ref *ref)
{
    struct ldr_pe_export x;
    if (ref->by == LDR_PE_BY_NAME)
        return ldr_pe_export_by_name(e, ref->name, ref->hint, &x);
    return ldr_pe_export_by_ordinal(e, ref->ordinal, &x);
}

/* The exporter of `dll`: build/pe/STEM.bin for "STEM.dll", when the corpus has it and it parses. */
static int open_exporter(const struct ldr_pe_import_dll *dll, struct pe_loaded *exporter)
{
    char name[128];
    size_t n = strlen(dll->name);
    if (n < 5 || n >= sizeof name || strcasecmp(dll->name + n - 4, ".dll") != 0)
        return 0;
    snprintf(name, sizeof name, "%.*s.bin", (int)(n - 4), dll->name);
    for (char *c = name; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (pe_open_path(name, exporter) != NULL)
        return 0;
    return 1;
}

static NTSTATUS bind_imports(const struct pe_loaded *l)
{
    struct ldr_pe_import_iter it;
    struct ldr_pe_import_dll dll;
    NTSTATUS status = STATUS_SUCCESS;
    ldr_pe_imports_begin(&it, &l->view, LDR_PE_IMPORTS);
    while (status == STATUS_SUCCESS && ldr_pe_imports_next(&it, &dll) == STATUS_SUCCESS) {
        struct pe_loaded exporter;
        struct ldr_pe_exports e;
        struct ldr_pe_thunk_iter thunks;
        struct ldr_pe_import_ref ref;
        if (!open_exporter(&dll, &exporter))
            continue;
        status = ldr_pe_exports_open(&e, &exporter.view, NULL);
        ldr_pe_thunks_begin(&thunks, &l->view, &dll);
        while (status == STATUS_SUCCESS && ldr_pe_thunks_next(&thunks, &ref) == STATUS_SUCCESS)
            status = bind_one(&e, &ref);
        free(exporter.file);
        pe_close(&exporter);
    }
    return status;
}

static void set_result(struct pe_result *r, enum pe_stage stage, NTSTATUS status, const char *why)
{
    r->stage = stage;
    r->status = status;
    snprintf(r->why, sizeof r->why, "%s", why ? why : "");
}

/* Records where the pipeline stopped, and passes on a broken invariant's message. */
static const char *stop(struct pe_result *r, enum pe_stage stage, NTSTATUS status, const char *why,
                        const char *error)
{
    set_result(r, stage, status, why);
    return error;
}

/* The stages after parse, in order; stops at the first status. */
static const char *run_stages(struct pe_loaded *l, int bind, struct pe_result *r)
{
    const char *why = NULL, *error = NULL;
    NTSTATUS status;
    TRY(check_regions(l));
    TRY(check_mapped(l));
    if ((status = walk_imports(&l->view, LDR_PE_IMPORTS, &why)) != STATUS_SUCCESS)
        return stop(r, STAGE_IMPORTS, status, why, NULL);
    if ((status = walk_imports(&l->view, LDR_PE_DELAY_IMPORTS, &why)) != STATUS_SUCCESS)
        return stop(r, STAGE_DELAY, status, why, NULL);
    if ((status = walk_exports(&l->view, &why, &error)) != STATUS_SUCCESS || error)
        return stop(r, STAGE_EXPORTS, status, why, error);
    if ((status = relocate(l, &why, &error)) != STATUS_SUCCESS || error)
        return stop(r, STAGE_RELOCS, status, why, error);
    if ((status = read_tls(l, &why)) != STATUS_SUCCESS)
        return stop(r, STAGE_TLS, status, why, NULL);
    if (bind && (status = bind_imports(l)) != STATUS_SUCCESS)
        return stop(r, STAGE_BIND, status, "", NULL);
    return stop(r, STAGE_OK, STATUS_SUCCESS, "", NULL);
}

const char *pe_check(const uint8_t *file, uint32_t size, int bind, struct pe_result *result)
{
    struct pe_loaded l;
    const char *why = NULL;
    NTSTATUS status = pe_open(file, size, &l, &why);
    set_result(result, STAGE_PARSE, status, why);
    if (status != STATUS_SUCCESS)
        return NULL;
    const char *error = run_stages(&l, bind, result);
    pe_close(&l);
    return error;
}
