/* ldr/pe_imports.c: walks the import and delay-import descriptors of a laid-out PE32 image and the
 * functions each names (ldr/pe.h). The loader binds what these return; they only read, bounded. */
#include "ldr/pep.h"

#define DESCRIPTOR_SIZE(table)                                                                     \
    ((table) == LDR_PE_IMPORTS ? sizeof(struct ldrp_import_descriptor)                             \
                               : sizeof(struct ldrp_delay_descriptor))

void ldr_pe_imports_begin(struct ldr_pe_import_iter *it, const struct ldr_pe_view *view,
                          enum ldr_pe_import_table table)
{
    const struct ldr_pe_dir_entry *dir =
        &view->image->dirs[table == LDR_PE_IMPORTS ? LDR_PE_DIR_IMPORT : LDR_PE_DIR_DELAY_IMPORT];
    it->view = view;
    it->table = table;
    it->next = dir->rva;
    /* NT's loader ignores the import directory's size; the delay directory's bounds the walk. */
    it->dir_end = table == LDR_PE_DELAY_IMPORTS && dir->size ? dir->rva + dir->size : 0;
    it->index = 0;
    it->why = NULL;
}

static NTSTATUS invalid(struct ldr_pe_import_iter *it, const char *why)
{
    it->next = 0;
    return ldrp_invalid(&it->why, why);
}

/* A table the loader reads or writes: its first slot at least must be inside the image. */
static bool slot_ok(const struct ldr_pe_view *view, uint32_t rva)
{
    return ldrp_in_range(rva, 4, view->size);
}

static NTSTATUS read_name(struct ldr_pe_import_iter *it, uint32_t rva,
                          struct ldr_pe_import_dll *dll)
{
    uint32_t length;
    if (ldr_pe_string(it->view, rva, LDR_PE_MAX_NAME, &dll->name, &length) != STATUS_SUCCESS)
        return invalid(it, "an imported DLL's name is outside the image, unterminated or too long");
    if (length == 0)
        return invalid(it, "an imported DLL's name is empty");
    dll->name_rva = rva;
    return STATUS_SUCCESS;
}

static NTSTATUS import_descriptor(struct ldr_pe_import_iter *it, struct ldr_pe_import_dll *dll)
{
    struct ldrp_import_descriptor d;
    ldrp_copy(&d, it->view->base + it->next, sizeof d);
    if (d.name == 0 || d.first_thunk == 0) {
        it->next = 0;
        return STATUS_NO_MORE_ENTRIES;
    }
    ldrp_zero(dll, sizeof *dll);
    NTSTATUS status = read_name(it, d.name, dll);
    if (status != STATUS_SUCCESS)
        return status;
    dll->lookup_rva = d.original_first_thunk ? d.original_first_thunk : d.first_thunk;
    dll->iat_rva = d.first_thunk;
    dll->time_date_stamp = d.time_date_stamp;
    dll->forwarder_chain = d.forwarder_chain;
    if (!slot_ok(it->view, dll->lookup_rva) || !slot_ok(it->view, dll->iat_rva))
        return invalid(it, "an import lookup table or IAT is outside the image");
    return STATUS_SUCCESS;
}

static NTSTATUS delay_descriptor(struct ldr_pe_import_iter *it, struct ldr_pe_import_dll *dll)
{
    struct ldrp_delay_descriptor d;
    ldrp_copy(&d, it->view->base + it->next, sizeof d);
    if (d.dll_name == 0) {
        it->next = 0;
        return STATUS_NO_MORE_ENTRIES;
    }
    if (!(d.attributes & LDRP_DELAY_RVA_BASED))
        return invalid(it, "a delay-import descriptor uses the old VA format");
    ldrp_zero(dll, sizeof *dll);
    NTSTATUS status = read_name(it, d.dll_name, dll);
    if (status != STATUS_SUCCESS)
        return status;
    dll->lookup_rva = d.int_;
    dll->iat_rva = d.iat;
    dll->time_date_stamp = d.time_date_stamp;
    dll->attributes = d.attributes;
    dll->module_handle_rva = d.module_handle;
    dll->bound_iat_rva = d.bound_iat;
    dll->unload_iat_rva = d.unload_iat;
    if (!slot_ok(it->view, d.int_) || !slot_ok(it->view, d.iat) ||
        !slot_ok(it->view, d.module_handle))
        return invalid(it, "a delay-import INT, IAT or module handle is outside the image");
    if ((d.bound_iat && !slot_ok(it->view, d.bound_iat)) ||
        (d.unload_iat && !slot_ok(it->view, d.unload_iat)))
        return invalid(it, "a delay-import bound or unload IAT is outside the image");
    return STATUS_SUCCESS;
}

