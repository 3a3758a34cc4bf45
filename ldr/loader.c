/* ldr/loader.c: the module records and the graph between them: NT's three lists in the PEB, lookup
 * by base and by name, the edges (imports and forwarders), and the sweep that unloads what no
 * root reaches any more (so cycles unload too). */
#include "kernel/rtl/format.h"
#include "ldr/loaderp.h"

struct ldrp_loader ldrp;

#define INIT_LINK_OFFSET offsetof(LDR_DATA_TABLE_ENTRY, InInitializationOrderLinks)

void ldrp_list_init(LIST_ENTRY *head) { head->Flink = head->Blink = head; }

void ldrp_list_insert_tail(LIST_ENTRY *head, LIST_ENTRY *entry)
{
    entry->Flink = head;
    entry->Blink = head->Blink;
    head->Blink->Flink = entry;
    head->Blink = entry;
}

/* Removes an entry that is on a list; one that is not (its links NULL) is left alone. */
void ldrp_list_remove(LIST_ENTRY *entry)
{
    if (!entry->Flink)
        return;
    entry->Blink->Flink = entry->Flink;
    entry->Flink->Blink = entry->Blink;
    entry->Flink = entry->Blink = NULL;
}

static struct ldr_module *module_at(LIST_ENTRY *link)
{
    return link == &ldrp.data.InLoadOrderModuleList ? NULL : LDRP_CONTAINING(link);
}

struct ldr_module *ldrp_first_module(void)
{
    return module_at(ldrp.data.InLoadOrderModuleList.Flink);
}

struct ldr_module *ldrp_next_module(const struct ldr_module *m)
{
    return module_at(m->entry.InLoadOrderLinks.Flink);
}

static void set_names(struct ldr_module *m, uint32_t chars)
{
    uint32_t base = ldrp_base_name_offset(m->path, chars);
    m->entry.FullDllName =
        (UNICODE_STRING){(uint16_t)(chars * 2), (uint16_t)(chars * 2 + 2), m->path};
    m->entry.BaseDllName = (UNICODE_STRING){(uint16_t)((chars - base) * 2),
                                            (uint16_t)((chars - base) * 2 + 2), m->path + base};
}

static void fill_entry(struct ldr_module *m, void *base)
{
    const struct ldr_pe_image *pe = m->pe;
    m->entry.DllBase = base;
    m->entry.SizeOfImage = pe->size_of_image;
    m->entry.EntryPoint = pe->entry_point ? (uint8_t *)base + pe->entry_point : NULL;
    m->entry.Flags = LDRP_LOAD_IN_PROGRESS;
    if (pe->characteristics & LDR_PE_FILE_DLL)
        m->entry.Flags |= LDRP_IMAGE_DLL;
    if ((uintptr_t)base != pe->image_base)
        m->entry.Flags |= LDRP_IMAGE_NOT_AT_BASE;
    m->entry.TimeDateStamp = pe->time_date_stamp;
    ldrp_list_init(&m->entry.HashLinks);
}

static void free_module(struct ldr_module *m)
{
    ldr_sys_free(m->deps);
    ldr_sys_free(m->pe);
    ldr_sys_free(m);
}

/* A record for the image mapped at base (size bytes), named path: its headers are checked again
 * as ntdll sees them (STATUS_INVALID_IMAGE_FORMAT), and it goes last on the load and memory lists
 * (NT keeps both in load order). */
NTSTATUS ldrp_create_module(const WCHAR *path, uint32_t chars, void *base, uint32_t size,
                            uint32_t load_id, struct ldr_module **out)
{
    struct ldr_module *m = ldr_sys_alloc(sizeof *m + (chars + 1) * sizeof(WCHAR));
    const char *why = NULL;
    NTSTATUS status = STATUS_NO_MEMORY;
    if (!m || !(m->pe = ldr_sys_alloc(sizeof *m->pe)))
        goto out;
    status = ldr_pe_parse_mapped(base, size, m->pe, &why);
    if (!NT_SUCCESS(status))
        goto out;
    for (uint32_t i = 0; i < chars; i++)
        m->path[i] = path[i];
    set_names(m, chars);
    fill_entry(m, base);
    ldr_pe_view_init(&m->view, m->pe, base, (uint32_t)(uintptr_t)base);
    m->exports_status = STATUS_PENDING;
    m->tls_slot = LDRP_NO_TLS_SLOT;
    m->load_id = load_id;
    ldrp_list_insert_tail(&ldrp.data.InLoadOrderModuleList, &m->entry.InLoadOrderLinks);
    ldrp_list_insert_tail(&ldrp.data.InMemoryOrderModuleList, &m->entry.InMemoryOrderLinks);
    ldrp.module_count++;
    *out = m;
out:
    if (!NT_SUCCESS(status)) {
        ldrp_fail_wide(status, NULL, path + ldrp_base_name_offset(path, chars),
                       chars - ldrp_base_name_offset(path, chars), why);
        if (m)
            free_module(m);
    }
    return status;
}

