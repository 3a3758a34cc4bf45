/* kernel/ps/parameters.c: a new process's parameters (RTL_USER_PROCESS_PARAMETERS): the defaults of
 * the processes the kernel starts itself, and the block built in the new process, normalized, in a
 * region of its own with its strings and environment, the standard handles duplicated into the new
 * process's handle table. */
#include "kernel/ndk/ntmm.h"
#include "kernel/ob/ob.h"
#include "kernel/ps/thread.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

#define CURRENT_DIRECTORY_MAX 260u /* MAX_PATH: room for the process to change it in place */

/* The environment of the processes the kernel starts: NAME=VALUE strings, an empty one last (the
 * literal's own NUL). */
static const char default_environment[] = "PATH=C:\\Windows\\System32;C:\\Windows\0"
                                          "SystemRoot=C:\\Windows\0";

/* ---- the kernel's own processes ---- */

static NTSTATUS widen(const char *ascii, size_t length, struct ps_string *out)
{
    *out = (struct ps_string){NULL, 0};
    if (length > PS_MAX_PARAMETER_CHARS)
        return STATUS_NAME_TOO_LONG;
    if (length == 0)
        return STATUS_SUCCESS;
    WCHAR *chars = mm_pool_alloc(length * sizeof(WCHAR), PS_PARAMETERS_TAG);
    if (!chars)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (size_t i = 0; i < length; i++)
        chars[i] = (WCHAR)(uint8_t)ascii[i];
    *out = (struct ps_string){chars, (uint32_t)length};
    return STATUS_SUCCESS;
}

NTSTATUS ps_kernel_parameters(const char *image_path, const char *command_line,
                              struct ps_parameters *params)
{
    *params = (struct ps_parameters){0};
    NTSTATUS status = widen(image_path, strlen(image_path), &params->image_path);
    if (NT_SUCCESS(status))
        status = widen(command_line, strlen(command_line), &params->command_line);
    if (NT_SUCCESS(status))
        status = widen("C:\\", 3, &params->current_directory);
    if (NT_SUCCESS(status))
        status = widen(image_path, strlen(image_path), &params->window_title);
    if (NT_SUCCESS(status))
        status = widen(default_environment, sizeof default_environment, &params->environment);
    if (!NT_SUCCESS(status))
        ps_free_parameters(params);
    return status;
}

void ps_free_parameters(struct ps_parameters *params)
{
    struct ps_string *strings[] = {&params->image_path,        &params->command_line,
                                   &params->current_directory, &params->dll_path,
                                   &params->window_title,      &params->environment};
    for (size_t i = 0; i < ARRAY_SIZE(strings); i++)
        if (strings[i]->chars)
            mm_pool_free((void *)strings[i]->chars, PS_PARAMETERS_TAG);
    *params = (struct ps_parameters){0};
}

/* ---- the block in the new process ---- */

/* Lays the strings out after the header, as the block's offsets go: where each one lands. */
struct layout {
    uint8_t *block; /* the kernel's copy */
    vaddr_t base; /* where it goes in the new process */
    uint32_t used;
};

static void put_string(struct layout *l, UNICODE_STRING *u, const struct ps_string *s,
                       uint32_t max_chars)
{
    uint32_t room = MAX(s->length + 1, max_chars);
    WCHAR *chars = (WCHAR *)(l->block + l->used);
    if (s->length)
        memcpy(chars, s->chars, s->length * sizeof(WCHAR));
    chars[s->length] = 0;
    u->Buffer = (WCHAR *)(uintptr_t)(l->base + l->used);
    u->Length = (uint16_t)(s->length * sizeof(WCHAR));
    u->MaximumLength = (uint16_t)(room * sizeof(WCHAR));
    l->used += ALIGN_UP(room * sizeof(WCHAR), 4);
}

static uint32_t string_bytes(const struct ps_string *s, uint32_t max_chars)
{
    return ALIGN_UP(MAX(s->length + 1, max_chars) * sizeof(WCHAR), 4);
}

static uint32_t block_size(const struct ps_parameters *p)
{
    return sizeof(PAGODA_PROCESS_PARAMETERS) +
           string_bytes(&p->current_directory, CURRENT_DIRECTORY_MAX) +
           string_bytes(&p->dll_path, 0) + string_bytes(&p->image_path, 0) +
           string_bytes(&p->command_line, 0) + string_bytes(&p->window_title, 0) +
           ALIGN_UP(MAX(p->environment.length, 2u) * sizeof(WCHAR), 4);
}

/* A standard handle of the parent, duplicated into process with its access; NULL when there is
 * none or it names nothing (as a value that is no handle is passed on by NT). */
static NTSTATUS duplicate_std_handle(struct ps_process *process, const struct ps_parameters *p,
                                     HANDLE parent_handle, HANDLE *child_handle)
{
    void *object;
    ACCESS_MASK granted;
    *child_handle = NULL;
    if (!p->handle_source || !parent_handle)
        return STATUS_SUCCESS;
    if (!NT_SUCCESS(ob_reference_object_by_handle(p->handle_source, parent_handle, 0, NULL, &object,
                                                  &granted)))
        return STATUS_SUCCESS;
    NTSTATUS status = ob_insert_handle(process, object, granted, 0, child_handle);
    ob_dereference_object(object);
    return status;
}

static NTSTATUS fill_header(struct ps_process *process, const struct ps_parameters *p,
                            PAGODA_PROCESS_PARAMETERS *h, uint32_t size)
{
    h->MaximumLength = size;
    h->Flags = PROCESS_PARAMETERS_NORMALIZED;
    NTSTATUS status = duplicate_std_handle(process, p, p->std_handles[0], &h->StandardInput);
    if (NT_SUCCESS(status))
        status = duplicate_std_handle(process, p, p->std_handles[1], &h->StandardOutput);
    if (NT_SUCCESS(status))
        status = duplicate_std_handle(process, p, p->std_handles[2], &h->StandardError);
    return status;
}

NTSTATUS ps_write_parameters(struct ps_process *process, const struct ps_parameters *p,
                             vaddr_t *address)
{
    uint32_t size = block_size(p), region = size;
    vaddr_t base = 0;
    NTSTATUS status =
        mm_allocate_virtual(&base, &region, 0, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!NT_SUCCESS(status))
        return status;
    struct layout l = {mm_pool_alloc(size, PS_PARAMETERS_TAG), base,
                       sizeof(PAGODA_PROCESS_PARAMETERS)};
    if (!l.block)
        return STATUS_INSUFFICIENT_RESOURCES; /* the region goes with the process */
    memset(l.block, 0, size);
    PAGODA_PROCESS_PARAMETERS *h = (PAGODA_PROCESS_PARAMETERS *)l.block;
    put_string(&l, &h->CurrentDirectoryPath, &p->current_directory, CURRENT_DIRECTORY_MAX);
    put_string(&l, &h->DllPath, &p->dll_path, 0);
    put_string(&l, &h->ImagePathName, &p->image_path, 0);
    put_string(&l, &h->CommandLine, &p->command_line, 0);
    put_string(&l, &h->WindowTitle, &p->window_title, 0);
    h->Environment = (void *)(uintptr_t)(base + l.used);
    if (p->environment.length)
        memcpy(l.block + l.used, p->environment.chars, p->environment.length * sizeof(WCHAR));
    h->Length = size;
    status = fill_header(process, p, h, region);
    if (NT_SUCCESS(status))
        status = mm_write_user(base, l.block, size);
    mm_pool_free(l.block, PS_PARAMETERS_TAG);
    *address = base;
    return status;
}
