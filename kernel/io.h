/* kernel/io.h: the I/O manager: mounted volumes (drive letters), file objects, and the interface a
 * file system provides (an ops table, STYLE rule 5). NtCreateFile and friends (kernel/io_services.c)
 * resolve \??\C:\path to a volume and a path inside it, and call the volume's file system. */
#ifndef PAGODA_IO_H
#define PAGODA_IO_H

#include "kernel/ntfile.h"
#include "kernel/ob.h"
#include "kernel/types.h"

/* What a file system reports about a file. Times are NT times (100 ns since 1601). */
struct io_file_info {
    uint64_t size;
    uint64_t allocation_size;
    uint32_t attributes; /* FILE_ATTRIBUTE_*; FILE_ATTRIBUTE_DIRECTORY for directories */
    int64_t creation_time;
    int64_t last_write_time;
    int64_t last_access_time;
};

#define IO_NAME_MAX 255

/* One directory entry, as a file system enumerates it. */
struct io_dir_entry {
    WCHAR name[IO_NAME_MAX + 1];
    uint32_t name_chars;
    WCHAR short_name[12]; /* 8.3, when the file system has one */
    uint32_t short_name_chars;
    struct io_file_info info;
};

/* A file system's operations on its volume (`fs`) and open files (`file`). Paths are relative to the
 * volume root: "\\dir\\name" (possibly empty for the root), UTF-16, case-insensitive. */
/* clang-format 14 cannot lay out multi-line function-pointer members stably: */
/* clang-format off */
struct io_fs_ops {
    const char *name;
    NTSTATUS (*create)(void *fs, const WCHAR *path, size_t chars, uint32_t disposition,
                       uint32_t options, uint32_t attributes, void **file, uint32_t *action);
    NTSTATUS (*close)(void *file);
    NTSTATUS (*read)(void *file, uint64_t offset, void *buf, uint32_t len, uint32_t *done);
    NTSTATUS (*write)(void *file, uint64_t offset, const void *buf, uint32_t len, uint32_t *n);
    NTSTATUS (*set_end_of_file)(void *file, uint64_t size);
    NTSTATUS (*query)(void *file, struct io_file_info *info);
    /* Times of 0 and attributes of 0 leave those unchanged. */
    NTSTATUS (*set_basic)(void *file, int64_t created, int64_t accessed, int64_t written,
                          uint32_t attributes);
    NTSTATUS (*delete)(void *file); /* the file goes now (NT: when the last handle closes) */
    NTSTATUS (*flush)(void *fs);
    /* The entry at *cursor in a directory, advancing the cursor; STATUS_NO_MORE_FILES at the end. */
    NTSTATUS (*enumerate)(void *dir, uint32_t *cursor, struct io_dir_entry *entry);
    /* Moves the file to path (on the same volume); STATUS_OBJECT_NAME_COLLISION unless replace. */
    NTSTATUS (*rename)(void *file, const WCHAR *path, size_t chars, bool replace);
};
/* clang-format on */

/* Mounts fs (with ops) as drive letter 'A'..'Z'; STATUS_OBJECT_NAME_COLLISION if taken. */
NTSTATUS io_mount_volume(WCHAR letter, const struct io_fs_ops *ops, void *fs);
/* Unmounts (flushing) a letter; STATUS_OBJECT_NAME_NOT_FOUND if none. Open files must be closed. */
NTSTATUS io_unmount_volume(WCHAR letter);
/* Mounts the first FAT partition as C: (kernel/io_fat.c); logs when there is none. */
void io_mount_system_volume(void);
/* Flushes every mounted volume, then every block device's write cache (clean shutdown). */
void io_flush_all_volumes(void);

/* A file object (the body of an object of type io_file_type, "File"). */
struct io_file {
    const struct io_fs_ops *ops;
    void *fs_file;
    uint64_t position; /* used by synchronous handles */
    uint32_t options; /* the create options */
    bool directory;
    bool delete_on_close;
    WCHAR letter;
    uint32_t dir_cursor; /* NtQueryDirectoryFile's place */
    WCHAR *dir_pattern; /* its file-name filter, kept from the first query */
    size_t dir_pattern_chars;
};
extern struct ob_type io_file_type;

/* \??\X:\rest -> the drive letter and "\rest" (empty for the root). STATUS_OBJECT_PATH_SYNTAX_BAD,
 * STATUS_OBJECT_PATH_NOT_FOUND for a path outside \??\X:. */
NTSTATUS io_split_path(const WCHAR *path, size_t chars, WCHAR *letter, const WCHAR **rest,
                       size_t *rest_chars);
/* Writes an IO_STATUS_BLOCK to user mode (fault-safe). */
NTSTATUS io_write_status_block(IO_STATUS_BLOCK *user_iosb, NTSTATUS status, uintptr_t information);
/* FileRenameInformation from user mode (kernel/io_directory.c). */
NTSTATUS io_rename_file(struct io_file *file, const void *user_info, uint32_t length);
/* Does name match an NT file-name pattern (* ? and the DOS wildcards < > "), ignoring case? */
bool io_name_matches(const WCHAR *pattern, size_t pattern_chars, const WCHAR *name, size_t chars);

/* Opens or creates a file for the current process as NtCreateFile does, from a captured full path
 * (\??\C:\...). Returns the file object (one reference) and the action. */
NTSTATUS io_create_file(const WCHAR *path, size_t chars, uint32_t disposition, uint32_t options,
                        uint32_t attributes, struct io_file **file, uint32_t *action);

#endif
