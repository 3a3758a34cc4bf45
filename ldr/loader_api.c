/* ldr/loader_api.c: what ntdll's Ldr* exports do, below the loader lock: load, look up, unload a
 * DLL, and bind a delay-load import at its first call. A failed load leaves nothing behind. */
#include "kernel/rtl/string.h"
#include "ldr/loaderp.h"

static struct ldrp_load begin_load(const WCHAR *search, uint32_t search_chars)
{
    LDRP_CHECK(ldr_sys_lock_held());
    return (struct ldrp_load){
        .search = search, .search_chars = search_chars, .id = ++ldrp.last_load_id};
}

NTSTATUS ldr_load_dll(const WCHAR *search, uint32_t search_chars, const WCHAR *name, uint32_t chars,
                      void **base)
{
    struct ldrp_load load = begin_load(search, search_chars);
    struct ldr_module *m = NULL;
    NTSTATUS status = ldrp_get_dll(&load, name, chars, NULL, &m);
    if (NT_SUCCESS(status)) {
        m->refs++; /* first: a DllMain's unload meanwhile must not take it */
        status = ldrp_finish_load(&load, m, NULL);
        if (!NT_SUCCESS(status))
            m->refs--;
    }
    if (!NT_SUCCESS(status))
        ldrp_abandon_load(&load);
    else
        *base = m->entry.DllBase;
    ldrp_update_load_counts();
    return status;
}

NTSTATUS ldr_get_dll_handle(const WCHAR *name, uint32_t chars, void **base)
{
    LDRP_CHECK(ldr_sys_lock_held());
    WCHAR normal[LDRP_NAME_CHARS];
    uint32_t n;
    NTSTATUS status = ldrp_normalize_name(name, chars, normal, &n);
    if (!NT_SUCCESS(status))
        return status;
    struct ldr_module *m = ldrp_find_by_name(normal, n, ldrp_has_path(normal, n));
    if (!m)
        return STATUS_DLL_NOT_FOUND;
    *base = m->entry.DllBase;
    return STATUS_SUCCESS;
}

/* Looks want up in m for holder (the module that holds what forwarders load), finishing the load
 * forwarders started; undoes it on failure. */
static NTSTATUS resolve_and_finish(struct ldr_module *holder, struct ldr_module *m,
                                   const struct ldrp_symbol *want, void **address)
{
    struct ldrp_load load = begin_load(NULL, 0);
    NTSTATUS status = ldrp_resolve(&load, holder, m, want, address);
    if (NT_SUCCESS(status) && load.queue_head)
        status = ldrp_finish_load(&load, holder, NULL);
    if (!NT_SUCCESS(status) && load.queue_head)
        ldrp_abandon_load(&load);
    ldrp_update_load_counts();
    return status;
}

NTSTATUS ldr_get_procedure_address(void *base, const char *name, uint32_t name_length,
                                   uint32_t ordinal, void **address)
{
    struct ldr_module *m = ldrp_find_by_base(base);
    char copy[LDR_PE_MAX_NAME + 1];
    if (!m)
        return STATUS_DLL_NOT_FOUND;
    struct ldrp_symbol want = {.by = LDR_PE_BY_ORDINAL, .ordinal = ordinal};
    if (name) {
        if (name_length > LDR_PE_MAX_NAME)
            return STATUS_ENTRYPOINT_NOT_FOUND; /* no export has such a name */
        memcpy(copy, name, name_length);
        copy[name_length] = 0;
        want = (struct ldrp_symbol){.by = LDR_PE_BY_NAME, .name = copy};
    }
    return resolve_and_finish(m, m, &want, address);
}

NTSTATUS ldr_unload_dll(void *base)
{
    LDRP_CHECK(ldr_sys_lock_held());
    struct ldr_module *m = ldrp_find_by_base(base);
    if (!m)
        return STATUS_DLL_NOT_FOUND;
    if (m->pinned || !m->refs)
        return STATUS_SUCCESS;
    if (--m->refs == 0)
        ldrp_sweep();
    ldrp_update_load_counts();
    return STATUS_SUCCESS;
}

NTSTATUS ldr_disable_thread_calls(void *base)
{
    struct ldr_module *m = ldrp_find_by_base(base);
    if (!m || m->tls.present)
        return STATUS_DLL_NOT_FOUND;
    m->entry.Flags |= LDRP_DONT_CALL_FOR_THREADS;
    return STATUS_SUCCESS;
}

/* ---- delay-load imports ---- */

/* IMAGE_DELAYLOAD_DESCRIPTOR, the v2 (RVA-based) form. */
struct delay_descriptor {
    uint32_t attributes, dll_name_rva, module_handle_rva, iat_rva, int_rva, bound_iat_rva,
        unload_iat_rva, time_date_stamp;
};

/* The parent's delay-import descriptor at descriptor_rva, checked as the import walker checks
 * one. It is not looked up in the delay-import directory: GNU ld does not fill that in, and NT's
 * LdrResolveDelayLoadedAPI takes the caller's descriptor as it is. Read once, into a copy. */
