/* kernel/io/services.c: the NT file services over the I/O manager: NtCreateFile, NtOpenFile,
 * NtReadFile, NtWriteFile, NtQueryInformationFile, NtSetInformationFile, NtFlushBuffersFile,
 * NtQueryVolumeInformationFile. All I/O is synchronous. File systems never see a user pointer: data
 * passes through a kernel bounce buffer copied with the fault-safe routines, so a bad buffer is
 * STATUS_ACCESS_VIOLATION, never a fault in file-system code. */
#include "kernel/io/services.h"
#include "kernel/io/io.h"
#include "kernel/ke/ke.h"
#include "mm/mm.h"
#include "kernel/ke/probe.h"
#include "kernel/ps/ps.h"
#include "kernel/rtl/string.h"
#include "kernel/ex/sync.h"

#define BOUNCE_SIZE 4096u

static struct ps_process *current(void) { return ps_current_process(); }

NTSTATUS io_write_status_block(IO_STATUS_BLOCK *user_iosb, NTSTATUS status, uintptr_t information)
{
    IO_STATUS_BLOCK iosb = {status, information};
    return ke_copy_to_user(user_iosb, &iosb, sizeof iosb, sizeof(uint32_t));
}

/* NT's checks of NtCreateFile's parameters, before anything is opened. */
static NTSTATUS check_create_parameters(ACCESS_MASK access, uint32_t share, uint32_t disposition,
                                        uint32_t options, const void *ea, uint32_t ea_length)
{
    uint32_t sync = options & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT);
    if (disposition > FILE_MAXIMUM_DISPOSITION || (options & ~FILE_VALID_OPTION_FLAGS) ||
        (share & ~FILE_SHARE_VALID_FLAGS))
        return STATUS_INVALID_PARAMETER;
    if ((options & FILE_DIRECTORY_FILE) && (options & FILE_NON_DIRECTORY_FILE))
        return STATUS_INVALID_PARAMETER;
    if ((options & FILE_DIRECTORY_FILE) && disposition != FILE_CREATE && disposition != FILE_OPEN &&
        disposition != FILE_OPEN_IF)
        return STATUS_INVALID_PARAMETER;
    if (sync == (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT) ||
        (sync && !(access & (SYNCHRONIZE | GENERIC_ALL | MAXIMUM_ALLOWED))))
        return STATUS_INVALID_PARAMETER;
    if ((options & FILE_DELETE_ON_CLOSE) && !(access & (DELETE | GENERIC_ALL | MAXIMUM_ALLOWED)))
        return STATUS_INVALID_PARAMETER;
    if (ea && ea_length)
        return STATUS_EAS_NOT_SUPPORTED;
    return STATUS_SUCCESS;
}

NTSTATUS NtCreateFile(HANDLE *user_handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes,
                      IO_STATUS_BLOCK *user_iosb, const int64_t *allocation_size,
                      uint32_t file_attributes, uint32_t share_access, uint32_t disposition,
                      uint32_t options, void *ea, uint32_t ea_length)
{
    (void)allocation_size; /* a hint only; FAT allocates as the file grows */
    struct ke_captured_name name;
    uint32_t attribute_bits, action = 0;
    struct io_file *file;
    NTSTATUS status =
        check_create_parameters(access, share_access, disposition, options, ea, ea_length);
    if (NT_SUCCESS(status))
        status = attributes ? ke_probe_user_write(user_handle, sizeof(HANDLE), 1)
                            : STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(status))
        status = ke_probe_user_write(user_iosb, sizeof(IO_STATUS_BLOCK), sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = ke_capture_object_attributes(attributes, &name, &attribute_bits);
    if (!NT_SUCCESS(status))
        return status;
    struct io_open open = {ob_map_access(&io_file_type, access), share_access, disposition, options,
                           file_attributes};
    status = name.chars ? io_create_file(name.chars, name.length, &open, &file, &action)
                        : STATUS_OBJECT_PATH_SYNTAX_BAD;
    ke_release_captured_name(&name);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_insert_object(file, open.access, attribute_bits, user_handle, NULL);
    /* As in NT, a handle already written stays if the status block then cannot be. */
    return NT_SUCCESS(status) ? io_write_status_block(user_iosb, STATUS_SUCCESS, action) : status;
}

