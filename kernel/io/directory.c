/* kernel/io/directory.c: NtQueryDirectoryFile (FileDirectoryInformation,
 * FileBothDirectoryInformation, FileNamesInformation; a file-name pattern kept from the first
 * query; RestartScan; ReturnSingleEntry), renaming (FileRenameInformation), and NT's file-name
 * wildcard matching. */
#include "kernel/io/services.h"
#include "kernel/io/io.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/probe.h"
#include "kernel/ps/ps.h"
#include "kernel/rtl/string.h"
#include "kernel/ex/sync.h"
#include "mm/mm.h"

#define LISTING_MAX 65536u

static WCHAR upcase(WCHAR c) { return c >= 'a' && c <= 'z' ? (WCHAR)(c - 32) : c; }

/* '*' (and DOS '<') any run, '?' (and DOS '>') one character, DOS '"' a dot. Backtracks only to
 * the last star, so it runs in O(pattern * name). */
bool io_name_matches(const WCHAR *pattern, size_t pattern_chars, const WCHAR *name, size_t chars)
{
    size_t p = 0, n = 0, star_p = SIZE_MAX, star_n = 0;
    while (n < chars) {
        WCHAR c = p < pattern_chars ? pattern[p] : 0;
        if (p < pattern_chars && (c == '*' || c == '<')) {
            star_p = p++;
            star_n = n;
        } else if (p < pattern_chars && (c == '?' || c == '>' || (c == '"' && name[n] == '.') ||
                                         upcase(c) == upcase(name[n]))) {
            p++, n++;
        } else if (star_p != SIZE_MAX) {
            p = star_p + 1;
            n = ++star_n;
        } else {
            return false;
        }
    }
    while (p < pattern_chars && (pattern[p] == '*' || pattern[p] == '<' || pattern[p] == '"'))
        p++;
    return p == pattern_chars;
}

/* The size of one entry of class, name included, and where its name goes. */
static uint32_t entry_size(uint32_t class, uint32_t name_bytes, uint32_t *name_offset)
{
    *name_offset = class == FileNamesInformation ? offsetof(FILE_NAMES_INFORMATION, FileName)
                   : class == FileDirectoryInformation
                       ? offsetof(FILE_DIRECTORY_INFORMATION, FileName)
                       : offsetof(FILE_BOTH_DIR_INFORMATION, FileName);
    return *name_offset + name_bytes;
}

/* Writes one entry at out (room bytes free); returns the bytes used or 0 when it does not fit. With
 * `first`, a name that does not fit is cut and *truncated set (NT's STATUS_BUFFER_OVERFLOW). */
static uint32_t put_entry(uint8_t *out, uint32_t room, uint32_t class, uint32_t index,
                          const struct io_dir_entry *e, bool first, bool *truncated)
{
    uint32_t name_offset, name_bytes = e->name_chars * sizeof(WCHAR);
    uint32_t size = entry_size(class, name_bytes, &name_offset);
    if (size > room) {
        if (!first || name_offset > room)
            return 0;
        name_bytes = (room - name_offset) & ~1u;
        size = name_offset + name_bytes;
        *truncated = true;
    }
    memset(out, 0, name_offset);
    if (class == FileNamesInformation) {
        FILE_NAMES_INFORMATION *n = (void *)out;
        n->FileIndex = index;
        n->FileNameLength = e->name_chars * sizeof(WCHAR);
    } else {
        FILE_BOTH_DIR_INFORMATION *b = (void *)out; /* the directory class is its prefix */
        const struct io_file_info *i = &e->info;
        b->FileIndex = index;
        b->CreationTime = i->creation_time;
        b->LastAccessTime = i->last_access_time;
        b->LastWriteTime = b->ChangeTime = i->last_write_time;
        b->EndOfFile = (int64_t)i->size;
        b->AllocationSize = (int64_t)i->allocation_size;
        b->FileAttributes = i->attributes ? i->attributes : FILE_ATTRIBUTE_NORMAL;
        b->FileNameLength = e->name_chars * sizeof(WCHAR);
        if (class == FileBothDirectoryInformation) {
            b->ShortNameLength = (int8_t)(e->short_name_chars * sizeof(WCHAR));
            memcpy(b->ShortName, e->short_name, e->short_name_chars * sizeof(WCHAR));
        }
    }
    memcpy(out + name_offset, e->name, name_bytes);
    return size;
}

