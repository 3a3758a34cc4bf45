/* ldr/loader_init.c: running modules' code: a load's end (bind what it mapped, TLS, then TLS
 * callbacks and DllMain(PROCESS_ATTACH) in dependency order), the process's start and end, and a
 * thread's THREAD_ATTACH/DETACH. What a DllMain does to the module lists meanwhile (load, unload)
 * is allowed: the walks here work on snapshots and check each module is still there. */
#include "ldr/loaderp.h"

static bool call_entry(struct ldr_module *m, uint32_t reason, void *reserved)
{
    if (!(m->entry.Flags & LDRP_IMAGE_DLL) || !m->entry.EntryPoint)
        return true;
    void *previous = ldrp.data.EntryInProgress;
    ldrp.data.EntryInProgress = m;
    int ok = ldr_sys_call_entry(m->entry.EntryPoint, m->entry.DllBase, reason, reserved);
    ldrp.data.EntryInProgress = previous;
    return ok != 0;
}

/* ---- the order: dependencies first ---- */

struct frame {
    struct ldr_module *module;
    uint32_t next_dep;
};

/* The modules reachable from root (itself included) in post order: a module after what it imports;
 * in a cycle, the one reached last first. Iterative: the graph may be deep. *order (ldr_sys_free
 * it) holds *count modules; with only_snapped, only those waiting for their initialization. */
static NTSTATUS post_order(struct ldr_module *root, bool only_snapped, struct ldr_module ***order,
                           uint32_t *count)
{
    uint32_t capacity = ldrp.module_count + 1, top = 0, n = 0;
    struct frame *stack = ldr_sys_alloc(capacity * sizeof *stack);
    *order = ldr_sys_alloc(capacity * sizeof **order);
    if (!stack || !*order) {
        ldr_sys_free(stack);
        ldr_sys_free(*order);
        return STATUS_NO_MEMORY;
    }
    uint32_t generation = ++ldrp.generation;
    root->mark = generation;
    stack[top++] = (struct frame){root, 0};
    while (top) {
        struct frame *f = &stack[top - 1];
        if (f->next_dep < f->module->dep_count) {
            struct ldr_module *dep = f->module->deps[f->next_dep++];
            if (dep->mark != generation) {
                dep->mark = generation;
                stack[top++] = (struct frame){dep, 0};
            }
            continue;
        }
        if (!only_snapped || f->module->state == LDRP_SNAPPED)
            (*order)[n++] = f->module;
        top--;
    }
    ldr_sys_free(stack);
    *count = n;
    return STATUS_SUCCESS;
}

NTSTATUS ldrp_closure(struct ldr_module *root, struct ldr_module ***modules, uint32_t *count)
{
    return post_order(root, false, modules, count);
}

/* PROCESS_ATTACH for one module: on the initialization-order list first (NT's order), then its TLS
 * callbacks and DllMain. The exe has no DllMain: its entry is the first thread's start, and its
 * TLS callbacks run after every DLL's initialization (ldr_initialize_process). */
static NTSTATUS initialize_module(struct ldr_module *m, void *reserved)
{
    if (m->state != LDRP_SNAPPED)
        return STATUS_SUCCESS; /* a DllMain before it loaded it, and ran this already */
    m->state = LDRP_READY;
    m->entry.Flags |= LDRP_ENTRY_PROCESSED;
    if (m == ldrp.exe)
        return STATUS_SUCCESS;
    ldrp_list_insert_tail(&ldrp.data.InInitializationOrderModuleList,
                          &m->entry.InInitializationOrderLinks);
    ldrp_call_tls_callbacks(m, DLL_PROCESS_ATTACH, reserved);
    if (!call_entry(m, DLL_PROCESS_ATTACH, reserved)) {
        m->state = LDRP_FAILED;
        ldrp_fail_wide(STATUS_DLL_INIT_FAILED, NULL, m->entry.BaseDllName.Buffer,
                       m->entry.BaseDllName.Length / 2, NULL);
        return STATUS_DLL_INIT_FAILED;
    }
    m->entry.Flags |= LDRP_PROCESS_ATTACH_CALLED;
    return STATUS_SUCCESS;
}

static NTSTATUS initialize_graph(struct ldr_module *root, void *reserved)
{
    struct ldr_module **order;
    uint32_t count;
    NTSTATUS status = post_order(root, true, &order, &count);
    if (!NT_SUCCESS(status))
        return status;
    for (uint32_t i = 0; NT_SUCCESS(status) && i < count; i++)
        status = initialize_module(order[i], reserved);
    ldr_sys_free(order);
    return status;
}

/* The end of a load: binds the imports of every module it mapped (binding may map more, which
 * join the queue), sets up their TLS, then initializes what root reaches. reserved is DllMain's
 * third argument: NULL for LdrLoadDll, non-NULL for the process's static DLLs. */
