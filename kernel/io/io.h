/* kernel/io/io.h: the I/O manager: mounted volumes (drive letters), file objects, and the interface
 * a file system provides (an ops table, STYLE rule 5). NtCreateFile and friends
 * (kernel/io/services.c) resolve \??\C:\path to a volume and a path inside it, and call the
 * volume's file system. */
#ifndef PAGODA_IO_H
#define PAGODA_IO_H

#include "kernel/ke/lock.h"
#include "kernel/rtl/list.h"
#include "kernel/ndk/ntfile.h"
#include "kernel/ob/ob.h"
#include "kernel/ndk/types.h"

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

/* What a file system reports about a volume (NT's FileFsSizeInformation). */
struct io_volume_info {
    uint64_t total_units, free_units; /* allocation units (clusters) */
    uint32_t sectors_per_unit, bytes_per_sector;
};

/* A file system's operations on its volume (`fs`) and open files (`file`). Paths are relative to
 * the volume root: "\\dir\\name" (possibly empty for the root), UTF-16, case-insensitive.
 * A file system keeps one object per open file: create returns the same `file` for every open of
 * the same file, with a reference per call that close drops, so the I/O manager finds the file's
 * FCB (struct io_fcb) by that pointer. */
/* clang-format 14 cannot lay out multi-line function-pointer members stably: */
/* clang-format off */
struct io_fs_ops {
    const char *name;
    /* disposition is FILE_OPEN, FILE_CREATE or FILE_OPEN_IF: the I/O manager opens the file of a
     * superseding or overwriting create this way, checks sharing, then calls overwrite. *action is
     * FILE_OPENED or FILE_CREATED. */
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
    /* Size 0 and the attributes of a superseding or overwriting create; directories refuse
     * (STATUS_ACCESS_DENIED for the root, STATUS_FILE_IS_A_DIRECTORY for others, as FAT). */
    NTSTATUS (*overwrite)(void *file, uint32_t attributes);
    /* Whether delete would succeed (STATUS_CANNOT_DELETE, STATUS_DIRECTORY_NOT_EMPTY): NT's checks
     * when a delete is requested. */
    NTSTATUS (*can_delete)(void *file);
    /* The file goes now; the I/O manager calls it at the last close of a delete-pending file. */
    NTSTATUS (*delete)(void *file);
    NTSTATUS (*flush)(void *fs);
    NTSTATUS (*query_volume)(void *fs, struct io_volume_info *info);
    /* The entry at *cursor in a directory, advancing the cursor; STATUS_NO_MORE_FILES at the
     * end. */
    NTSTATUS (*enumerate)(void *dir, uint32_t *cursor, struct io_dir_entry *entry);
    /* Moves the file to path (on the same volume); STATUS_OBJECT_NAME_COLLISION unless replace;
     * STATUS_ACCESS_DENIED when the target is open or a directory being renamed has an open file
     * below it (NT's rules). */
    NTSTATUS (*rename)(void *file, const WCHAR *path, size_t chars, bool replace);
};
/* clang-format on */

/* Mounts fs (with ops) as drive letter 'A'..'Z'; STATUS_OBJECT_NAME_COLLISION if taken. */
NTSTATUS io_mount_volume(WCHAR letter, const struct io_fs_ops *ops, void *fs);
/* Unmounts (flushing) a letter; STATUS_OBJECT_NAME_NOT_FOUND if none. Open files must be closed. */
NTSTATUS io_unmount_volume(WCHAR letter);
/* How the memory manager reads and writes a file object's data (kernel/io/pager.c). */
struct mm_file_pager;
extern const struct mm_file_pager io_file_pager;

/* Flushes every mounted volume, then every block device's write cache (and at shutdown: io_init
 * registers it as a shutdown callout). */
void io_flush_all_volumes(void);
/* Sets up what the I/O manager needs before the first device: its shutdown callout. */
void io_init(void);

/* The pointers the memory manager hangs on a file (NT's SECTION_OBJECT_POINTERS): the data section
 * that maps its contents and the image section the loader makes of it. One pair per file, in its
 * FCB, so that every open of the file finds the same sections. NULL until the VM manager exists;
 * an FCB is freed only while both are NULL. */
struct io_section_object_pointers {
    void *data_section;
    void *image_section;
};

/* NT's SHARE_ACCESS: how the file's opens use it, and what they let other opens do. Only opens with
 * read (FILE_READ_DATA, FILE_EXECUTE), write (FILE_WRITE_DATA, FILE_APPEND_DATA) or DELETE access
 * count; opens for the attributes alone neither conflict nor are counted. */
struct io_share_access {
    uint32_t open_count;
    uint32_t readers, writers, deleters;
    uint32_t shared_read, shared_write, shared_delete;
};

/* The file control block: one per open file of a volume, shared by every file object that opens
 * the file (NT's FsContext), so they share the sharing state, the delete-pending state and (later)
 * the sections. Found on the volume by the file system's per-file object, which is also one per
 * file. Lives while any file object points at it. */
