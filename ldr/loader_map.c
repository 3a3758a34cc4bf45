/* ldr/loader_map.c: finding a DLL (loaded already, or along the search path), mapping it through
 * its image section, relocating it when it did not get its preferred base, and making pages of an
 * image writable for a while (the kernel turns the written pages into private copies). */
#include "kernel/ndk/ntmm.h"
#include "ldr/loaderp.h"

/* ---- writable for a while ---- */

static uint32_t region_of(const struct ldr_pe_image *pe, uint32_t rva, struct ldr_pe_region *r)
{
    uint32_t count = ldr_pe_region_count(pe);
    for (uint32_t i = 0; i < count; i++) {
        ldr_pe_region_get(pe, i, r);
        if (rva - r->rva < r->size)
            return i;
    }
    return count;
}

/* What the loader writes image pages with: the copy-on-write flavour of their protection, so a
 * write gives this process its own copy and never reaches the file or the other processes. */
static uint32_t writable_protection(uint32_t nt_protect)
{
    return nt_protect & (PAGE_EXECUTE | PAGE_EXECUTE_READ) ? PAGE_EXECUTE_WRITECOPY
                                                           : PAGE_WRITECOPY;
}

/* Makes the region holding rva writable until ldrp_restore_protection, unless it is already. */
NTSTATUS ldrp_make_writable(struct ldrp_unprotect *u, uint32_t rva)
{
    struct ldr_pe_region r;
    uint32_t i = region_of(u->module->pe, rva, &r);
    if (i >= LDRP_MAX_REGIONS || i >= ldr_pe_region_count(u->module->pe))
        return STATUS_INVALID_IMAGE_FORMAT;
    if ((r.protect & LDR_PE_PROT_WRITE) || (u->regions[i / 32] & (1u << (i % 32))))
        return STATUS_SUCCESS;
    NTSTATUS status = ldr_sys_protect((uint8_t *)u->module->entry.DllBase + r.rva, r.size,
                                      writable_protection(r.nt_protect));
    if (NT_SUCCESS(status))
        u->regions[i / 32] |= 1u << (i % 32);
    return status;
}

void ldrp_restore_protection(struct ldrp_unprotect *u)
{
    for (uint32_t i = 0; i < LDRP_MAX_REGIONS; i++)
        if (u->regions[i / 32] & (1u << (i % 32))) {
            struct ldr_pe_region r;
            ldr_pe_region_get(u->module->pe, i, &r);
            ldr_sys_protect((uint8_t *)u->module->entry.DllBase + r.rva, r.size, r.nt_protect);
            u->regions[i / 32] &= ~(1u << (i % 32));
        }
}

/* ---- relocation ---- */

/* The pages fixups write, to make their regions writable first: ldr_pe_relocs_apply is all or
 * nothing, so every page must be writable before it starts. */
static NTSTATUS unprotect_fixup_pages(struct ldrp_unprotect *u, const struct ldr_pe_dir_entry *dir)
{
    const struct ldr_module *m = u->module;
    uint32_t pages = ALIGN_UP(m->pe->size_of_image, PAGE_SIZE) / PAGE_SIZE, bytes = (pages + 7) / 8;
    uint8_t *bitmap = ldr_sys_alloc(bytes);
    const void *data = ldr_pe_rva(&m->view, dir->rva, dir->size);
    const char *why = "the relocation directory is outside the image";
    NTSTATUS status = !bitmap ? STATUS_NO_MEMORY
                      : !data ? STATUS_INVALID_IMAGE_FORMAT
                              : STATUS_SUCCESS;
    if (NT_SUCCESS(status))
        status = ldr_pe_relocs_scan(data, dir->size, dir->rva, m->pe->size_of_image, NULL, bitmap,
                                    bytes, &why);
    for (uint32_t p = 0; NT_SUCCESS(status) && p < pages; p++)
        if (bitmap[p / 8] & (1u << (p % 8)))
            status = ldrp_make_writable(u, p * PAGE_SIZE);
    if (status == STATUS_INVALID_IMAGE_FORMAT)
        ldrp_fail_wide(status, NULL, m->entry.BaseDllName.Buffer, m->entry.BaseDllName.Length / 2,
                       why);
    ldr_sys_free(bitmap);
    return status;
}