NTSTATUS NtOpenFile(HANDLE *user_handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes,
                    IO_STATUS_BLOCK *user_iosb, uint32_t share_access, uint32_t options)
{
    return NtCreateFile(user_handle, access, attributes, user_iosb, NULL, 0, share_access,
                        FILE_OPEN, options, NULL, 0);
}

/* The file object behind handle, checked for `access`; directories refuse data transfers. */
static NTSTATUS reference_file(HANDLE handle, ACCESS_MASK access, struct io_file **file,
                               ACCESS_MASK *granted)
{
    return ob_reference_object_by_handle(current(), handle, access, &io_file_type, (void **)file,
                                         granted);
}

static bool synchronous(const struct io_file *file)
{
    return file->options & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT);
}

/* Where a read or write starts: the explicit offset, or the file position of a synchronous handle
 * (FILE_USE_FILE_POINTER_POSITION or no offset), or the end of file for
 * FILE_WRITE_TO_END_OF_FILE. */
static NTSTATUS start_offset(struct io_file *file, const int64_t *user_offset, bool append,
                             uint64_t *offset)
{
    int64_t given = 0;
    bool have = user_offset != NULL;
    if (have) {
        NTSTATUS status = ke_copy_from_user(&given, user_offset, sizeof given, 1);
        if (!NT_SUCCESS(status))
            return status;
    }
    uint32_t low = (uint32_t)given, high = (uint32_t)(given >> 32);
    if (append || (have && high == 0xFFFFFFFFu && low == FILE_WRITE_TO_END_OF_FILE)) {
        struct io_file_info info;
        NTSTATUS status = file->ops->query(file->fcb->fs_file, &info);
        *offset = info.size;
        return status;
    }
    if (!have || (high == 0xFFFFFFFFu && low == FILE_USE_FILE_POINTER_POSITION)) {
        if (!synchronous(file))
            return STATUS_INVALID_PARAMETER;
        *offset = file->position;
        return STATUS_SUCCESS;
    }
    if (given < 0)
        return STATUS_INVALID_PARAMETER;
    *offset = (uint64_t)given;
    return STATUS_SUCCESS;
}

static void signal_event(HANDLE event)
{
    void *object;
    if (event && NT_SUCCESS(ob_reference_object_by_handle(current(), event, EVENT_MODIFY_STATE,
                                                          &ex_event_type, &object, NULL))) {
        ke_set_event(object);
        ob_dereference_object(object);
    }
}

/* Moves data between the file and a user buffer through a bounce buffer, chunk by chunk. */
static NTSTATUS transfer(struct io_file *file, uint64_t offset, uint8_t *user_buffer,
                         uint32_t length, bool write, uint32_t *moved)
{
    uint8_t *bounce = mm_pool_alloc(BOUNCE_SIZE, MM_TAG('I', 'o', 'B', 'f'));
    if (!bounce)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = STATUS_SUCCESS;
    *moved = 0;
    while (NT_SUCCESS(status) && *moved < length) {
        uint32_t chunk = MIN(BOUNCE_SIZE, length - *moved), done = 0;
        void **cache = &file->fcb->section_object_pointers.data_section;
        if (write) {
            status = ke_copy_from_user(bounce, user_buffer + *moved, chunk, 1);
            if (NT_SUCCESS(status))
                status =
                    file->ops->write(file->fcb->fs_file, offset + *moved, bounce, chunk, &done);
            if (NT_SUCCESS(status))
                mm_file_cache_write(cache, offset + *moved, bounce, done);
        } else {
            status = file->ops->read(file->fcb->fs_file, offset + *moved, bounce, chunk, &done);
            if (NT_SUCCESS(status)) {
                mm_file_cache_read(cache, offset + *moved, bounce, done);
                status = ke_copy_to_user(user_buffer + *moved, bounce, done, 1);
            }
        }
        if (NT_SUCCESS(status))
            *moved += done;
        if (done < chunk)
            break; /* end of file */
    }
    mm_pool_free(bounce, MM_TAG('I', 'o', 'B', 'f'));
    return status;
}

