/* ldr/loader_bind.c: binding: a module's imports looked up in the exports of the DLLs they name
 * (the hint first, then a binary search of the names, or by ordinal), forwarders followed from DLL
 * to DLL (a cycle is an error, not a hang), and the IAT written; bound imports are bound again. */
#include "kernel/rtl/string.h"
#include "ldr/loaderp.h"

static NTSTATUS open_exports(struct ldr_module *m, const char **why)
{
    if (m->exports_status == STATUS_PENDING)
        m->exports_status = ldr_pe_exports_open(&m->exports, &m->view, why);
    return m->exports_status;
}

static void describe(const struct ldrp_symbol *s, char *buf, size_t size)
{
    if (s->by == LDR_PE_BY_NAME) {
        size_t n = 0;
        for (; s->name[n] && n + 1 < size; n++)
            buf[n] = s->name[n];
        buf[n] = 0;
        return;
    }
    char digits[12];
    uint32_t v = s->ordinal, n = 0, i = 0;
    do
        digits[n++] = (char)('0' + v % 10);
    while ((v /= 10) && n < sizeof digits);
    buf[i++] = '#';
    while (n && i + 1 < size)
        buf[i++] = digits[--n];
    buf[i] = 0;
}

static void fail_symbol(NTSTATUS status, const struct ldr_module *m,
                        const struct ldr_module *holder, const struct ldrp_symbol *s,
                        const char *why)
{
    char what[sizeof ldrp.failure.detail];
    if (why)
        for (uint32_t i = 0; (what[i] = why[i]) && i + 1 < sizeof what; i++)
            what[i + 1] = 0;
    else
        describe(s, what, sizeof what);
    ldrp_fail_wide(status, holder == m ? NULL : holder, m->entry.BaseDllName.Buffer,
                   m->entry.BaseDllName.Length / 2, what);
}

static NTSTATUS lookup(struct ldr_module *m, const struct ldrp_symbol *want,
                       struct ldr_pe_export *export, const char **why)
{
    NTSTATUS status = open_exports(m, why);
    if (!NT_SUCCESS(status))
        return status;
    *why = "an export's name, RVA or forwarder is malformed";
    return want->by == LDR_PE_BY_NAME
               ? ldr_pe_export_by_name(&m->exports, want->name, want->hint, export)
               : ldr_pe_export_by_ordinal(&m->exports, want->ordinal, export);
}

/* A forwarder's next hop, unless it was seen on this chain already (a cycle). */
static bool seen(const struct ldr_module *const *modules, const struct ldrp_symbol *symbols,
                 uint32_t count, const struct ldr_module *m, const struct ldrp_symbol *s)
{
    for (uint32_t i = 0; i < count; i++) {
        if (modules[i] != m || symbols[i].by != s->by)
            continue;
        if (s->by == LDR_PE_BY_ORDINAL ? symbols[i].ordinal == s->ordinal
                                       : !strcmp(symbols[i].name, s->name))
            return true;
    }
    return false;
}

/* The forwarder's DLL ("NAME" of "NAME.Export"; ".dll" is added as for any name). */
static NTSTATUS forwarder_dll(struct ldrp_load *load, const struct ldr_module *holder,
                              const struct ldr_pe_forwarder *f, struct ldr_module **out)
{
    WCHAR name[LDRP_NAME_CHARS];
    if (f->dll_length > LDR_MAX_PATH)
        return STATUS_NAME_TOO_LONG;
    uint32_t chars = ldrp_widen(f->dll, f->dll_length, name, LDRP_NAME_CHARS);
    return ldrp_get_dll(load, name, chars, holder, out);
}

/* Finds an export of m, following forwarders: each forwarder's DLL is loaded if it is not (into
 * the load, which binds its imports later) and becomes a dependency of holder, the module the
 * binding is for. A chain that comes back to a hop it made, or runs past LDRP_MAX_FORWARDS hops,
 * is STATUS_INVALID_IMAGE_FORMAT (NT would recurse until its stack ran out). */
NTSTATUS ldrp_resolve(struct ldrp_load *load, struct ldr_module *holder, struct ldr_module *m,
                      const struct ldrp_symbol *want, void **address)
{
    const struct ldr_module *modules[LDRP_MAX_FORWARDS];
    struct ldrp_symbol symbols[LDRP_MAX_FORWARDS], s = *want;
    for (uint32_t hops = 0;; hops++) {
        struct ldr_pe_export export;
        const char *why = NULL;
        NTSTATUS status = lookup(m, &s, &export, &why);
        if (!NT_SUCCESS(status)) {
            fail_symbol(status, m, holder, &s, status == STATUS_INVALID_IMAGE_FORMAT ? why : NULL);
            return status;
        }
        if (export.kind == LDR_PE_EXPORT_RVA) {
            *address = (uint8_t *)m->entry.DllBase + export.rva;
            return STATUS_SUCCESS;
        }
        if (hops == LDRP_MAX_FORWARDS || seen(modules, symbols, hops, m, &s)) {
            fail_symbol(STATUS_INVALID_IMAGE_FORMAT, m, holder, &s,
                        hops == LDRP_MAX_FORWARDS ? "forwarder chain too long" : "forwarder cycle");
            return STATUS_INVALID_IMAGE_FORMAT;
        }
        modules[hops] = m;
        symbols[hops] = s;
        struct ldr_module *next;
        status = forwarder_dll(load, holder, &export.forwarder, &next);
        if (NT_SUCCESS(status) && next != holder)
            status = ldrp_add_dep(holder, next);
        if (!NT_SUCCESS(status))
            return status;
        s = (struct ldrp_symbol){.by = export.forwarder.by,
                                 .name = export.forwarder.name,
                                 .ordinal = export.forwarder.ordinal};
        m = next;
    }
}

