/* kernel/ps/create.c: processes started from PE files on the disk (a simplified
 * NtCreateUserProcess): the exe's image section mapped at its base, ntdll.dll (the system DLL, one
 * image section for the whole system, as NT's PspSystemDll) mapped beside it, the PEB and process
 * parameters, and a first thread that starts in ntdll's LdrInitializeThunk with the exe's entry in
 * its context. */
#include "kernel/io/io.h"
#include "kernel/ke/ke.h"
#include "kernel/ndk/ntmm.h"
#include "kernel/ob/ob.h"
#include "kernel/ps/thread.h"
#include "kernel/rtl/string.h"
#include "ldr/pe.h"
#include "mm/mm.h"

#define CREATE_TAG     MM_TAG('P', 's', 'C', 'r')
#define SYSTEM_DLL     "\\??\\C:\\Windows\\System32\\ntdll.dll"
#define MAX_PATH_CHARS 260

struct system_dll {
    struct mm_section *section; /* kept for the life of the system */
    vaddr_t base;
    vaddr_t initialize_thunk; /* LdrInitializeThunk: every thread of a PE process starts there */
    vaddr_t user_thread_start; /* RtlUserThreadStart: calls EAX(EBX), ends the thread with it */
};

/* The exports of the system DLL the kernel needs, in the order of the fields above. */
static const char *const system_dll_exports[] = {"LdrInitializeThunk", "RtlUserThreadStart"};
static struct system_dll system_dll;

/* ---- opening files from the kernel ---- */

/* An ASCII path (with / or \\) as NT's UTF-16 into wide[MAX_PATH_CHARS];
 * STATUS_OBJECT_NAME_INVALID when it is longer. */
static NTSTATUS widen(const char *ascii, WCHAR *wide, size_t *chars)
{
    size_t n = 0;
    for (; ascii[n] && n < MAX_PATH_CHARS; n++)
        wide[n] = (WCHAR)(uint8_t)(ascii[n] == '/' ? '\\' : ascii[n]);
    *chars = n;
    return ascii[n] ? STATUS_OBJECT_NAME_INVALID : STATUS_SUCCESS;
}

/* Opens an image file for mapping: execute and read, sharing reads and deletes (NT's rule for
 * image opens; writers are refused while the image section exists). */
static NTSTATUS open_image_wide(const WCHAR *path, size_t chars, struct io_file **file)
{
    struct io_open open = {
        .access = FILE_EXECUTE | FILE_READ_DATA | SYNCHRONIZE,
        .share = FILE_SHARE_READ | FILE_SHARE_DELETE,
        .disposition = FILE_OPEN,
        .options = FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE,
    };
    uint32_t action;
    return io_create_file(path, chars, &open, file, &action);
}

static NTSTATUS open_image(const char *path, struct io_file **file)
{
    WCHAR wide[MAX_PATH_CHARS];
    size_t chars;
    NTSTATUS status = widen(path, wide, &chars);
    return NT_SUCCESS(status) ? open_image_wide(wide, chars, file) : status;
}

static NTSTATUS image_section_of_wide(const WCHAR *path, size_t chars, struct mm_section **section)
{
    struct io_file *file;
    NTSTATUS status = open_image_wide(path, chars, &file);
    if (!NT_SUCCESS(status))
        return status;
    status = mm_create_image_section(file, section);
    ob_dereference_object(file); /* the segment keeps its own reference */
    return status;
}

static NTSTATUS image_section_of(const char *path, struct mm_section **section)
{
    WCHAR wide[MAX_PATH_CHARS];
    size_t chars;
    NTSTATUS status = widen(path, wide, &chars);
    return NT_SUCCESS(status) ? image_section_of_wide(wide, chars, section) : status;
}

/* ---- the system DLL ---- */

/* Looks the exports up in a laid-out image. */
static NTSTATUS lookup_exports(const struct ldr_pe_image *pe, uint8_t *image, uint32_t *rvas)
{
    struct ldr_pe_view view;
    struct ldr_pe_exports exports;
    ldr_pe_view_init(&view, pe, image, pe->image_base);
    NTSTATUS status = ldr_pe_exports_open(&exports, &view, NULL);
    for (unsigned i = 0; NT_SUCCESS(status) && i < ARRAY_SIZE(system_dll_exports); i++) {
        struct ldr_pe_export export;
        status = ldr_pe_export_by_name(&exports, system_dll_exports[i], 0, &export);
        if (NT_SUCCESS(status) && export.kind != LDR_PE_EXPORT_RVA)
            status = STATUS_INVALID_IMAGE_FORMAT;
        if (NT_SUCCESS(status))
            rvas[i] = export.rva;
    }
    return status;
}