/* Keeps the pattern of the first query: later ones are ignored unless the scan restarts with a new
 * one (as NT from Windows 8 on does; a restart without a name keeps the old pattern). */
static NTSTATUS take_pattern(struct io_file *dir, const UNICODE_STRING *user_name, bool restart)
{
    if (dir->dir_pattern && (!restart || !user_name))
        return STATUS_SUCCESS;
    UNICODE_STRING us = {0, 0, NULL};
    NTSTATUS status =
        user_name ? ke_copy_from_user(&us, user_name, sizeof us, sizeof(uint32_t)) : STATUS_SUCCESS;
    if (!NT_SUCCESS(status) || (us.Length & 1) || us.Length > IO_NAME_MAX * sizeof(WCHAR))
        return NT_SUCCESS(status) ? STATUS_OBJECT_NAME_INVALID : status;
    WCHAR *chars = mm_pool_alloc(us.Length + sizeof(WCHAR), io_file_type.pool_tag);
    if (!chars)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = ke_copy_from_user(chars, us.Buffer, us.Length, sizeof(WCHAR));
    if (!NT_SUCCESS(status)) {
        mm_pool_free(chars, io_file_type.pool_tag);
        return status;
    }
    if (dir->dir_pattern)
        mm_pool_free(dir->dir_pattern, io_file_type.pool_tag);
    dir->dir_pattern = chars;
    dir->dir_pattern_chars = us.Length / sizeof(WCHAR);
    if (dir->dir_pattern_chars == 0) { /* no pattern: everything */
        chars[0] = '*';
        dir->dir_pattern_chars = 1;
    }
    return STATUS_SUCCESS;
}

/* Fills `out` with entries from the directory's cursor on, each read into e. */
static NTSTATUS list(struct io_file *dir, uint32_t class, uint8_t *out, uint32_t length,
                     bool single, struct io_dir_entry *e, uint32_t *used)
{
    uint32_t *previous_next = NULL;
    bool truncated = false, started_at_zero = dir->dir_cursor == 0;
    NTSTATUS status = STATUS_SUCCESS;
    *used = 0;
    for (;;) {
        uint32_t cursor = dir->dir_cursor, index = cursor;
        status = dir->ops->enumerate(dir->fcb->fs_file, &dir->dir_cursor, e);
        if (!NT_SUCCESS(status))
            break;
        if (!io_name_matches(dir->dir_pattern, dir->dir_pattern_chars, e->name, e->name_chars))
            continue;
        uint32_t start = ALIGN_UP(*used, 8);
        uint32_t size = start <= length ? put_entry(out + start, length - start, class, index, e,
                                                    *used == 0, &truncated)
                                        : 0;
        if (size == 0) {
            dir->dir_cursor = cursor; /* it did not fit: the next query returns it */
            break;
        }
        if (previous_next)
            *previous_next = start - (uint32_t)((uint8_t *)previous_next - out);
        previous_next = (uint32_t *)(out + start);
        *used = start + size;
        if (single || truncated)
            break;
    }
    if (*used)
        return truncated ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
    if (status == STATUS_NO_MORE_FILES)
        return started_at_zero ? STATUS_NO_SUCH_FILE : STATUS_NO_MORE_FILES;
    return NT_SUCCESS(status) ? STATUS_BUFFER_TOO_SMALL : status;
}

/* The pattern, the cursor and the listing into buffer, under the file's lock; each entry is read
 * into a block of the call's own (an io_dir_entry is 600 bytes). */
static NTSTATUS query_directory(struct io_file *dir, uint32_t class, bool single,
                                const UNICODE_STRING *user_name, bool restart, uint8_t *buffer,
                                uint32_t size, uint32_t *used)
{
    struct io_dir_entry *entry = mm_pool_alloc(sizeof *entry, io_file_type.pool_tag);
    if (!entry)
        return STATUS_INSUFFICIENT_RESOURCES;
    io_lock_file(dir);
    NTSTATUS status = take_pattern(dir, user_name, restart);
    if (NT_SUCCESS(status) && restart)
        dir->dir_cursor = 0;
    if (NT_SUCCESS(status))
        status = list(dir, class, buffer, size, single, entry, used);
    io_unlock_file(dir);
    mm_pool_free(entry, io_file_type.pool_tag);
    return status;
}