struct io_fcb {
    struct list_entry link; /* in the volume's list */
    void *fs_file; /* the file system's object for the file */
    uint32_t references; /* file objects that point here */
    uint32_t unclean; /* of those, the ones whose handles are not all closed (NT's UncleanCount) */
    bool directory;
    /* Delete pending: the file goes when `unclean` reaches 0; new opens get
     * STATUS_DELETE_PENDING. */
    bool delete_pending;
    struct io_share_access share_access;
    struct io_section_object_pointers section_object_pointers;
};

/* A file object (the body of an object of type io_file_type, "File"): one open of a file. */
struct io_file {
    struct io_fcb *fcb;
    const struct io_fs_ops *ops;
    uint64_t position; /* used by synchronous handles */
    uint32_t options; /* the create options */
    /* How this open counts in the FCB's share access (NT's FILE_OBJECT fields). */
    bool read_access, write_access, delete_access;
    bool shared_read, shared_write, shared_delete;
    bool delete_on_close; /* FILE_DELETE_ON_CLOSE: the file becomes delete-pending at its cleanup */
    bool counted; /* in the FCB's share access and `unclean`, from a successful open to cleanup */
    WCHAR letter;
    uint32_t dir_cursor; /* NtQueryDirectoryFile's place */
    WCHAR *dir_pattern; /* its file-name filter, kept from the first query */
    size_t dir_pattern_chars;
    struct ke_lock lock; /* io_lock_file: the requests on a synchronous handle, one at a time */
};
extern struct ob_type io_file_type;

/* NT serializes the requests on a synchronous file object (FILE_SYNCHRONOUS_IO_*: NT's file object
 * lock): each reads and moves the position, or the directory cursor, across waits (the disk, a
 * copy of user memory). Nothing for other handles. A sleeping lock (kernel/ke/lock.h), taken
 * outside the file system's. */
void io_lock_file(struct io_file *file);
void io_unlock_file(struct io_file *file);

/* \??\X:\rest -> the drive letter and "\rest" (empty for the root). STATUS_OBJECT_PATH_SYNTAX_BAD,
 * STATUS_OBJECT_PATH_NOT_FOUND for a path outside \??\X:. */
NTSTATUS io_split_path(const WCHAR *path, size_t chars, WCHAR *letter, const WCHAR **rest,
                       size_t *rest_chars);
/* The size and free space of the volume holding file (FileFsSizeInformation). */
NTSTATUS io_query_volume(struct io_file *file, struct io_volume_info *info);
/* Writes an IO_STATUS_BLOCK to user mode (fault-safe). */
NTSTATUS io_write_status_block(IO_STATUS_BLOCK *user_iosb, NTSTATUS status, uintptr_t information);
/* FileRenameInformation from user mode (kernel/io/directory.c). */
NTSTATUS io_rename_file(struct io_file *file, const void *user_info, uint32_t length);
/* Does name match an NT file-name pattern (* ? and the DOS wildcards < > "), ignoring case? */
bool io_name_matches(const WCHAR *pattern, size_t pattern_chars, const WCHAR *name, size_t chars);

/* NtCreateFile's request, its parameters already checked; access is mapped (no GENERIC_*). */
struct io_open {
    ACCESS_MASK access;
    uint32_t share; /* FILE_SHARE_* */
    uint32_t disposition, options, attributes;
};

/* Opens or creates a file as NtCreateFile does, from a captured full path (\??\C:\...): finds or
 * makes its FCB, refuses a delete-pending file (STATUS_DELETE_PENDING), a read-only one for writing
 * (STATUS_ACCESS_DENIED) and an open that conflicts with the others (STATUS_SHARING_VIOLATION),
 * then supersedes or overwrites. Returns the file object (one reference) and the action. */
NTSTATUS io_create_file(const WCHAR *path, size_t chars, const struct io_open *open,
                        struct io_file **file, uint32_t *action);

/* ---- share access (kernel/io/share.c): NT's IoCheckShareAccess, IoSetShareAccess and
 * IoRemoveShareAccess, for any file system; the FCB holds the counts. ---- */
/* Checks an open with `access` and `share` against the file's other opens and, when it fits,
 * records it in `file` and counts it. STATUS_SHARING_VIOLATION (nothing recorded) when it wants an
 * access that some open does not share, or does not share an access that some open has. */
NTSTATUS io_check_share_access(ACCESS_MASK access, uint32_t share, struct io_file *file,
                               struct io_share_access *share_access);
/* Records and counts an open without checking (the first open of a file, or re-counting one). */
void io_set_share_access(ACCESS_MASK access, uint32_t share, struct io_file *file,
                         struct io_share_access *share_access);
/* Uncounts what `file` recorded (at its cleanup). */
void io_remove_share_access(struct io_file *file, struct io_share_access *share_access);

#endif