/* Reads the whole file into the pool and lays it out, to find the exports the kernel needs. */
static NTSTATUS find_exports(struct io_file *file, uint32_t *rvas)
{
    struct io_file_info info;
    NTSTATUS status = file->ops->query(file->fcb->fs_file, &info);
    if (!NT_SUCCESS(status))
        return status;
    if (info.size == 0 || info.size > (4u << 20))
        return STATUS_INVALID_IMAGE_FORMAT;
    uint32_t size = (uint32_t)info.size, done = 0;
    struct ldr_pe_image *pe = mm_pool_alloc(sizeof *pe, CREATE_TAG);
    uint8_t *raw = mm_pool_alloc(size, CREATE_TAG), *image = NULL;
    status = pe && raw ? file->ops->read(file->fcb->fs_file, 0, raw, size, &done)
                       : STATUS_INSUFFICIENT_RESOURCES;
    if (NT_SUCCESS(status))
        status =
            done == size ? ldr_pe_parse(raw, size, size, pe, NULL) : STATUS_INVALID_IMAGE_FORMAT;
    if (NT_SUCCESS(status) && !(image = mm_pool_alloc(pe->size_of_image, CREATE_TAG)))
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (NT_SUCCESS(status)) {
        ldr_pe_lay_out(pe, raw, image, pe->size_of_image);
        status = lookup_exports(pe, image, rvas);
    }
    if (image)
        mm_pool_free(image, CREATE_TAG);
    if (raw)
        mm_pool_free(raw, CREATE_TAG);
    if (pe)
        mm_pool_free(pe, CREATE_TAG);
    return status;
}

/* Once, when C: is mounted: the system DLL's image section, and where its threads start. Without
 * it (no disk, no ntdll.dll) PE processes cannot be created (STATUS_DLL_NOT_FOUND). */
void ps_init_system_dll(void)
{
    struct io_file *file;
    uint32_t rvas[ARRAY_SIZE(system_dll_exports)] = {0};
    NTSTATUS status = open_image(SYSTEM_DLL, &file);
    if (NT_SUCCESS(status)) {
        status = find_exports(file, rvas);
        if (NT_SUCCESS(status))
            status = mm_create_image_section(file, &system_dll.section);
        ob_dereference_object(file);
    }
    if (!NT_SUCCESS(status)) {
        ke_warn("ps: no system DLL (%s: %08x): PE programs cannot run\n", SYSTEM_DLL,
                (uint32_t)status);
        return;
    }
    const struct mm_image_info *info = mm_section_image_info(system_dll.section);
    system_dll.base = info->image_base;
    system_dll.initialize_thunk = info->image_base + rvas[0];
    system_dll.user_thread_start = info->image_base + rvas[1];
    ke_info("ps: system DLL %s at %08x, LdrInitializeThunk at %08x\n", SYSTEM_DLL, system_dll.base,
            system_dll.initialize_thunk);
}

/* ---- processes ---- */

/* The Win32 form of an NT path ("C:\\Tests\\x.exe" for "\\??\\C:\\Tests\\x.exe"): ntdll finds the
 * exe's directory, the first place it looks for DLLs, in the process parameters' ImagePathName. */
static const char *win32_path_of(const char *path)
{
    return strncmp(path, "\\??\\", 4) == 0 ? path + 4 : path;
}

/* Maps the exe and the system DLL into the new process (attached) and records the image base. */
static NTSTATUS map_images(struct ps_process *p, struct mm_section *exe, vaddr_t *exe_base)
{
    vaddr_t dll_base = 0;
    uint32_t size;
    ps_attach_process(p);
    *exe_base = 0;
    NTSTATUS status = mm_map_image_section(exe, exe_base, &size);
    if (status == STATUS_IMAGE_NOT_AT_BASE)
        status = STATUS_CONFLICTING_ADDRESSES; /* the exe is not relocated: it must fit its base */
    if (NT_SUCCESS(status))
        status = mm_map_image_section(system_dll.section, &dll_base, &size);
    if (status == STATUS_IMAGE_NOT_AT_BASE || (NT_SUCCESS(status) && dll_base != system_dll.base))
        status = STATUS_CONFLICTING_ADDRESSES; /* ntdll sits at the same address everywhere */
    if (NT_SUCCESS(status)) {
        vaddr_t image_base = *exe_base;
        status = mm_write_user(p->peb + offsetof(PAGODA_PEB, ImageBaseAddress), &image_base,
                               sizeof image_base);
    }
    ps_detach_process();
    return status;
}

