/* kernel/io/file.c: volumes, file control blocks and file objects. A path \??\X:\rest names drive
 * X, whose file system opens "\rest"; every open of one file shares its FCB (sharing modes, delete
 * pending, section pointers) and has its own file object (position, directory cursor). The last
 * handle of a file object cleans it up (NT's IRP_MJ_CLEANUP: its sharing goes, and the last one
 * of a delete-pending file deletes it); the last reference closes it. */
#include "kernel/ke/arch.h"
#include "kernel/io/blockdev.h"
#include "kernel/io/io.h"
#include "kernel/ke/ke.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

struct volume {
    const struct io_fs_ops *ops;
    void *fs;
    uint32_t open_files; /* file objects */
    struct list_entry fcbs; /* the FCBs of its open files */
};

static struct volume volumes[26];

static void file_close(void *object, struct ps_process *process, uint32_t process_handles);
static void file_delete(void *object);

struct ob_type io_file_type = {
    .name = "File",
    .pool_tag = MM_TAG('F', 'i', 'l', 'e'),
    .valid_access = FILE_ALL_ACCESS,
    .generic = {READ_CONTROL | FILE_READ_DATA | FILE_READ_ATTRIBUTES | FILE_READ_EA | SYNCHRONIZE,
                READ_CONTROL | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA |
                    FILE_APPEND_DATA | SYNCHRONIZE,
                READ_CONTROL | FILE_READ_ATTRIBUTES | FILE_EXECUTE | SYNCHRONIZE, FILE_ALL_ACCESS},
    .delete_procedure = file_delete,
    .close_procedure = file_close,
};

static struct volume *volume_for(WCHAR letter)
{
    if (letter >= 'a' && letter <= 'z')
        letter = (WCHAR)(letter - 'a' + 'A');
    if (letter < 'A' || letter > 'Z')
        return NULL;
    return &volumes[letter - 'A'];
}

NTSTATUS io_mount_volume(WCHAR letter, const struct io_fs_ops *ops, void *fs)
{
    struct volume *v = volume_for(letter);
    if (!v || !ops || !fs)
        return STATUS_INVALID_PARAMETER;
    if (v->ops)
        return STATUS_OBJECT_NAME_COLLISION;
    *v = (struct volume){ops, fs, 0, {NULL, NULL}};
    list_init(&v->fcbs);
    ke_info("io: %c: mounted (%s)\n", (char)letter, ops->name);
    return STATUS_SUCCESS;
}

NTSTATUS io_unmount_volume(WCHAR letter)
{
    struct volume *v = volume_for(letter);
    if (!v || !v->ops)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (v->open_files)
        return STATUS_ACCESS_DENIED; /* NT: the volume is in use */
    if (v->ops->flush)
        v->ops->flush(v->fs);
    *v = (struct volume){0};
    return STATUS_SUCCESS;
}

void io_flush_all_volumes(void)
{
    for (unsigned i = 0; i < 26; i++)
        if (volumes[i].ops && volumes[i].ops->flush)
            volumes[i].ops->flush(volumes[i].fs);
    for (uint32_t i = 0; i < io_block_device_count(); i++) {
        struct io_block_device *dev = io_block_device_at(i);
        if (dev->flush)
            dev->flush(dev); /* the drives' write caches */
    }
}

static struct ke_shutdown_callout flush_at_shutdown = {.routine = io_flush_all_volumes};

void io_init(void) { hal_register_shutdown_callout(&flush_at_shutdown); }

NTSTATUS io_query_volume(struct io_file *file, struct io_volume_info *info)
{
    struct volume *v = &volumes[file->letter - 'A'];
    return v->ops->query_volume ? v->ops->query_volume(v->fs, info) : STATUS_INVALID_DEVICE_REQUEST;
}

static bool is_prefix_char(WCHAR c, char want) { return c == (WCHAR)want; }

/* \??\X: followed by nothing or by '\' and the rest. Sets the letter and the path on the volume. */
NTSTATUS io_split_path(const WCHAR *path, size_t chars, WCHAR *letter, const WCHAR **rest,
                       size_t *rest_chars)
{
    static const char prefix[] = "\\??\\";
    if (chars < 6)
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    for (unsigned i = 0; i < 4; i++)
        if (!is_prefix_char(path[i], prefix[i]))
            return STATUS_OBJECT_PATH_NOT_FOUND; /* no other namespace holds files yet */
    if (path[5] != ':' || (chars > 6 && path[6] != '\\'))
        return STATUS_OBJECT_PATH_NOT_FOUND;
    *letter = path[4];
    *rest = path + 6;
    *rest_chars = chars - 6 == 1 ? 0 : chars - 6; /* "X:\" and "X:" are both the root */
    return STATUS_SUCCESS;
}