NTSTATUS ldr_pe_imports_next(struct ldr_pe_import_iter *it, struct ldr_pe_import_dll *dll)
{
    uint32_t size = DESCRIPTOR_SIZE(it->table);
    if (it->next == 0)
        return STATUS_NO_MORE_ENTRIES;
    if (it->dir_end && !ldrp_in_range(it->next, size, it->dir_end)) {
        it->next = 0;
        return STATUS_NO_MORE_ENTRIES;
    }
    if (!ldrp_in_range(it->next, size, it->view->size))
        return invalid(it, "the import descriptors run past the end of the image");
    NTSTATUS status =
        it->table == LDR_PE_IMPORTS ? import_descriptor(it, dll) : delay_descriptor(it, dll);
    if (status != STATUS_SUCCESS)
        return status;
    it->next += size;
    it->index++;
    return STATUS_SUCCESS;
}

void ldr_pe_thunks_begin(struct ldr_pe_thunk_iter *it, const struct ldr_pe_view *view,
                         const struct ldr_pe_import_dll *dll)
{
    it->view = view;
    it->lookup_rva = dll->lookup_rva;
    it->iat_rva = dll->iat_rva;
    it->index = 0;
    it->why = NULL;
}

/* The hint/name entry at `rva`: a 16-bit hint, then a non-empty NUL-terminated name. */
static NTSTATUS hint_name(struct ldr_pe_thunk_iter *it, uint32_t rva, struct ldr_pe_import_ref *ref)
{
    uint32_t length;
    const uint8_t *hint = ldr_pe_rva(it->view, rva, 2);
    if (!hint ||
        ldr_pe_string(it->view, rva + 2, LDR_PE_MAX_NAME, &ref->name, &length) != STATUS_SUCCESS)
        return ldrp_invalid(&it->why, "an import's hint/name entry is outside the image, "
                                      "unterminated or too long");
    if (length == 0)
        return ldrp_invalid(&it->why, "an import's name is empty");
    ref->hint = ldrp_load16(hint);
    return STATUS_SUCCESS;
}

NTSTATUS ldr_pe_thunks_next(struct ldr_pe_thunk_iter *it, struct ldr_pe_import_ref *ref)
{
    /* In 64 bits: the index grows by one a slot, so the sums below cannot wrap. */
    uint64_t lookup = it->lookup_rva + (uint64_t)it->index * 4;
    uint64_t iat = it->iat_rva + (uint64_t)it->index * 4;
    if (lookup + 4 > it->view->size)
        return ldrp_invalid(&it->why, "an import lookup table is not terminated in the image");
    uint32_t thunk = ldrp_load32(it->view->base + lookup);
    if (thunk == 0)
        return STATUS_NO_MORE_ENTRIES;
    if (iat + 4 > it->view->size)
        return ldrp_invalid(&it->why, "an import address table runs past the end of the image");
    ldrp_zero(ref, sizeof *ref);
    ref->index = it->index;
    ref->iat_rva = (uint32_t)iat;
    if (thunk & LDRP_ORDINAL_FLAG) {
        ref->by = LDR_PE_BY_ORDINAL;
        ref->ordinal = (uint16_t)thunk;
    } else {
        ref->by = LDR_PE_BY_NAME;
        NTSTATUS status = hint_name(it, thunk, ref);
        if (status != STATUS_SUCCESS)
            return status;
    }
    it->index++;
    return STATUS_SUCCESS;
}