/* ---- a module's imports ---- */

static NTSTATUS write_slot(struct ldrp_unprotect *u, uint32_t rva, void *value)
{
    NTSTATUS status = ldrp_make_writable(u, rva);
    uint32_t *slot = ldr_pe_rva(&u->module->view, rva, sizeof *slot);
    if (NT_SUCCESS(status) && !slot)
        status = STATUS_INVALID_IMAGE_FORMAT;
    if (NT_SUCCESS(status))
        *slot = (uint32_t)(uintptr_t)value;
    return status;
}

static NTSTATUS fail_image(NTSTATUS status, const struct ldr_module *m, const char *why)
{
    if (status == STATUS_INVALID_IMAGE_FORMAT)
        ldrp_fail_wide(status, NULL, m->entry.BaseDllName.Buffer, m->entry.BaseDllName.Length / 2,
                       why ? why : "an import descriptor is malformed");
    return status;
}

/* Binds every function m imports from dep, rewriting the whole IAT of that DLL (a bound IAT's old
 * addresses are not trusted: the names are read from the lookup table). */
static NTSTATUS snap_thunks(struct ldrp_load *load, struct ldrp_unprotect *u,
                            const struct ldr_pe_import_dll *dll, struct ldr_module *dep)
{
    struct ldr_module *m = u->module;
    struct ldr_pe_thunk_iter it;
    struct ldr_pe_import_ref ref;
    NTSTATUS status;
    ldr_pe_thunks_begin(&it, &m->view, dll);
    while ((status = ldr_pe_thunks_next(&it, &ref)) == STATUS_SUCCESS) {
        struct ldrp_symbol want = {ref.by, ref.name, ref.hint, ref.ordinal};
        void *address;
        status = ldrp_resolve(load, m, dep, &want, &address);
        if (NT_SUCCESS(status))
            status = write_slot(u, ref.iat_rva, address);
        if (!NT_SUCCESS(status))
            return status;
    }
    return status == STATUS_NO_MORE_ENTRIES ? STATUS_SUCCESS : fail_image(status, m, it.why);
}

static NTSTATUS snap_dll(struct ldrp_load *load, struct ldrp_unprotect *u,
                         const struct ldr_pe_import_dll *dll)
{
    WCHAR name[LDRP_NAME_CHARS];
    struct ldr_module *dep;
    uint32_t length = (uint32_t)strlen(dll->name); /* at most LDR_PE_MAX_NAME: the walker checked */
    if (length > LDR_MAX_PATH) {
        ldrp_fail(STATUS_NAME_TOO_LONG, u->module, dll->name, NULL);
        return STATUS_NAME_TOO_LONG;
    }
    uint32_t chars = ldrp_widen(dll->name, length, name, LDRP_NAME_CHARS);
    NTSTATUS status = ldrp_get_dll(load, name, chars, u->module, &dep);
    if (NT_SUCCESS(status) && dep != u->module)
        status = ldrp_add_dep(u->module, dep);
    if (NT_SUCCESS(status))
        status = snap_thunks(load, u, dll, dep);
    return status;
}

/* Loads (into the load) every DLL m imports and binds its IAT. Delay imports wait for their first
 * call (ldr_resolve_delay_import); the bound-import directory is ignored. */
NTSTATUS ldrp_snap_module(struct ldrp_load *load, struct ldr_module *m)
{
    struct ldrp_unprotect u = {.module = m};
    struct ldr_pe_import_iter it;
    struct ldr_pe_import_dll dll;
    NTSTATUS status;
    ldr_pe_imports_begin(&it, &m->view, LDR_PE_IMPORTS);
    while ((status = ldr_pe_imports_next(&it, &dll)) == STATUS_SUCCESS)
        if (!NT_SUCCESS(status = snap_dll(load, &u, &dll)))
            break;
    ldrp_restore_protection(&u);
    if (status == STATUS_INVALID_IMAGE_FORMAT && it.why)
        return fail_image(status, m, it.why);
    if (status != STATUS_NO_MORE_ENTRIES)
        return status;
    m->state = LDRP_SNAPPED;
    m->entry.Flags &= ~LDRP_LOAD_IN_PROGRESS;
    return STATUS_SUCCESS;
}