struct ldr_module *ldrp_find_by_base(const void *base)
{
    for (struct ldr_module *m = ldrp_first_module(); m; m = ldrp_next_module(m))
        if (m->entry.DllBase == base)
            return m;
    return NULL;
}

/* By the base name, or by the full path when full_path (the name had a directory). */
struct ldr_module *ldrp_find_by_name(const WCHAR *name, uint32_t chars, bool full_path)
{
    for (struct ldr_module *m = ldrp_first_module(); m; m = ldrp_next_module(m)) {
        const UNICODE_STRING *s = full_path ? &m->entry.FullDllName : &m->entry.BaseDllName;
        if (m->state != LDRP_FAILED && ldrp_names_equal(s->Buffer, s->Length / 2, name, chars))
            return m;
    }
    return NULL;
}

NTSTATUS ldrp_add_dep(struct ldr_module *from, struct ldr_module *to)
{
    LDRP_CHECK(from && to && from != to);
    for (uint32_t i = 0; i < from->dep_count; i++)
        if (from->deps[i] == to)
            return STATUS_SUCCESS;
    if (from->dep_count == from->dep_capacity) {
        uint32_t capacity = from->dep_capacity ? 2 * from->dep_capacity : 4;
        struct ldr_module **deps = ldr_sys_alloc(capacity * sizeof *deps);
        if (!deps)
            return STATUS_NO_MEMORY;
        for (uint32_t i = 0; i < from->dep_count; i++)
            deps[i] = from->deps[i];
        ldr_sys_free(from->deps);
        from->deps = deps;
        from->dep_capacity = capacity;
    }
    from->deps[from->dep_count++] = to;
    return STATUS_SUCCESS;
}

/* ---- unloading: what no root reaches ---- */

/* Marks every module a root reaches (iteratively: the graph may be deep), doomed ones excepted. */
static NTSTATUS mark_reachable(void)
{
    struct ldr_module **stack = ldr_sys_alloc((ldrp.module_count + 1) * sizeof *stack);
    if (!stack)
        return STATUS_NO_MEMORY;
    uint32_t generation = ++ldrp.generation, top = 0;
    for (struct ldr_module *m = ldrp_first_module(); m; m = ldrp_next_module(m))
        if ((m->pinned || m->refs) && !m->doomed && m->mark != generation) {
            m->mark = generation;
            stack[top++] = m;
            while (top) {
                struct ldr_module *n = stack[--top];
                for (uint32_t i = 0; i < n->dep_count; i++)
                    if (n->deps[i]->mark != generation && !n->deps[i]->doomed) {
                        n->deps[i]->mark = generation;
                        stack[top++] = n->deps[i];
                    }
            }
        }
    ldr_sys_free(stack);
    return STATUS_SUCCESS;
}

static bool unreached(const struct ldr_module *m) { return m->mark != ldrp.generation; }

/* PROCESS_DETACH for the dying modules that were attached, the last initialized first (NT's order).
 * They are listed before the first DllMain runs: it may load, unload, and walk the graph. */
static NTSTATUS detach_dying(void)
{
    LIST_ENTRY *head = &ldrp.data.InInitializationOrderModuleList;
    struct ldr_module **dying = ldr_sys_alloc((ldrp.module_count + 1) * sizeof *dying);
    uint32_t n = 0;
    if (!dying)
        return STATUS_NO_MEMORY;
    for (LIST_ENTRY *link = head->Blink; link != head; link = link->Blink) {
        struct ldr_module *m = (struct ldr_module *)(void *)((uint8_t *)link - INIT_LINK_OFFSET);
        if (m->dying)
            dying[n++] = m;
    }
    for (uint32_t i = 0; i < n; i++)
        ldrp_detach_module(dying[i], NULL);
    ldr_sys_free(dying);
    return STATUS_SUCCESS;
}

static void drop_edges_to_dying(void)
{
    for (struct ldr_module *m = ldrp_first_module(); m; m = ldrp_next_module(m)) {
        uint32_t kept = 0;
        for (uint32_t i = 0; i < m->dep_count; i++)
            if (!m->deps[i]->dying)
                m->deps[kept++] = m->deps[i];
        m->dep_count = kept;
    }
}

static void remove_module(struct ldr_module *m)
{
    LDRP_CHECK(!m->pinned && ldrp.module_count > 0);
    ldrp_release_tls(m);
    ldrp_list_remove(&m->entry.InLoadOrderLinks);
    ldrp_list_remove(&m->entry.InMemoryOrderLinks);
    ldrp_list_remove(&m->entry.InInitializationOrderLinks);
    ldrp.module_count--;
    ldr_sys_unmap_image(m->entry.DllBase);
    free_module(m);
}

/* Marks the modules no root reaches as dying (when `revive`, only those still dying: a DllMain may
 * have loaded one back meanwhile). Returns how many are dying. */