/* Applies the base relocations for where the kernel put the image (NT's LdrRelocateImage). The
 * kernel maps an image without relocations only at its base, so there are some. */
static NTSTATUS relocate(struct ldr_module *m)
{
    const struct ldr_pe_dir_entry *dir = &m->pe->dirs[LDR_PE_DIR_BASERELOC];
    struct ldrp_unprotect u = {.module = m};
    const char *why = NULL;
    NTSTATUS status = unprotect_fixup_pages(&u, dir);
    uint32_t delta = (uint32_t)(uintptr_t)m->entry.DllBase - m->pe->image_base;
    if (NT_SUCCESS(status))
        status = ldr_pe_relocs_apply(&m->view, delta, NULL, &why);
    ldrp_restore_protection(&u);
    if (status == STATUS_INVALID_IMAGE_FORMAT && why)
        ldrp_fail_wide(status, NULL, m->entry.BaseDllName.Buffer, m->entry.BaseDllName.Length / 2,
                       why);
    return status;
}

/* ---- mapping ---- */

void ldrp_enqueue(struct ldrp_load *load, struct ldr_module *m)
{
    m->next_queued = NULL;
    if (load->queue_tail)
        load->queue_tail->next_queued = m;
    else
        load->queue_head = m;
    load->queue_tail = m;
}

/* Maps the opened image and makes its record: relocated if it is not at its base, its TLS
 * directory read where it runs. The record stays on the lists even when a later step fails (the
 * failed load's sweep takes it away). */
static NTSTATUS map_opened(struct ldrp_load *load, void *file, const WCHAR *path, uint32_t chars,
                           struct ldr_module **out)
{
    void *base;
    uint32_t size;
    const char *why = NULL;
    NTSTATUS status = ldr_sys_map_image(file, &base, &size);
    if (!NT_SUCCESS(status))
        return status;
    struct ldr_module *m = NULL;
    status = ldrp_create_module(path, chars, base, size, load->id, &m);
    if (!NT_SUCCESS(status)) {
        ldr_sys_unmap_image(base);
        return status;
    }
    *out = m;
    ldrp_enqueue(load, m);
    if (m->entry.Flags & LDRP_IMAGE_NOT_AT_BASE)
        status = relocate(m);
    if (NT_SUCCESS(status))
        status = ldr_pe_tls_read(&m->view, &m->tls, &why);
    if (!NT_SUCCESS(status) && why)
        ldrp_fail_wide(status, NULL, m->entry.BaseDllName.Buffer, m->entry.BaseDllName.Length / 2,
                       why);
    return status;
}

/* dir + '\\' + name into path (LDRP_PATH_CHARS); false when it does not fit. */
static bool join(const WCHAR *dir, uint32_t dir_chars, const WCHAR *name, uint32_t chars,
                 WCHAR *path, uint32_t *path_chars)
{
    bool separator = dir_chars && dir[dir_chars - 1] != '\\' && dir[dir_chars - 1] != '/';
    uint32_t n = dir_chars + separator + chars;
    if (n >= LDRP_PATH_CHARS)
        return false;
    for (uint32_t i = 0; i < dir_chars; i++)
        path[i] = dir[i];
    if (separator)
        path[dir_chars] = '\\';
    for (uint32_t i = 0; i < chars; i++)
        path[n - chars + i] = name[i];
    path[n] = 0;
    *path_chars = n;
    return true;
}