/* The first thread, suspended: the caller resumes it once its handles exist. */
static NTSTATUS start_first_thread(struct ps_process *p, const struct mm_image_info *info,
                                   vaddr_t exe_base, struct ps_thread **thread)
{
    struct ps_thread_start start = {
        .eip = system_dll.user_thread_start,
        .eax = exe_base + info->entry_point,
        .ebx = p->peb,
        .stack_reserve = info->stack_reserve,
        .stack_size = info->stack_commit,
        .suspended = true,
    };
    return ps_create_thread(p, &start, thread);
}

static enum mm_address_limit limit_of(const struct mm_image_info *info)
{
    return info->characteristics & LDR_PE_FILE_LARGE_ADDRESS_AWARE ? MM_LIMIT_LARGE_ADDRESS_AWARE
                                                                   : MM_LIMIT_2GB;
}

/* The process's name: the last component of the image path (ASCII; others become '?'). */
static void name_of(const struct ps_parameters *params, char *name, size_t size)
{
    size_t n = 0;
    for (uint32_t i = 0; i < params->image_path.length && n + 1 < size; i++) {
        WCHAR c = params->image_path.chars[i];
        if (c == '\\' || c == '/')
            n = 0;
        else
            name[n++] = c < 0x80 ? (char)c : '?';
    }
    name[n] = 0;
}

NTSTATUS ps_create_user_process_with(const WCHAR *path, uint32_t path_chars,
                                     const struct ps_parameters *params, struct ps_process **out,
                                     struct ps_thread **thread)
{
    if (!system_dll.section)
        return STATUS_DLL_NOT_FOUND;
    struct mm_section *exe;
    NTSTATUS status = image_section_of_wide(path, path_chars, &exe);
    if (!NT_SUCCESS(status))
        return status;
    const struct mm_image_info *info = mm_section_image_info(exe);
    struct ps_process *p = NULL;
    vaddr_t exe_base;
    char name[32];
    name_of(params, name, sizeof name);
    if (info->characteristics & LDR_PE_FILE_DLL)
        status = STATUS_INVALID_IMAGE_FORMAT; /* a DLL is not a program */
    if (NT_SUCCESS(status))
        status = ps_create_process_with(name, params, limit_of(info), &p);
    if (NT_SUCCESS(status)) {
        p->system_dll_entry = system_dll.initialize_thunk;
        p->system_dll_base = system_dll.base;
        status = map_images(p, exe, &exe_base);
    }
    if (NT_SUCCESS(status))
        status = start_first_thread(p, info, exe_base, thread);
    ob_dereference_object(exe); /* the views keep the segment */
    if (!NT_SUCCESS(status)) {
        if (p)
            ob_dereference_object(p);
        return status;
    }
    *out = p;
    return STATUS_SUCCESS;
}

NTSTATUS ps_create_user_process(const char *path, const char *command_line, struct ps_process **out)
{
    WCHAR wide[MAX_PATH_CHARS];
    size_t chars;
    struct ps_parameters params = {0};
    struct ps_thread *thread;
    uint32_t previous;
    NTSTATUS status = widen(path, wide, &chars);
    if (NT_SUCCESS(status))
        status = ps_kernel_parameters(win32_path_of(path), command_line, &params);
    if (NT_SUCCESS(status))
        status = ps_create_user_process_with(wide, (uint32_t)chars, &params, out, &thread);
    ps_free_parameters(&params);
    if (!NT_SUCCESS(status))
        return status;
    ps_resume_thread(thread, &previous);
    ob_dereference_object(thread);
    return STATUS_SUCCESS;
}

uint32_t ps_image_pages_read(const char *path)
{
    struct mm_section *section;
    if (!NT_SUCCESS(image_section_of(path, &section)))
        return 0;
    uint32_t pages = mm_section_pages_read(section);
    ob_dereference_object(section);
    return pages;
}
