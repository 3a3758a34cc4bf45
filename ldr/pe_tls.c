/* ldr/pe_tls.c: the TLS directory of a laid-out PE32 image (ldr/pe.h). Its fields are VAs, so they
 * are judged against the address the image runs at (view->load_base), after relocation. */
#include "ldr/pep.h"

/* The RVA of [va, va + length) when that lies inside the image at load_base. */
static bool va_to_rva(const struct ldr_pe_view *view, uint32_t va, uint32_t length, uint32_t *rva)
{
    if (va < view->load_base || !ldrp_in_range(va - view->load_base, length, view->size))
        return false;
    *rva = va - view->load_base;
    return true;
}

/* Counts the callbacks before the NULL, each a VA inside the image. */
static NTSTATUS count_callbacks(const struct ldr_pe_view *view, struct ldr_pe_tls *tls,
                                const char **why)
{
    uint32_t rva, unused;
    if (tls->callbacks_va == 0)
        return STATUS_SUCCESS;
    if (!va_to_rva(view, tls->callbacks_va, 4, &rva))
        return ldrp_invalid(why, "the TLS callback array is outside the image");
    for (uint64_t slot = rva;; slot += 4) {
        if (slot + 4 > view->size)
            return ldrp_invalid(why, "the TLS callback array is not terminated in the image");
        uint32_t callback = ldrp_load32(view->base + slot);
        if (callback == 0) {
            tls->callback_count = (uint32_t)(slot - rva) / 4;
            return STATUS_SUCCESS;
        }
        if (!va_to_rva(view, callback, 1, &unused))
            return ldrp_invalid(why, "a TLS callback is outside the image");
    }
}

static NTSTATUS check_tls(const struct ldr_pe_view *view, struct ldr_pe_tls *tls, const char **why)
{
    uint32_t rva;
    if (tls->raw_start > tls->raw_end)
        return ldrp_invalid(why, "the TLS template ends before it starts");
    if ((tls->raw_start || tls->raw_end) &&
        !va_to_rva(view, tls->raw_start, tls->raw_end - tls->raw_start, &rva))
        return ldrp_invalid(why, "the TLS template is outside the image");
    if (!va_to_rva(view, tls->index_va, 4, &rva))
        return ldrp_invalid(why, "the TLS index slot is outside the image");
    if ((uint64_t)(tls->raw_end - tls->raw_start) + tls->zero_fill > LDR_PE_MAX_IMAGE_SIZE)
        return ldrp_invalid(why, "the TLS template and zero fill are larger than any image");
    return count_callbacks(view, tls, why);
}

NTSTATUS ldr_pe_tls_read(const struct ldr_pe_view *view, struct ldr_pe_tls *tls, const char **why)
{
    const struct ldr_pe_dir_entry dir = view->image->dirs[LDR_PE_DIR_TLS];
    ldrp_zero(tls, sizeof *tls);
    if (dir.rva == 0)
        return STATUS_SUCCESS;
    /* NT reads the structure whatever the directory's size says. */
    const void *at = ldr_pe_rva(view, dir.rva, sizeof(struct ldrp_tls_directory));
    if (!at)
        return ldrp_invalid(why, "the TLS directory is outside the image");
    struct ldrp_tls_directory d;
    ldrp_copy(&d, at, sizeof d);
    tls->raw_start = d.start_address_of_raw_data;
    tls->raw_end = d.end_address_of_raw_data;
    tls->index_va = d.address_of_index;
    tls->callbacks_va = d.address_of_callbacks;
    tls->zero_fill = d.size_of_zero_fill;
    tls->characteristics = d.characteristics;
    NTSTATUS status = check_tls(view, tls, why);
    tls->present = status == STATUS_SUCCESS;
    return status;
}

NTSTATUS ldr_pe_tls_callback(const struct ldr_pe_view *view, const struct ldr_pe_tls *tls,
                             uint32_t i, uint32_t *va)
{
    uint32_t rva, unused;
    LDRP_ASSERT(tls->present && i < tls->callback_count);
    if (!va_to_rva(view, tls->callbacks_va, 4, &rva) || rva + (uint64_t)i * 4 + 4 > view->size)
        return STATUS_INVALID_IMAGE_FORMAT;
    uint32_t callback = ldrp_load32(view->base + rva + i * 4);
    if (callback == 0 || !va_to_rva(view, callback, 1, &unused))
        return STATUS_INVALID_IMAGE_FORMAT;
    *va = callback;
    return STATUS_SUCCESS;
}