static bool missing_file(NTSTATUS status)
{
    return status == STATUS_OBJECT_NAME_NOT_FOUND || status == STATUS_OBJECT_PATH_NOT_FOUND ||
           status == STATUS_OBJECT_NAME_INVALID || status == STATUS_OBJECT_PATH_SYNTAX_BAD ||
           status == STATUS_FILE_IS_A_DIRECTORY || status == STATUS_NO_SUCH_FILE;
}

/* Looks for the file at path: a module already mapped from it, or the file mapped now. Returns
 * STATUS_NO_SUCH_FILE when there is no such file, so the search goes on. */
static NTSTATUS try_path(struct ldrp_load *load, const WCHAR *path, uint32_t chars,
                         struct ldr_module **out)
{
    if ((*out = ldrp_find_by_name(path, chars, true)))
        return STATUS_SUCCESS;
    void *file;
    NTSTATUS status = ldr_sys_open_image(path, chars, &file);
    if (missing_file(status))
        return STATUS_NO_SUCH_FILE;
    if (!NT_SUCCESS(status))
        return status;
    status = map_opened(load, file, path, chars, out);
    ldr_sys_close_image(file);
    return status;
}

/* Searches the load's directories for name (a file name). */
static NTSTATUS search(struct ldrp_load *load, const WCHAR *name, uint32_t chars,
                       struct ldr_module **out)
{
    struct ldrp_dirs dirs;
    WCHAR dir[LDRP_PATH_CHARS], path[LDRP_PATH_CHARS];
    uint32_t dir_chars, path_chars;
    ldrp_dirs_begin(&dirs, load->search, load->search_chars);
    while (ldrp_dirs_next(&dirs, dir, LDRP_PATH_CHARS, &dir_chars)) {
        if (!join(dir, dir_chars, name, chars, path, &path_chars))
            continue;
        NTSTATUS status = try_path(load, path, path_chars, out);
        if (status != STATUS_NO_SUCH_FILE)
            return status;
    }
    return STATUS_DLL_NOT_FOUND;
}

static void fail_map(NTSTATUS status, const struct ldr_module *importer, const WCHAR *name,
                     uint32_t chars)
{
    struct ldr_failure *f = &ldrp.failure;
    if (status == STATUS_INVALID_IMAGE_FORMAT && f->status == status) {
        /* the image's own checks said what is wrong with it: add who wanted it */
        if (importer)
            ldrp_narrow(importer->entry.BaseDllName.Buffer, importer->entry.BaseDllName.Length / 2,
                        f->importer, sizeof f->importer);
        return;
    }
    uint32_t base = ldrp_base_name_offset(name, chars);
    ldrp_fail_wide(status, importer, name + base, chars - base, NULL);
}

/* The module for a DLL name (an import, a forwarder's DLL, LdrLoadDll's argument): one already
 * loaded by that name (by path when the name has a directory), else found along the load's
 * search path and mapped; a new module joins the load's queue, its imports not bound yet. Records
 * the failure with the importer's name for the message. */
NTSTATUS ldrp_get_dll(struct ldrp_load *load, const WCHAR *name, uint32_t chars,
                      const struct ldr_module *importer, struct ldr_module **out)
{
    WCHAR normal[LDRP_NAME_CHARS];
    uint32_t n;
    NTSTATUS status = ldrp_normalize_name(name, chars, normal, &n);
    if (!NT_SUCCESS(status)) {
        fail_map(status, importer, name, MIN(chars, LDR_MAX_PATH));
        return status;
    }
    bool path = ldrp_has_path(normal, n);
    if ((*out = ldrp_find_by_name(normal, n, path)))
        return STATUS_SUCCESS;
    ldrp.failure.status = STATUS_SUCCESS;
    status = path ? try_path(load, normal, n, out) : search(load, normal, n, out);
    if (status == STATUS_NO_SUCH_FILE)
        status = STATUS_DLL_NOT_FOUND;
    if (!NT_SUCCESS(status))
        fail_map(status, importer, normal, n);
    return status;
}