static struct io_fcb *find_fcb(struct volume *v, void *fs_file)
{
    LIST_FOR_EACH(e, &v->fcbs)
    {
        struct io_fcb *fcb = CONTAINING_RECORD(e, struct io_fcb, link);
        if (fcb->fs_file == fs_file)
            return fcb;
    }
    return NULL;
}

/* Points file at the FCB of fs_file (the file system's object, one per file), making the FCB at
 * the file's first open. Nothing here waits, so an open found by the file system and its FCB
 * cannot be separated by another thread's close. */
static NTSTATUS attach_fcb(struct volume *v, struct io_file *file, void *fs_file)
{
    struct io_fcb *fcb = find_fcb(v, fs_file);
    if (!fcb) {
        fcb = mm_pool_alloc(sizeof *fcb, io_file_type.pool_tag);
        if (!fcb)
            return STATUS_INSUFFICIENT_RESOURCES;
        memset(fcb, 0, sizeof *fcb);
        fcb->fs_file = fs_file;
        list_insert_tail(&v->fcbs, &fcb->link);
    }
    fcb->references++;
    file->fcb = fcb;
    v->open_files++;
    return STATUS_SUCCESS;
}

static bool replaces(uint32_t disposition)
{
    return disposition == FILE_SUPERSEDE || disposition == FILE_OVERWRITE ||
           disposition == FILE_OVERWRITE_IF;
}

/* What the file system is asked: a replacing disposition opens (or creates) first; the I/O
 * manager overwrites once the sharing allows it. */
static uint32_t fs_disposition(uint32_t disposition)
{
    if (disposition == FILE_SUPERSEDE || disposition == FILE_OVERWRITE_IF)
        return FILE_OPEN_IF;
    return disposition == FILE_OVERWRITE ? FILE_OPEN : disposition;
}

/* NT's checks of an open of an existing file, in FASTFAT's order: a delete-on-close open of a file
 * that cannot be deleted, a delete-pending file, a read-only file opened for writing. */
static NTSTATUS check_existing(struct io_file *file, const struct io_open *open,
                               const struct io_file_info *info)
{
    struct io_fcb *fcb = file->fcb;
    ACCESS_MASK writes = FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE;
    NTSTATUS status = STATUS_SUCCESS;
    if ((open->options & FILE_DELETE_ON_CLOSE) && file->ops->can_delete)
        status = file->ops->can_delete(fcb->fs_file); /* may wait: before the state is read */
    if (NT_SUCCESS(status) && fcb->delete_pending)
        status = STATUS_DELETE_PENDING;
    if (NT_SUCCESS(status) && !fcb->directory && (open->access & writes) &&
        (info->attributes & FILE_ATTRIBUTE_READONLY))
        status = STATUS_ACCESS_DENIED;
    /* An image section maps the file as it is: NT refuses writers (MmFlushImageSection). */
    if (NT_SUCCESS(status) && (open->access & writes) &&
        mm_file_has_segment(&fcb->section_object_pointers.image_section))
        status = STATUS_SHARING_VIOLATION;
    return status;
}

/* Counts the open in the FCB's sharing, then applies a replacing disposition. An overwrite counts
 * as a writer while it runs (FASTFAT adds FILE_WRITE_DATA for the check), then the open is
 * counted with the access it asked for. */
static NTSTATUS share_and_replace(struct io_file *file, const struct io_open *open,
                                  uint32_t *action)
{
    struct io_fcb *fcb = file->fcb;
    bool replace = *action == FILE_OPENED && replaces(open->disposition);
    ACCESS_MASK access = open->access | (replace ? FILE_WRITE_DATA : 0);
    NTSTATUS status = io_check_share_access(access, open->share, file, &fcb->share_access);
    if (!NT_SUCCESS(status))
        return status;
    file->counted = true;
    fcb->unclean++;
    if (!replace)
        return STATUS_SUCCESS;
    status = file->ops->overwrite(fcb->fs_file, open->attributes);
    if (!NT_SUCCESS(status))
        return status; /* the file object's cleanup uncounts it */
    *action = open->disposition == FILE_SUPERSEDE ? FILE_SUPERSEDED : FILE_OVERWRITTEN;
    io_remove_share_access(file, &fcb->share_access);
    io_set_share_access(open->access, open->share, file, &fcb->share_access);
    return STATUS_SUCCESS;
}