NTSTATUS ldrp_finish_load(struct ldrp_load *load, struct ldr_module *root, void *reserved)
{
    NTSTATUS status = STATUS_SUCCESS;
    for (struct ldr_module *m = load->queue_head; NT_SUCCESS(status) && m; m = m->next_queued)
        status = ldrp_snap_module(load, m);
    for (struct ldr_module *m = load->queue_head; NT_SUCCESS(status) && m; m = m->next_queued)
        status = ldrp_setup_tls(m);
    if (NT_SUCCESS(status))
        status = initialize_graph(root, reserved);
    return status;
}

/* A load failed: everything it mapped goes (those it initialized get PROCESS_DETACH first), also
 * what a module loaded before now refers to (a forwarder's DLL). */
void ldrp_abandon_load(const struct ldrp_load *load)
{
    for (struct ldr_module *m = ldrp_first_module(); m; m = ldrp_next_module(m))
        if (m->load_id == load->id)
            m->doomed = true;
    ldrp_sweep();
}

void ldrp_detach_module(struct ldr_module *m, void *reserved)
{
    LDRP_CHECK(m != ldrp.exe);
    if (!(m->entry.Flags & LDRP_PROCESS_ATTACH_CALLED))
        return;
    m->entry.Flags &= ~LDRP_PROCESS_ATTACH_CALLED;
    ldrp_call_tls_callbacks(m, DLL_PROCESS_DETACH, reserved);
    call_entry(m, DLL_PROCESS_DETACH, reserved);
}

/* ---- walks over the initialization order that survive DllMain ---- */

/* The initialization-order list as it is now, in *modules (ldr_sys_free it). */
static uint32_t snapshot(struct ldr_module ***modules)
{
    LIST_ENTRY *head = &ldrp.data.InInitializationOrderModuleList;
    uint32_t n = 0;
    *modules = ldr_sys_alloc((ldrp.module_count + 1) * sizeof **modules);
    for (LIST_ENTRY *l = head->Flink; *modules && l != head; l = l->Flink)
        (*modules)[n++] =
            (struct ldr_module *)(void *)((uint8_t *)l - offsetof(LDR_DATA_TABLE_ENTRY,
                                                                  InInitializationOrderLinks));
    return n;
}

static bool still_loaded(const struct ldr_module *m)
{
    for (struct ldr_module *n = ldrp_first_module(); n; n = ldrp_next_module(n))
        if (n == m)
            return true;
    return false;
}

static bool wants_thread_calls(const struct ldr_module *m)
{
    return (m->entry.Flags & LDRP_PROCESS_ATTACH_CALLED) &&
           !(m->entry.Flags & LDRP_DONT_CALL_FOR_THREADS);
}

/* TLS callbacks, then DllMain, for each module of the initialization order (backwards when
 * `backwards`) that takes thread calls, then the exe's TLS callbacks. */
static void notify_threads(uint32_t reason, bool backwards)
{
    struct ldr_module **modules;
    uint32_t n = snapshot(&modules);
    for (uint32_t i = 0; i < n; i++) {
        struct ldr_module *m = modules[backwards ? n - 1 - i : i];
        if (still_loaded(m) && wants_thread_calls(m)) {
            ldrp_call_tls_callbacks(m, reason, NULL);
            call_entry(m, reason, NULL);
        }
    }
    ldr_sys_free(modules);
    if (ldrp.exe)
        ldrp_call_tls_callbacks(ldrp.exe, reason, NULL);
}

NTSTATUS ldr_initialize_thread(void)
{
    LDRP_CHECK(ldr_sys_lock_held() && ldrp.process_initialized);
    NTSTATUS status = ldrp_create_thread_tls();
    if (NT_SUCCESS(status))
        notify_threads(DLL_THREAD_ATTACH, false);
    return status;
}

void ldr_shutdown_thread(void)
{
    if (!ldrp.process_initialized || ldrp.shutting_down)
        return;
    notify_threads(DLL_THREAD_DETACH, true);
    ldrp_free_thread_tls();
}

void ldr_shutdown_process(void)
{
    if (!ldrp.process_initialized || ldrp.shutting_down)
        return;
    ldrp.shutting_down = true;
    struct ldr_module **modules;
    uint32_t n = snapshot(&modules);
    for (uint32_t i = n; i-- > 0;)
        if (still_loaded(modules[i]))
            ldrp_detach_module(modules[i], (void *)1); /* non-NULL: the process is ending */
    ldr_sys_free(modules);
    if (ldrp.exe)
        ldrp_call_tls_callbacks(ldrp.exe, DLL_PROCESS_DETACH, (void *)1);
}

/* ---- the process ---- */

/* SizeOfImage rounded to SectionAlignment, from the headers of an image the kernel mapped (it
 * checked them, so the NT headers lie in the mapped header pages), for ldr_pe_parse_mapped. */
static uint32_t mapped_size(const void *base)
{
    const uint8_t *b = base;
    uint32_t lfanew = *(const uint32_t *)(b + 0x3C);
    uint32_t alignment = *(const uint32_t *)(b + lfanew + 24 + 32);
    uint32_t size = *(const uint32_t *)(b + lfanew + 24 + 56);
    return alignment && !(alignment & (alignment - 1)) ? ALIGN_UP(size, alignment) : size;
}