/* The checks, the transfer and the new position of one read or write; the file's lock held. */
static NTSTATUS read_write_file(struct io_file *file, ACCESS_MASK granted, void *buffer,
                                uint32_t length, const int64_t *user_offset, bool write,
                                uint32_t *moved)
{
    uint64_t offset = 0;
    bool append_only = write && !(granted & FILE_WRITE_DATA) && (granted & FILE_APPEND_DATA);
    if (!(granted & (write ? FILE_WRITE_DATA | FILE_APPEND_DATA : FILE_READ_DATA)))
        return STATUS_ACCESS_DENIED;
    if (file->fcb->directory)
        return STATUS_INVALID_DEVICE_REQUEST;
    NTSTATUS status = start_offset(file, user_offset, append_only, &offset);
    if (NT_SUCCESS(status))
        status = transfer(file, offset, buffer, length, write, moved);
    if (NT_SUCCESS(status) && !write && *moved == 0 && length > 0)
        status = STATUS_END_OF_FILE;
    if ((NT_SUCCESS(status) || status == STATUS_END_OF_FILE) && synchronous(file))
        file->position = offset + *moved;
    return status;
}

static NTSTATUS read_write(HANDLE handle, HANDLE event, IO_STATUS_BLOCK *user_iosb, void *buffer,
                           uint32_t length, const int64_t *user_offset, bool write)
{
    struct io_file *file;
    ACCESS_MASK granted;
    uint32_t moved = 0;
    NTSTATUS status = ke_probe_user_write(user_iosb, sizeof(IO_STATUS_BLOCK), sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = write ? ke_probe_user(buffer, length, 1) : ke_probe_user_write(buffer, length, 1);
    if (NT_SUCCESS(status))
        status = reference_file(handle, 0, &file, &granted);
    if (!NT_SUCCESS(status))
        return status;
    io_lock_file(file);
    status = read_write_file(file, granted, buffer, length, user_offset, write, &moved);
    io_unlock_file(file);
    ob_dereference_object(file);
    if (status != STATUS_ACCESS_VIOLATION) {
        NTSTATUS written = io_write_status_block(user_iosb, status, moved);
        if (!NT_SUCCESS(written))
            status = written;
    }
    signal_event(event);
    return status;
}

NTSTATUS NtReadFile(HANDLE handle, HANDLE event, void *apc_routine, void *apc_context,
                    IO_STATUS_BLOCK *user_iosb, void *buffer, uint32_t length,
                    const int64_t *byte_offset, const uint32_t *key)
{
    (void)apc_routine, (void)apc_context, (void)key; /* no APCs; byte-range locks not kept */
    return read_write(handle, event, user_iosb, buffer, length, byte_offset, false);
}

NTSTATUS NtWriteFile(HANDLE handle, HANDLE event, void *apc_routine, void *apc_context,
                     IO_STATUS_BLOCK *user_iosb, const void *buffer, uint32_t length,
                     const int64_t *byte_offset, const uint32_t *key)
{
    (void)apc_routine, (void)apc_context, (void)key;
    return read_write(handle, event, user_iosb, (void *)buffer, length, byte_offset, true);
}

/* ---- information ---- */

struct info_class {
    uint32_t size;
    ACCESS_MASK query_access, set_access;
};

static const struct info_class *info_class(uint32_t class)
{
    static const struct info_class basic = {sizeof(FILE_BASIC_INFORMATION), FILE_READ_ATTRIBUTES,
                                            FILE_WRITE_ATTRIBUTES};
    static const struct info_class standard = {sizeof(FILE_STANDARD_INFORMATION), 0, UINT32_MAX};
    static const struct info_class position = {sizeof(FILE_POSITION_INFORMATION), 0, 0};
    static const struct info_class end = {sizeof(FILE_END_OF_FILE_INFORMATION), UINT32_MAX,
                                          FILE_WRITE_DATA};
    static const struct info_class disposition = {sizeof(FILE_DISPOSITION_INFORMATION), UINT32_MAX,
                                                  DELETE};
    switch (class) {
    case FileBasicInformation: return &basic;
    case FileStandardInformation: return &standard;
    case FilePositionInformation: return &position;
    case FileEndOfFileInformation: return &end;
    case FileDispositionInformation: return &disposition;
    default: return NULL;
    }
}

static NTSTATUS fill_info(struct io_file *file, uint32_t class, void *out)
{
    struct io_file_info info;
    NTSTATUS status = file->ops->query(file->fcb->fs_file, &info);
    if (!NT_SUCCESS(status))
        return status;
    if (class == FileBasicInformation) {
        FILE_BASIC_INFORMATION *b = out;
        *b = (FILE_BASIC_INFORMATION){info.creation_time,
                                      info.last_access_time,
                                      info.last_write_time,
                                      info.last_write_time,
                                      info.attributes ? info.attributes : FILE_ATTRIBUTE_NORMAL,
                                      0};
    } else if (class == FileStandardInformation) {
        FILE_STANDARD_INFORMATION *s = out;
        *s = (FILE_STANDARD_INFORMATION){
            (int64_t)info.allocation_size, (int64_t)info.size,   1,
            file->fcb->delete_pending,     file->fcb->directory, {0, 0}};
    } else {
        ((FILE_POSITION_INFORMATION *)out)->CurrentByteOffset = (int64_t)file->position;
    }
    return STATUS_SUCCESS;
}

NTSTATUS NtQueryInformationFile(HANDLE handle, IO_STATUS_BLOCK *user_iosb, void *user_info,
                                uint32_t length, uint32_t class)
{
    const struct info_class *c = info_class(class);
    union {
        FILE_BASIC_INFORMATION basic;
        FILE_STANDARD_INFORMATION standard;
        FILE_POSITION_INFORMATION position;
    } info;
    struct io_file *file;
    NTSTATUS status = ke_probe_user_write(user_iosb, sizeof(IO_STATUS_BLOCK), sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = ke_probe_user_write(user_info, length, sizeof(uint32_t));
    if (!NT_SUCCESS(status))
        return status;
    if (!c || c->query_access == UINT32_MAX)
        return STATUS_INVALID_INFO_CLASS;
    if (length < c->size)
        return STATUS_INFO_LENGTH_MISMATCH;
    status = reference_file(handle, c->query_access, &file, NULL);
    if (!NT_SUCCESS(status))
        return status;
    io_lock_file(file);
    status = fill_info(file, class, &info);
    io_unlock_file(file);
    ob_dereference_object(file);
    if (NT_SUCCESS(status))
        status = ke_copy_to_user(user_info, &info, c->size, sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = io_write_status_block(user_iosb, STATUS_SUCCESS, c->size);
    return status;
}

/* FileDispositionInformation: NT's checks (a read-only file, the root directory, a directory that
 * is not empty) when a delete is requested; the file goes at its last cleanup, whichever handle. */
static NTSTATUS set_disposition(struct io_file *file, bool pending)
{
    struct io_fcb *fcb = file->fcb;
    NTSTATUS status = STATUS_SUCCESS;
    if (pending && file->ops->can_delete)
        status = file->ops->can_delete(fcb->fs_file);
    if (pending && NT_SUCCESS(status) && mm_file_mapped(&fcb->section_object_pointers.data_section))
        status = STATUS_CANNOT_DELETE; /* NT: a mapped file cannot be deleted */
    if (NT_SUCCESS(status))
        fcb->delete_pending = pending;
    return status;
}

static NTSTATUS apply_info(struct io_file *file, uint32_t class, const void *in)
{
    void *fs_file = file->fcb->fs_file;
    switch (class) {
    case FileBasicInformation: {
        const FILE_BASIC_INFORMATION *b = in;
        return file->ops->set_basic(fs_file, b->CreationTime, b->LastAccessTime, b->LastWriteTime,
                                    b->FileAttributes);
    }
    case FilePositionInformation: {
        int64_t p = ((const FILE_POSITION_INFORMATION *)in)->CurrentByteOffset;
        if (p < 0)
            return STATUS_INVALID_PARAMETER;
        file->position = (uint64_t)p;
        return STATUS_SUCCESS;
    }
    case FileEndOfFileInformation: {
        int64_t size = ((const FILE_END_OF_FILE_INFORMATION *)in)->EndOfFile;
        if (size < 0)
            return STATUS_INVALID_PARAMETER;
        if (file->fcb->directory)
            return STATUS_INVALID_PARAMETER;
        NTSTATUS status =
            mm_file_truncating(&file->fcb->section_object_pointers.data_section, (uint64_t)size);
        return NT_SUCCESS(status) ? file->ops->set_end_of_file(fs_file, (uint64_t)size) : status;
    }
    default:
        return set_disposition(file, ((const FILE_DISPOSITION_INFORMATION *)in)->DeleteFile != 0);
    }
}

NTSTATUS NtSetInformationFile(HANDLE handle, IO_STATUS_BLOCK *user_iosb, const void *user_info,
                              uint32_t length, uint32_t class)
{
    const struct info_class *c = info_class(class);
    union {
        FILE_BASIC_INFORMATION basic;
        FILE_POSITION_INFORMATION position;
        FILE_END_OF_FILE_INFORMATION end;
        FILE_DISPOSITION_INFORMATION disposition;
    } info;
    struct io_file *file;
    NTSTATUS status = ke_probe_user_write(user_iosb, sizeof(IO_STATUS_BLOCK), sizeof(uint32_t));
    if (!NT_SUCCESS(status))
        return status;
    if (class == FileRenameInformation) {
        status = reference_file(handle, DELETE, &file, NULL);
        if (!NT_SUCCESS(status))
            return status;
        io_lock_file(file);
        status = io_rename_file(file, user_info, length);
        io_unlock_file(file);
        ob_dereference_object(file);
        return NT_SUCCESS(status) ? io_write_status_block(user_iosb, STATUS_SUCCESS, 0) : status;
    }
    if (!c || c->set_access == UINT32_MAX)
        return STATUS_INVALID_INFO_CLASS;
    if (length < c->size)
        return STATUS_INFO_LENGTH_MISMATCH;
    status = ke_copy_from_user(&info, user_info, c->size, c->size >= 4 ? sizeof(uint32_t) : 1);
    if (NT_SUCCESS(status))
        status = reference_file(handle, c->set_access, &file, NULL);
    if (!NT_SUCCESS(status))
        return status;
    io_lock_file(file);
    status = apply_info(file, class, &info);
    io_unlock_file(file);
    ob_dereference_object(file);
    if (NT_SUCCESS(status))
        status = io_write_status_block(user_iosb, STATUS_SUCCESS, 0);
    return status;
}

NTSTATUS NtFlushBuffersFile(HANDLE handle, IO_STATUS_BLOCK *user_iosb)
{
    struct io_file *file;
    ACCESS_MASK granted;
    NTSTATUS status = ke_probe_user_write(user_iosb, sizeof(IO_STATUS_BLOCK), sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = reference_file(handle, 0, &file, &granted);
    if (!NT_SUCCESS(status))
        return status;
    if (!(granted & (FILE_WRITE_DATA | FILE_APPEND_DATA)))
        status = STATUS_ACCESS_DENIED;
    else
        status = mm_file_flush(&file->fcb->section_object_pointers.data_section);
    if (NT_SUCCESS(status))
        io_flush_all_volumes(); /* one volume in practice: FAT keeps no per-file buffers */
    ob_dereference_object(file);
    if (NT_SUCCESS(status))
        status = io_write_status_block(user_iosb, STATUS_SUCCESS, 0);
    return status;
}

/* FileFsSizeInformation only; no access right is needed for it (as in NT). */
NTSTATUS NtQueryVolumeInformationFile(HANDLE handle, IO_STATUS_BLOCK *user_iosb, void *user_info,
                                      uint32_t length, uint32_t class)
{
    struct io_file *file;
    struct io_volume_info v;
    FILE_FS_SIZE_INFORMATION info;
    NTSTATUS status = ke_probe_user_write(user_iosb, sizeof(IO_STATUS_BLOCK), sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = ke_probe_user_write(user_info, length, sizeof(uint32_t));
    if (!NT_SUCCESS(status))
        return status;
    if (class != FileFsSizeInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (length < sizeof info)
        return STATUS_INFO_LENGTH_MISMATCH;
    status = reference_file(handle, 0, &file, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = io_query_volume(file, &v);
    ob_dereference_object(file);
    if (!NT_SUCCESS(status))
        return status;
    info = (FILE_FS_SIZE_INFORMATION){(int64_t)v.total_units, (int64_t)v.free_units,
                                      v.sectors_per_unit, v.bytes_per_sector};
    status = ke_copy_to_user(user_info, &info, sizeof info, sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = io_write_status_block(user_iosb, STATUS_SUCCESS, sizeof info);
    return status;
}
