/* user/ntdll/sys.c: what the loader (ldr/loader.h) needs from the system, through the native
 * services: opening an image file, mapping it with NtCreateSection(SEC_IMAGE) and
 * NtMapViewOfSection, protections, and where the default search order looks. */
#include "user/ntdll/ntdllp.h"

#define NT_PREFIX_CHARS 4u /* "\\??\\" */

static UNICODE_STRING unicode(WCHAR *chars, uint32_t count)
{
    return (UNICODE_STRING){(uint16_t)(count * 2), (uint16_t)(count * 2), chars};
}

/* Opens C:\dir\name.dll as \??\C:\dir\name.dll for execute (what NtCreateSection(SEC_IMAGE)
 * needs), sharing reads and deletes as NT's loader does. */
NTSTATUS ldr_sys_open_image(const WCHAR *path, uint32_t chars, void **file)
{
    static const WCHAR prefix[NT_PREFIX_CHARS] = {'\\', '?', '?', '\\'};
    WCHAR nt_path[2 * LDR_MAX_PATH + 16];
    bool has_prefix = chars >= 4 && path[0] == '\\' && path[1] == '?' && path[2] == '?';
    uint32_t n = has_prefix ? 0 : NT_PREFIX_CHARS;
    if (chars + n > ARRAY_SIZE(nt_path))
        return STATUS_NAME_TOO_LONG;
    memcpy(nt_path, prefix, sizeof prefix);
    memcpy(nt_path + n, path, chars * sizeof(WCHAR));
    UNICODE_STRING name = unicode(nt_path, chars + n);
    OBJECT_ATTRIBUTES attributes = {sizeof attributes,    NULL, &name,
                                    OBJ_CASE_INSENSITIVE, NULL, NULL};
    IO_STATUS_BLOCK io;
    HANDLE handle;
    NTSTATUS status = NtOpenFile(&handle, FILE_EXECUTE | FILE_READ_DATA | SYNCHRONIZE, &attributes,
                                 &io, FILE_SHARE_READ | FILE_SHARE_DELETE,
                                 FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE);
    if (NT_SUCCESS(status))
        *file = handle;
    return status;
}

void ldr_sys_close_image(void *file) { NtClose(file); }

NTSTATUS ldr_sys_map_image(void *file, void **base, uint32_t *size)
{
    HANDLE section;
    NTSTATUS status =
        NtCreateSection(&section, SECTION_MAP_EXECUTE | SECTION_MAP_READ | SECTION_QUERY, NULL,
                        NULL, PAGE_EXECUTE, SEC_IMAGE, file);
    if (!NT_SUCCESS(status))
        return status;
    void *at = NULL;
    size_t view = 0;
    status = NtMapViewOfSection(section, NtCurrentProcess(), &at, 0, 0, NULL, &view, ViewShare, 0,
                                PAGE_EXECUTE_WRITECOPY);
    NtClose(section); /* the view keeps the section's segment */
    if (NT_SUCCESS(status)) { /* STATUS_IMAGE_NOT_AT_BASE too */
        *base = at;
        *size = (uint32_t)view;
    }
    return status;
}

void ldr_sys_unmap_image(void *base) { NtUnmapViewOfSection(NtCurrentProcess(), base); }

NTSTATUS ldr_sys_protect(void *address, uint32_t size, uint32_t protect)
{
    void *base = address;
    size_t bytes = size;
    uint32_t old;
    return NtProtectVirtualMemory(NtCurrentProcess(), &base, &bytes, protect, &old);
}

PAGODA_TEB *ldr_sys_current_teb(void) { return ntdll_current_teb(); }

bool ldr_sys_lock_held(void)
{
    return ntdll_loader_lock.OwningThread == ntdll_current_teb()->ClientId.UniqueThread;
}

static WCHAR upper(WCHAR c) { return c >= 'a' && c <= 'z' ? (WCHAR)(c - 'a' + 'A') : c; }

/* The value of PATH in the process's environment (NAME=VALUE strings, an empty one last; the
 * kernel's default, or what the creator passed to NtCreateUserProcess), or none. */
static void find_path(const WCHAR *environment, const WCHAR **value, uint32_t *chars)
{
    static const char name[] = "PATH=";
    for (const WCHAR *s = environment; s && *s;) {
        uint32_t n = 0;
        while (s[n])
            n++;
        uint32_t i = 0;
        while (i < sizeof name - 1 && upper(s[i]) == (WCHAR)name[i])
            i++;
        if (i == sizeof name - 1) {
            *value = s + i;
            *chars = n - i;
            return;
        }
        s += n + 1;
    }
}

void ldr_sys_search_inputs(struct ldr_sys_search *inputs)
{
    const PAGODA_KUSER_SHARED_DATA *shared = (const void *)(uintptr_t)KUSER_SHARED_DATA_ADDRESS;
    const PAGODA_PEB *peb = ntdll_current_teb()->ProcessEnvironmentBlock;
    const PAGODA_PROCESS_PARAMETERS *pp = peb->ProcessParameters;
    *inputs = (struct ldr_sys_search){.windows = shared->NtSystemRoot};
    while (inputs->windows_chars < ARRAY_SIZE(shared->NtSystemRoot) &&
           shared->NtSystemRoot[inputs->windows_chars])
        inputs->windows_chars++;
    if (!pp)
        return;
    inputs->current = pp->CurrentDirectoryPath.Buffer;
    inputs->current_chars = inputs->current ? pp->CurrentDirectoryPath.Length / 2u : 0;
    find_path(pp->Environment, &inputs->path, &inputs->path_chars);
}