static NTSTATUS read_delay_descriptor(struct ldr_module *parent, uint32_t descriptor_rva,
                                      struct ldr_pe_import_dll *dll)
{
    const struct delay_descriptor *in = ldr_pe_rva(&parent->view, descriptor_rva, sizeof *in);
    if (!in)
        return STATUS_INVALID_PARAMETER;
    struct delay_descriptor d;
    memcpy(&d, in, sizeof d);
    uint32_t length;
    if (!(d.attributes & 1) ||
        !NT_SUCCESS(
            ldr_pe_string(&parent->view, d.dll_name_rva, LDR_PE_MAX_NAME, &dll->name, &length)) ||
        !length || !ldr_pe_rva(&parent->view, d.iat_rva, 4) ||
        !ldr_pe_rva(&parent->view, d.int_rva, 4))
        return STATUS_INVALID_IMAGE_FORMAT;
    *dll = (struct ldr_pe_import_dll){.name = dll->name,
                                      .name_rva = d.dll_name_rva,
                                      .lookup_rva = d.int_rva,
                                      .iat_rva = d.iat_rva,
                                      .time_date_stamp = d.time_date_stamp,
                                      .attributes = d.attributes,
                                      .module_handle_rva = d.module_handle_rva,
                                      .bound_iat_rva = d.bound_iat_rva,
                                      .unload_iat_rva = d.unload_iat_rva};
    return STATUS_SUCCESS;
}

/* The import whose IAT slot is at slot_rva. */
static NTSTATUS find_delay_ref(struct ldr_module *parent, const struct ldr_pe_import_dll *dll,
                               uint32_t slot_rva, struct ldr_pe_import_ref *ref)
{
    struct ldr_pe_thunk_iter it;
    NTSTATUS status;
    ldr_pe_thunks_begin(&it, &parent->view, dll);
    while ((status = ldr_pe_thunks_next(&it, ref)) == STATUS_SUCCESS)
        if (ref->iat_rva == slot_rva)
            return STATUS_SUCCESS;
    return status == STATUS_NO_MORE_ENTRIES ? STATUS_INVALID_PARAMETER : status;
}

static NTSTATUS write_word(struct ldr_module *m, uint32_t rva, uint32_t value)
{
    struct ldrp_unprotect u = {.module = m};
    uint32_t *word = ldr_pe_rva(&m->view, rva, sizeof *word);
    NTSTATUS status = word ? ldrp_make_writable(&u, rva) : STATUS_INVALID_IMAGE_FORMAT;
    if (NT_SUCCESS(status))
        *word = value;
    ldrp_restore_protection(&u);
    return status;
}

/* The delay-loaded DLL: the one whose handle the descriptor's slot holds, else loaded now (as
 * LoadLibrary would: a reference, the default search order) and its handle stored there. */
static NTSTATUS delay_dll(struct ldr_module *parent, const struct ldr_pe_import_dll *dll,
                          struct ldr_module **out)
{
    const uint32_t *handle = ldr_pe_rva(&parent->view, dll->module_handle_rva, sizeof *handle);
    if (handle && *handle && (*out = ldrp_find_by_base((void *)(uintptr_t)*handle)))
        return STATUS_SUCCESS;
    WCHAR name[LDRP_NAME_CHARS];
    uint32_t length = (uint32_t)strlen(dll->name);
    if (length > LDR_MAX_PATH)
        return STATUS_NAME_TOO_LONG;
    uint32_t chars = ldrp_widen(dll->name, length, name, LDRP_NAME_CHARS);
    void *base;
    NTSTATUS status = ldr_load_dll(NULL, 0, name, chars, &base);
    if (NT_SUCCESS(status) && handle)
        status = write_word(parent, dll->module_handle_rva, (uint32_t)(uintptr_t)base);
    if (NT_SUCCESS(status))
        *out = ldrp_find_by_base(base);
    if (!NT_SUCCESS(status) && ldrp.failure.status == status && !ldrp.failure.importer[0])
        ldrp_narrow(parent->entry.BaseDllName.Buffer, parent->entry.BaseDllName.Length / 2,
                    ldrp.failure.importer, sizeof ldrp.failure.importer);
    return status;
}

NTSTATUS ldr_resolve_delay_import(void *parent_base, const void *descriptor, void **slot,
                                  void **address)
{
    struct ldr_module *parent = ldrp_find_by_base(parent_base), *dll_module;
    struct ldr_pe_import_dll dll;
    struct ldr_pe_import_ref ref;
    if (!parent) {
        ldrp_fail(STATUS_INVALID_PARAMETER, NULL, "?", "not a module's delay-import descriptor");
        return STATUS_INVALID_PARAMETER;
    }
    uint32_t descriptor_rva = (uint32_t)((uintptr_t)descriptor - (uintptr_t)parent_base);
    uint32_t slot_rva = (uint32_t)((uintptr_t)slot - (uintptr_t)parent_base);
    NTSTATUS status = read_delay_descriptor(parent, descriptor_rva, &dll);
    if (NT_SUCCESS(status))
        status = find_delay_ref(parent, &dll, slot_rva, &ref);
    if (status == STATUS_INVALID_PARAMETER || status == STATUS_INVALID_IMAGE_FORMAT)
        ldrp_fail_wide(status, NULL, parent->entry.BaseDllName.Buffer,
                       parent->entry.BaseDllName.Length / 2,
                       "a delay-import descriptor or IAT slot is not the module's");
    if (NT_SUCCESS(status))
        status = delay_dll(parent, &dll, &dll_module);
    if (NT_SUCCESS(status)) {
        struct ldrp_symbol want = {ref.by, ref.name, ref.hint, ref.ordinal};
        status = resolve_and_finish(dll_module, dll_module, &want, address);
        if (!NT_SUCCESS(status) && status == ldrp.failure.status)
            ldrp_narrow(parent->entry.BaseDllName.Buffer, parent->entry.BaseDllName.Length / 2,
                        ldrp.failure.importer, sizeof ldrp.failure.importer);
    }
    if (NT_SUCCESS(status))
        status = write_word(parent, slot_rva, (uint32_t)(uintptr_t)*address);
    return status;
}