/* ntdll's own record: mapped by the kernel, never initialized (it has nothing to run), first on
 * the initialization-order list, as in NT. */
static NTSTATUS add_ntdll(void *base, uint32_t load_id)
{
    static const char tail[] = "\\System32\\ntdll.dll";
    struct ldr_sys_search in;
    WCHAR path[LDRP_PATH_CHARS];
    ldr_sys_search_inputs(&in);
    uint32_t n = 0;
    for (; n < in.windows_chars && n < LDR_MAX_PATH; n++)
        path[n] = in.windows[n];
    n += ldrp_widen(tail, sizeof tail - 1, path + n, LDRP_PATH_CHARS - n);
    NTSTATUS status = ldrp_create_module(path, n, base, mapped_size(base), load_id, &ldrp.ntdll);
    if (!NT_SUCCESS(status))
        return status;
    struct ldr_module *m = ldrp.ntdll;
    m->pinned = true;
    m->state = LDRP_READY;
    m->entry.Flags = (m->entry.Flags & ~LDRP_LOAD_IN_PROGRESS) | LDRP_ENTRY_PROCESSED |
                     LDRP_PROCESS_ATTACH_CALLED | LDRP_DONT_CALL_FOR_THREADS;
    ldrp_list_insert_tail(&ldrp.data.InInitializationOrderModuleList,
                          &m->entry.InInitializationOrderLinks);
    return STATUS_SUCCESS;
}

/* The exe's record, named by the process parameters' ImagePathName, queued for its imports. */
static NTSTATUS add_exe(PAGODA_PEB *peb, struct ldrp_load *load)
{
    const PAGODA_PROCESS_PARAMETERS *pp = peb->ProcessParameters;
    const UNICODE_STRING *name = &pp->ImagePathName;
    uint32_t chars = MIN(name->Length / 2u, (uint32_t)LDR_MAX_PATH);
    void *base = peb->ImageBaseAddress;
    const char *why = NULL;
    NTSTATUS status =
        ldrp_create_module(name->Buffer, chars, base, mapped_size(base), load->id, &ldrp.exe);
    if (!NT_SUCCESS(status))
        return status;
    struct ldr_module *m = ldrp.exe;
    m->pinned = true;
    LDRP_CHECK(!(m->entry.Flags & LDRP_IMAGE_NOT_AT_BASE)); /* the kernel maps an exe at its base */
    ldrp_enqueue(load, m);
    status = ldr_pe_tls_read(&m->view, &m->tls, &why);
    if (!NT_SUCCESS(status))
        ldrp_fail_wide(status, NULL, m->entry.BaseDllName.Buffer, m->entry.BaseDllName.Length / 2,
                       why);
    return status;
}

/* The exe's imports, theirs and so on stay for the life of the process (NT's static DLLs, LoadCount
 * 0xFFFF); a DLL a DllMain loaded meanwhile keeps its references. */
static NTSTATUS pin_static_modules(void)
{
    struct ldr_module **order;
    uint32_t count;
    NTSTATUS status = ldrp_closure(ldrp.exe, &order, &count);
    if (!NT_SUCCESS(status))
        return status;
    for (uint32_t i = 0; i < count; i++) {
        order[i]->pinned = true;
        order[i]->entry.Flags |= LDRP_STATIC_LINK;
    }
    ldr_sys_free(order);
    ldrp_update_load_counts();
    return STATUS_SUCCESS;
}

NTSTATUS ldr_initialize_process(PAGODA_PEB *peb, void *ntdll_base, void *reserved)
{
    LDRP_CHECK(ldr_sys_lock_held() && !ldrp.exe);
    ldrp.data.Length = sizeof ldrp.data;
    ldrp_list_init(&ldrp.data.InLoadOrderModuleList);
    ldrp_list_init(&ldrp.data.InMemoryOrderModuleList);
    ldrp_list_init(&ldrp.data.InInitializationOrderModuleList);
    ldrp_list_init(&ldrp.threads);
    peb->Ldr = &ldrp.data;
    struct ldrp_load load = {.id = ++ldrp.last_load_id};
    NTSTATUS status = ldrp_create_thread_tls();
    if (NT_SUCCESS(status))
        status = add_exe(peb, &load); /* NT's load order: the exe, ntdll, then the DLLs */
    if (NT_SUCCESS(status))
        status = add_ntdll(ntdll_base, load.id);
    if (NT_SUCCESS(status))
        status = ldrp_finish_load(&load, ldrp.exe, reserved);
    if (NT_SUCCESS(status))
        status = pin_static_modules();
    if (!NT_SUCCESS(status))
        return status;
    ldrp.process_initialized = true;
    ldrp.data.Initialized = 1;
    ldrp_call_tls_callbacks(ldrp.exe, DLL_PROCESS_ATTACH, reserved);
    return STATUS_SUCCESS;
}
