/* kernel/io_file.c: volumes and file objects. A path \??\X:\rest names drive X, whose file system
 * opens "\rest"; the file object keeps the file system's handle, the position of synchronous
 * handles and the delete-on-close flag, and closes the file when its last reference goes. */
#include "kernel/arch.h"
#include "kernel/blockdev.h"
#include "kernel/io.h"
#include "kernel/ke.h"
#include "mm/mm.h"

struct volume {
    const struct io_fs_ops *ops;
    void *fs;
    uint32_t open_files;
};

static struct volume volumes[26];

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
    *v = (struct volume){ops, fs, 0};
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

NTSTATUS io_create_file(const WCHAR *path, size_t chars, uint32_t disposition, uint32_t options,
                        uint32_t attributes, struct io_file **out, uint32_t *action)
{
    WCHAR letter;
    const WCHAR *rest;
    size_t rest_chars;
    NTSTATUS status = io_split_path(path, chars, &letter, &rest, &rest_chars);
    if (!NT_SUCCESS(status))
        return status;
    struct volume *v = volume_for(letter);
    if (!v || !v->ops)
        return STATUS_OBJECT_PATH_NOT_FOUND;
    struct io_file *file;
    status = ob_create_object(&io_file_type, sizeof *file, NULL, 0, (void **)&file);
    if (!NT_SUCCESS(status))
        return status;
    void *fs_file;
    status =
        v->ops->create(v->fs, rest, rest_chars, disposition, options, attributes, &fs_file, action);
    if (!NT_SUCCESS(status)) {
        ob_dereference_object(file);
        return status;
    }
    struct io_file_info info;
    file->ops = v->ops;
    file->fs_file = fs_file;
    file->options = options;
    file->letter = (WCHAR)('A' + (v - volumes));
    file->delete_on_close = (options & FILE_DELETE_ON_CLOSE) != 0;
    file->directory =
        NT_SUCCESS(v->ops->query(fs_file, &info)) && (info.attributes & FILE_ATTRIBUTE_DIRECTORY);
    v->open_files++;
    *out = file;
    return STATUS_SUCCESS;
}

static void file_delete(void *object)
{
    struct io_file *file = object;
    if (file->dir_pattern)
        mm_pool_free(file->dir_pattern, io_file_type.pool_tag);
    if (!file->ops)
        return; /* the create failed before the file system opened anything */
    if (file->delete_on_close && file->ops->delete)
        file->ops->delete (file->fs_file);
    file->ops->close(file->fs_file);
    volumes[file->letter - 'A'].open_files--;
}