/* The checks and the disposition of an open whose FCB is attached. */
static NTSTATUS open_fcb(struct io_file *file, const struct io_open *open, uint32_t *action)
{
    struct io_file_info info;
    NTSTATUS status = file->ops->query(file->fcb->fs_file, &info);
    if (!NT_SUCCESS(status))
        return status;
    file->fcb->directory = (info.attributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
    if (*action == FILE_OPENED)
        status = check_existing(file, open, &info);
    if (NT_SUCCESS(status))
        status = share_and_replace(file, open, action);
    if (NT_SUCCESS(status))
        file->delete_on_close = (open->options & FILE_DELETE_ON_CLOSE) != 0;
    return status;
}

NTSTATUS io_create_file(const WCHAR *path, size_t chars, const struct io_open *open,
                        struct io_file **out, uint32_t *action)
{
    WCHAR letter;
    const WCHAR *rest;
    size_t rest_chars;
    struct io_file *file;
    void *fs_file;
    NTSTATUS status = io_split_path(path, chars, &letter, &rest, &rest_chars);
    if (!NT_SUCCESS(status))
        return status;
    struct volume *v = volume_for(letter);
    if (!v || !v->ops)
        return STATUS_OBJECT_PATH_NOT_FOUND;
    status = ob_create_object(&io_file_type, sizeof *file, NULL, 0, (void **)&file);
    if (!NT_SUCCESS(status))
        return status;
    ke_init_lock(&file->lock, "file object");
    file->ops = v->ops;
    file->options = open->options;
    file->letter = (WCHAR)('A' + (v - volumes));
    status = v->ops->create(v->fs, rest, rest_chars, fs_disposition(open->disposition),
                            open->options, open->attributes, &fs_file, action);
    if (NT_SUCCESS(status) && !NT_SUCCESS(status = attach_fcb(v, file, fs_file)))
        v->ops->close(fs_file);
    if (NT_SUCCESS(status))
        status = open_fcb(file, open, action);
    if (!NT_SUCCESS(status)) {
        ob_dereference_object(file); /* cleans up and closes what was opened */
        return status;
    }
    *out = file;
    return STATUS_SUCCESS;
}

static bool synchronous(const struct io_file *file)
{
    return file->options & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT);
}

void io_lock_file(struct io_file *file)
{
    if (synchronous(file))
        ke_acquire_lock(&file->lock);
}

void io_unlock_file(struct io_file *file)
{
    if (synchronous(file))
        ke_release_lock(&file->lock);
}

/* The file goes at the last cleanup of a delete-pending file; if it cannot (a directory that
 * filled up meanwhile), it stays and is no longer delete-pending. */
static void delete_file(struct io_file *file)
{
    NTSTATUS status = mm_file_deleting(&file->fcb->section_object_pointers.data_section);
    if (NT_SUCCESS(status))
        status = file->ops->delete (file->fcb->fs_file);
    if (!NT_SUCCESS(status)) {
        ke_warn("io: %c: deleting a file at its last close failed (%08x)\n", (char)file->letter,
                (uint32_t)status);
        file->fcb->delete_pending = false;
    }
}

/* NT's cleanup, when the file object's last handle closes: its sharing goes, a delete-on-close
 * open makes the file delete-pending, and the last cleanup of a delete-pending file deletes it. */
static void cleanup(struct io_file *file)
{
    struct io_fcb *fcb = file->fcb;
    if (!file->counted)
        return;
    file->counted = false;
    io_remove_share_access(file, &fcb->share_access);
    if (file->delete_on_close &&
        (!file->ops->can_delete || NT_SUCCESS(file->ops->can_delete(fcb->fs_file))))
        fcb->delete_pending = true;
    ASSERT(fcb->unclean > 0);
    if (--fcb->unclean == 0 && fcb->delete_pending)
        delete_file(file);
}

static void file_close(void *object, struct ps_process *process, uint32_t process_handles)
{
    (void)process, (void)process_handles;
    if (ob_handle_count(object) == 1) /* the handle being closed is the last */
        cleanup(object);
}

/* The last reference: a file object that never had a handle is cleaned up here; the FCB goes with
 * its last file object (off the volume's list before the file system's close, which waits). */
static void file_delete(void *object)
{
    struct io_file *file = object;
    struct io_fcb *fcb = file->fcb;
    if (file->dir_pattern)
        mm_pool_free(file->dir_pattern, io_file_type.pool_tag);
    if (!fcb)
        return; /* the create failed before the file system opened anything */
    cleanup(file);
    void *fs_file = fcb->fs_file;
    ASSERT(fcb->references > 0);
    if (--fcb->references == 0) {
        ASSERT(fcb->unclean == 0 && fcb->share_access.open_count == 0);
        ASSERT(!fcb->section_object_pointers.data_section &&
               !fcb->section_object_pointers.image_section);
        list_remove(&fcb->link);
        mm_pool_free(fcb, io_file_type.pool_tag);
    }
    file->ops->close(fs_file);
    volumes[file->letter - 'A'].open_files--;
}
