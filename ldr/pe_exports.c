/* ldr/pe_exports.c: the export directory of a laid-out PE32 image (ldr/pe.h): lookups by name
 * (hint, then binary search) and by ordinal, and forwarders split into DLL and name or ordinal. */
#include "ldr/pep.h"

NTSTATUS ldr_pe_exports_open(struct ldr_pe_exports *exports, const struct ldr_pe_view *view,
                             const char **why)
{
    const struct ldr_pe_dir_entry dir = view->image->dirs[LDR_PE_DIR_EXPORT];
    ldrp_zero(exports, sizeof *exports);
    exports->view = view;
    if (dir.rva == 0)
        return STATUS_SUCCESS;
    const void *at = ldr_pe_rva(view, dir.rva, sizeof(struct ldrp_export_directory));
    if (!at)
        return ldrp_invalid(why, "the export directory is outside the image");
    struct ldrp_export_directory d;
    ldrp_copy(&d, at, sizeof d);
    /* Counts in 64 bits: 4 * NumberOfFunctions must not wrap before the range check. */
    uint64_t functions_size = (uint64_t)d.number_of_functions * 4;
    uint64_t names_size = (uint64_t)d.number_of_names * 4;
    if (functions_size > view->size ||
        !ldr_pe_rva(view, d.address_of_functions, (uint32_t)functions_size))
        return ldrp_invalid(why, "the export address table is outside the image");
    if (names_size > view->size || !ldr_pe_rva(view, d.address_of_names, (uint32_t)names_size) ||
        !ldr_pe_rva(view, d.address_of_name_ordinals, d.number_of_names * 2))
        return ldrp_invalid(why, "the export name or name-ordinal table is outside the image");
    if (d.name &&
        ldr_pe_string(view, d.name, LDR_PE_MAX_NAME, &exports->dll_name, NULL) != STATUS_SUCCESS)
        return ldrp_invalid(why, "the export directory's DLL name is outside the image");
    exports->dir_rva = dir.rva;
    exports->dir_size = dir.size;
    exports->ordinal_base = d.base;
    exports->function_count = d.number_of_functions;
    exports->name_count = d.number_of_names;
    exports->functions_rva = d.address_of_functions;
    exports->names_rva = d.address_of_names;
    exports->name_ordinals_rva = d.address_of_name_ordinals;
    return STATUS_SUCCESS;
}

/* Parses the decimal ordinal of "DLL.#N": 1 to 5 digits, at most 65535. */
static bool parse_ordinal(const char *s, uint16_t *ordinal)
{
    uint32_t value = 0, digits = 0;
    for (; *s; s++, digits++) {
        if (*s < '0' || *s > '9' || digits == 5)
            return false;
        value = value * 10 + (uint32_t)(*s - '0');
    }
    if (digits == 0 || value > 0xFFFF)
        return false;
    *ordinal = (uint16_t)value;
    return true;
}

/* "DLL.Name" or "DLL.#N", split at the last dot (a DLL name may hold dots, a function's cannot). */
static NTSTATUS parse_forwarder(const struct ldr_pe_exports *e, uint32_t rva,
                                struct ldr_pe_forwarder *f)
{
    uint32_t length, dot = UINT32_MAX;
    if (ldr_pe_string(e->view, rva, LDR_PE_MAX_NAME, &f->string, &length) != STATUS_SUCCESS)
        return STATUS_INVALID_IMAGE_FORMAT;
    for (uint32_t i = 0; i < length; i++)
        if (f->string[i] == '.')
            dot = i;
    if (dot == UINT32_MAX || dot == 0 || dot + 1 == length)
        return STATUS_INVALID_IMAGE_FORMAT;
    f->dll = f->string;
    f->dll_length = dot;
    f->name = f->string + dot + 1;
    if (f->name[0] != '#') {
        f->by = LDR_PE_BY_NAME;
        return STATUS_SUCCESS;
    }
    f->by = LDR_PE_BY_ORDINAL;
    f->name = NULL;
    return parse_ordinal(f->string + dot + 2, &f->ordinal) ? STATUS_SUCCESS
                                                           : STATUS_INVALID_IMAGE_FORMAT;
}