static NTSTATUS mark_dying(bool revive, uint32_t *count)
{
    NTSTATUS status = mark_reachable();
    *count = 0;
    for (struct ldr_module *m = ldrp_first_module(); m; m = ldrp_next_module(m)) {
        m->dying = NT_SUCCESS(status) && unreached(m) && (!revive || m->dying);
        *count += m->dying;
    }
    return status;
}

/* One pass: the unreached modules are detached, then those still unreached removed. One that a
 * DllMain's unload left unreached meanwhile waits for the next pass, which detaches it first. A
 * pass that cannot allocate its lists unloads nothing (it may have detached some: they stay,
 * detached, as NT leaves a DLL whose unload failed). */
static void sweep_once(void)
{
    uint32_t dying;
    if (!NT_SUCCESS(mark_dying(false, &dying)) || !dying || !NT_SUCCESS(detach_dying()) ||
        !NT_SUCCESS(mark_dying(true, &dying)))
        return;
    drop_edges_to_dying();
    for (struct ldr_module *m = ldrp_first_module(), *next; m; m = next) {
        next = ldrp_next_module(m);
        if (m->dying)
            remove_module(m);
    }
}

/* Unloads every module no root reaches. A DllMain(PROCESS_DETACH) that unloads more during a sweep
 * only asks the running sweep to go round again. */
void ldrp_sweep(void)
{
    LDRP_CHECK(ldr_sys_lock_held());
    if (ldrp.sweeping) {
        ldrp.sweep_again = true;
        return;
    }
    ldrp.sweeping = 1;
    do {
        ldrp.sweep_again = false;
        sweep_once();
    } while (ldrp.sweep_again);
    ldrp.sweeping = 0;
    ldrp_update_load_counts();
}

/* LoadCount, for debuggers and programs that read it: 0xFFFF when pinned, else the LdrLoadDll
 * references plus the modules that import it (NT 5 counted both alike). */
void ldrp_update_load_counts(void)
{
    for (struct ldr_module *m = ldrp_first_module(); m; m = ldrp_next_module(m))
        m->entry.LoadCount = m->pinned ? LDR_LOAD_COUNT_PINNED : (uint16_t)MIN(m->refs, 0xFFFEu);
    for (struct ldr_module *m = ldrp_first_module(); m; m = ldrp_next_module(m))
        for (uint32_t i = 0; i < m->dep_count; i++)
            if (!m->deps[i]->pinned && m->deps[i]->entry.LoadCount < 0xFFFEu)
                m->deps[i]->entry.LoadCount++;
}

/* ---- what failed, for the message ---- */

static void copy_ascii(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    for (; src && src[n] && n + 1 < size; n++)
        dst[n] = src[n];
    dst[n] = 0;
}

void ldrp_fail(NTSTATUS status, const struct ldr_module *importer, const char *dll,
               const char *detail)
{
    struct ldr_failure *f = &ldrp.failure;
    f->status = status;
    copy_ascii(f->dll, sizeof f->dll, dll);
    copy_ascii(f->detail, sizeof f->detail, detail);
    f->importer[0] = 0;
    if (importer)
        ldrp_narrow(importer->entry.BaseDllName.Buffer, importer->entry.BaseDllName.Length / 2,
                    f->importer, sizeof f->importer);
}

void ldrp_fail_wide(NTSTATUS status, const struct ldr_module *importer, const WCHAR *dll,
                    uint32_t chars, const char *detail)
{
    char name[sizeof ldrp.failure.dll];
    ldrp_narrow(dll, chars, name, sizeof name);
    ldrp_fail(status, importer, name, detail);
}

const struct ldr_failure *ldr_last_failure(void) { return &ldrp.failure; }

static const char *reason_of(NTSTATUS status)
{
    switch (status) {
    case STATUS_DLL_NOT_FOUND: return "DLL not found";
    case STATUS_ENTRYPOINT_NOT_FOUND: return "entry point not found";
    case STATUS_ORDINAL_NOT_FOUND: return "ordinal not found";
    case STATUS_INVALID_IMAGE_FORMAT: return "invalid image format";
    case STATUS_DLL_INIT_FAILED: return "initialization failed (DllMain returned FALSE)";
    case STATUS_CONFLICTING_ADDRESSES: return "its base is taken and it cannot be relocated";
    case STATUS_NAME_TOO_LONG: return "name too long";
    default: return NULL;
    }
}

void ldr_format_failure(const struct ldr_failure *f, char *buf, size_t size)
{
    const char *reason = reason_of(f->status);
    char status_text[24];
    if (!reason) {
        rtl_snprintf(status_text, sizeof status_text, "status 0x%08x", (uint32_t)f->status);
        reason = status_text;
    }
    const char *separator = f->status == STATUS_INVALID_IMAGE_FORMAT ? ": " : " ";
    rtl_snprintf(buf, size, "ntdll: %s: %s%s%s%s%s%s\n", f->dll[0] ? f->dll : "?", reason,
                 f->detail[0] ? separator : "", f->detail, f->importer[0] ? " (imported by " : "",
                 f->importer, f->importer[0] ? ")" : "");
}