NTSTATUS NtQueryDirectoryFile(HANDLE handle, HANDLE event, void *apc_routine, void *apc_context,
                              IO_STATUS_BLOCK *user_iosb, void *user_buffer, uint32_t length,
                              uint32_t class, uint32_t single, const UNICODE_STRING *user_name,
                              uint32_t restart)
{
    (void)event, (void)apc_routine, (void)apc_context;
    struct io_file *dir;
    uint32_t used = 0;
    NTSTATUS status = ke_probe_user_write(user_iosb, sizeof(IO_STATUS_BLOCK), sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = ke_probe_user_write(user_buffer, length, sizeof(uint32_t));
    if (!NT_SUCCESS(status))
        return status;
    if (class != FileDirectoryInformation && class != FileBothDirectoryInformation &&
        class != FileNamesInformation)
        return STATUS_INVALID_INFO_CLASS;
    status = ob_reference_object_by_handle(ps_current_process(), handle, FILE_LIST_DIRECTORY,
                                           &io_file_type, (void **)&dir, NULL);
    if (!NT_SUCCESS(status))
        return status;
    uint8_t *buffer = NULL;
    uint32_t size = MIN(length, LISTING_MAX);
    if (!dir->fcb->directory || !dir->ops->enumerate)
        status = STATUS_INVALID_PARAMETER;
    else if (!(buffer = mm_pool_alloc(size ? size : 1, io_file_type.pool_tag)))
        status = STATUS_INSUFFICIENT_RESOURCES;
    else
        status = query_directory(dir, class, (uint8_t)single != 0, user_name, (uint8_t)restart != 0,
                                 buffer, size, &used);
    if ((NT_SUCCESS(status) || status == STATUS_BUFFER_OVERFLOW) && used)
        status = NT_SUCCESS(ke_copy_to_user(user_buffer, buffer, used, sizeof(uint32_t)))
                     ? status
                     : STATUS_ACCESS_VIOLATION;
    if (buffer)
        mm_pool_free(buffer, io_file_type.pool_tag);
    ob_dereference_object(dir);
    if (status != STATUS_ACCESS_VIOLATION &&
        !NT_SUCCESS(io_write_status_block(user_iosb, status, used)))
        status = STATUS_ACCESS_VIOLATION;
    return status;
}

/* FileRenameInformation: the new name is \??\X:\path on the file's own volume. */
NTSTATUS io_rename_file(struct io_file *file, const void *user_info, uint32_t length)
{
    FILE_RENAME_INFORMATION header;
    uint32_t name_offset = offsetof(FILE_RENAME_INFORMATION, FileName);
    if (length < name_offset)
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS status = ke_copy_from_user(&header, user_info, name_offset, sizeof(uint32_t));
    if (!NT_SUCCESS(status))
        return status;
    if (header.RootDirectory || (header.FileNameLength & 1) || header.FileNameLength == 0 ||
        header.FileNameLength > 2 * (IO_NAME_MAX + 8))
        return STATUS_INVALID_PARAMETER;
    if (header.FileNameLength > length - name_offset)
        return STATUS_INFO_LENGTH_MISMATCH;
    WCHAR *name = mm_pool_alloc(header.FileNameLength, io_file_type.pool_tag);
    if (!name)
        return STATUS_INSUFFICIENT_RESOURCES;
    status =
        ke_copy_from_user(name, (const uint8_t *)user_info + name_offset, header.FileNameLength, 1);
    WCHAR letter;
    const WCHAR *rest;
    size_t rest_chars;
    if (NT_SUCCESS(status))
        status =
            io_split_path(name, header.FileNameLength / sizeof(WCHAR), &letter, &rest, &rest_chars);
    if (NT_SUCCESS(status) && upcase(letter) != upcase(file->letter))
        status = STATUS_NOT_SAME_DEVICE;
    if (NT_SUCCESS(status))
        status = file->ops->rename ? file->ops->rename(file->fcb->fs_file, rest, rest_chars,
                                                       header.ReplaceIfExists != 0)
                                   : STATUS_INVALID_DEVICE_REQUEST;
    mm_pool_free(name, io_file_type.pool_tag);
    return status;
}