/* The export in slot `index` of the function table. */
static NTSTATUS export_at(const struct ldr_pe_exports *e, uint32_t index, struct ldr_pe_export *x)
{
    LDRP_ASSERT(index < e->function_count);
    uint32_t rva = ldrp_load32(e->view->base + e->functions_rva + index * 4);
    ldrp_zero(x, sizeof *x);
    x->ordinal = e->ordinal_base + index;
    x->rva = rva;
    if (rva == 0)
        return STATUS_SUCCESS; /* a hole in the ordinal range: the callers say "not found" */
    if (rva >= e->dir_rva && rva - e->dir_rva < e->dir_size) {
        x->kind = LDR_PE_EXPORT_FORWARDER;
        x->rva = 0;
        return parse_forwarder(e, rva, &x->forwarder);
    }
    x->kind = LDR_PE_EXPORT_RVA;
    return rva < e->view->size ? STATUS_SUCCESS : STATUS_INVALID_IMAGE_FORMAT;
}

NTSTATUS ldr_pe_export_name(const struct ldr_pe_exports *e, uint32_t index, const char **name,
                            uint32_t *ordinal)
{
    LDRP_ASSERT(index < e->name_count);
    uint32_t name_rva = ldrp_load32(e->view->base + e->names_rva + index * 4);
    uint16_t function = ldrp_load16(e->view->base + e->name_ordinals_rva + index * 2);
    if (ldr_pe_string(e->view, name_rva, LDR_PE_MAX_NAME, name, NULL) != STATUS_SUCCESS ||
        function >= e->function_count)
        return STATUS_INVALID_IMAGE_FORMAT;
    *ordinal = e->ordinal_base + function;
    return STATUS_SUCCESS;
}

/* strcmp of the caller's name with name `index` of the table, and the ordinal that name exports;
 * meaningless unless *status is STATUS_SUCCESS (ldr_pe_export_name's checks). */
static int compare_name(const struct ldr_pe_exports *e, const char *name, uint32_t index,
                        NTSTATUS *status, uint32_t *ordinal)
{
    const char *theirs;
    *status = ldr_pe_export_name(e, index, &theirs, ordinal);
    if (*status != STATUS_SUCCESS)
        return 0;
    const uint8_t *a = (const uint8_t *)name, *b = (const uint8_t *)theirs;
    while (*a && *a == *b)
        a++, b++;
    return (int)*a - (int)*b;
}

/* The name table's index of `name`: the hint first, then a binary search (the table is sorted by
 * the linker; if it is not, names are missed, never read out of bounds). */
static NTSTATUS find_name(const struct ldr_pe_exports *e, const char *name, uint16_t hint,
                          uint32_t *ordinal)
{
    NTSTATUS status;
    if (hint < e->name_count && compare_name(e, name, hint, &status, ordinal) == 0)
        return status;
    uint32_t lo = 0, hi = e->name_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = compare_name(e, name, mid, &status, ordinal);
        if (status != STATUS_SUCCESS || c == 0)
            return status;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return STATUS_ENTRYPOINT_NOT_FOUND;
}

NTSTATUS ldr_pe_export_by_name(const struct ldr_pe_exports *exports, const char *name,
                               uint16_t hint, struct ldr_pe_export *export)
{
    LDRP_ASSERT(name);
    uint32_t ordinal;
    NTSTATUS status = find_name(exports, name, hint, &ordinal);
    if (status != STATUS_SUCCESS)
        return status;
    status = export_at(exports, ordinal - exports->ordinal_base, export);
    if (status == STATUS_SUCCESS && export->kind == LDR_PE_EXPORT_RVA && export->rva == 0)
        return STATUS_ENTRYPOINT_NOT_FOUND;
    return status;
}

NTSTATUS ldr_pe_export_by_ordinal(const struct ldr_pe_exports *exports, uint32_t ordinal,
                                  struct ldr_pe_export *export)
{
    if (ordinal < exports->ordinal_base ||
        ordinal - exports->ordinal_base >= exports->function_count)
        return STATUS_ORDINAL_NOT_FOUND;
    NTSTATUS status = export_at(exports, ordinal - exports->ordinal_base, export);
    if (status == STATUS_SUCCESS && export->kind == LDR_PE_EXPORT_RVA && export->rva == 0)
        return STATUS_ORDINAL_NOT_FOUND;
    return status;
}
