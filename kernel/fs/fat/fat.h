/* kernel/fs/fat/fat.h: the FAT12/16/32 file-system library with long file names, on a block device
 * (kernel/io/blockdev.h). Pure C11: compiled into the kernel and, with sanitizers, into
 * tests/host/test_fat.c.
 *
 * Concurrency: none inside. The caller serializes all calls on one volume (the NT file layer holds
 * a volume lock). One struct fat_file is one open *file* (an FCB), not a handle: every fat_create
 * of the same file returns the same object, with one reference per call, and fat_close drops one,
 * so all opens see one size, one cluster chain and one directory entry. Names are UTF-16 (WCHAR),
 * paths are '\\'-separated, relative to the volume
 * root (a leading '\\' is allowed), compared case-insensitively. Times are NT times (100 ns since
 * 1601, UTC; FAT stores them as they are, no time zone). */
#ifndef PAGODA_FAT_H
#define PAGODA_FAT_H

#include "kernel/io/blockdev.h"
#include "kernel/ndk/ntfile.h"
#include "kernel/ndk/ntstatus.h"
#include "kernel/ndk/types.h"

struct fat_volume;
struct fat_file;

/* Provided by the environment (kernel/fs/fat/kernel_glue.c: pool and ke_query_system_time; the host
 * tests: malloc and a fixed time). fat_alloc returns NULL when out of memory. */
void *fat_alloc(size_t size);
void fat_free(void *p);
int64_t fat_now(void);

#define FAT_NAME_MAX 255 /* UTF-16 units in one long name */

enum fat_type { FAT_TYPE_12 = 12, FAT_TYPE_16 = 16, FAT_TYPE_32 = 32 };

/* Mounts the FAT volume on dev. STATUS_UNRECOGNIZED_VOLUME when the boot sector is not a FAT BPB,
 * STATUS_DISK_CORRUPT_ERROR when it is one whose sizes contradict each other or the device,
 * STATUS_NO_MEMORY, or the device's read error. Reads the BPB and FSInfo only. */
NTSTATUS fat_mount(struct io_block_device *dev, struct fat_volume **out);

/* Writes dirty metadata and (FAT32) FSInfo, flushes the device and frees the volume. Returns the
 * first write error (the volume is freed anyway), or STATUS_INVALID_PARAMETER, changing nothing,
 * while files are open (fat_close them first). */
NTSTATUS fat_unmount(struct fat_volume *vol);

/* Writes every dirty cached sector, FSInfo on FAT32, then the device's own cache. */
NTSTATUS fat_flush(struct fat_volume *vol);

struct fat_volume_info {
    enum fat_type type;
    uint32_t bytes_per_sector;
    uint32_t cluster_size; /* bytes */
    uint32_t cluster_count; /* data clusters */
    uint32_t free_clusters; /* counted from the FAT */
    uint32_t serial;
};
/* Fills info. The first call of a mount counts the free clusters by reading the whole FAT (FSInfo's
 * count is only a hint); later calls use the count that allocation keeps. */
NTSTATUS fat_query_volume(struct fat_volume *vol, struct fat_volume_info *info);

/* Opens or creates path with an NT disposition (FILE_SUPERSEDE .. FILE_OVERWRITE_IF) and options
 * (FILE_DIRECTORY_FILE creates or requires a directory, FILE_NON_DIRECTORY_FILE requires a file).
 * attributes (FILE_ATTRIBUTE_*) are given to a created, superseded or overwritten file. An empty
 * path (or "\\") is the root directory, which can only be opened.
 * Returns STATUS_SUCCESS with *out and *action (FILE_OPENED, FILE_CREATED, FILE_OVERWRITTEN,
 * FILE_SUPERSEDED; action may be NULL), or STATUS_OBJECT_NAME_NOT_FOUND (last component missing),
 * STATUS_OBJECT_PATH_NOT_FOUND (an earlier one missing or not a directory),
 * STATUS_OBJECT_NAME_COLLISION (FILE_CREATE of an existing name), STATUS_OBJECT_NAME_INVALID,
 * STATUS_FILE_IS_A_DIRECTORY, STATUS_NOT_A_DIRECTORY, STATUS_ACCESS_DENIED (overwriting a
 * read-only file), STATUS_INVALID_PARAMETER, STATUS_DISK_FULL, STATUS_FILE_CORRUPT_ERROR,
 * STATUS_NO_MEMORY or a device error. */
NTSTATUS fat_create(struct fat_volume *vol, const WCHAR *path, size_t path_chars,
                    uint32_t disposition, uint32_t options, uint32_t attributes,
                    struct fat_file **out, uint32_t *action);

/* Writes the file's directory entry if it changed and drops the reference of one fat_create; the
 * last one frees the object. */
NTSTATUS fat_close(struct fat_file *file);

/* FILE_SUPERSEDE / FILE_OVERWRITE of an open file: size 0 (its clusters freed), `attributes`, new
 * times. STATUS_ACCESS_DENIED for a read-only file or the root, STATUS_FILE_IS_A_DIRECTORY for
 * other directories. (fat_create applies
 * these dispositions itself; an NT layer that checks sharing first opens and then calls this.) */
NTSTATUS fat_overwrite(struct fat_file *file, uint32_t attributes);

/* Reads up to len bytes at offset; *done is what was read (short at the end of the file).
 * STATUS_END_OF_FILE when offset is at or past the end (len > 0), STATUS_FILE_IS_A_DIRECTORY,
 * STATUS_FILE_CORRUPT_ERROR for a chain shorter than the size or broken. */
NTSTATUS fat_read(struct fat_file *file, uint64_t offset, void *buffer, uint32_t len,
                  uint32_t *done);

/* Writes len bytes at offset, extending the file (a gap is filled with zeros). All or nothing:
 * STATUS_DISK_FULL when the clusters are not there (no cluster of this call stays allocated; a
 * request larger than the free count fails before allocating anything), also when the file would
 * pass 4 GiB - 1. Sets the archive bit and the last-write time. */
NTSTATUS fat_write(struct fat_file *file, uint64_t offset, const void *buffer, uint32_t len,
                   uint32_t *done);

/* Sets the size: extends with zeros (STATUS_DISK_FULL as fat_write) or truncates, freeing the
 * clusters past the new end. */
NTSTATUS fat_set_end_of_file(struct fat_file *file, uint64_t size);

struct fat_file_info {
    uint64_t size;
    uint64_t allocation_size; /* whole clusters */
    uint32_t attributes; /* FILE_ATTRIBUTE_*; FILE_ATTRIBUTE_DIRECTORY for directories */
    int64_t creation_time; /* NT times; 0 when FAT has none (the root directory) */
    int64_t last_write_time;
    int64_t last_access_time;
};
NTSTATUS fat_query_info(struct fat_file *file, struct fat_file_info *info);

/* NT's FileBasicInformation rule: a time of 0 (or -1) and attributes 0 leave the field unchanged.
 * Only READONLY, HIDDEN, SYSTEM and ARCHIVE can be set; FILE_ATTRIBUTE_NORMAL clears them.
 * STATUS_ACCESS_DENIED on the root directory. */
NTSTATUS fat_set_basic_info(struct fat_file *file, int64_t creation_time, int64_t last_access_time,
                            int64_t last_write_time, uint32_t attributes);

/* Whether fat_delete would succeed: STATUS_CANNOT_DELETE (read-only file, the root directory),
 * STATUS_DIRECTORY_NOT_EMPTY, STATUS_FILE_DELETED. (NT checks this when a delete is requested and
 * deletes at the last close.) */
NTSTATUS fat_can_delete(struct fat_file *file);

/* Deletes the file (freeing its clusters) or empty directory now, whoever else has it open; the
 * object stays open but every later call on it fails with STATUS_FILE_DELETED. The errors of
 * fat_can_delete. */
NTSTATUS fat_delete(struct fat_file *file);

enum fat_replace { FAT_REPLACE_NO, FAT_REPLACE_YES };
/* Renames or moves the file or directory to new_path (same volume). An existing target is
 * STATUS_OBJECT_NAME_COLLISION unless replace is FAT_REPLACE_YES and it is a file (not a directory,
 * not read-only, not open: else STATUS_ACCESS_DENIED); it is then deleted. A directory cannot move
 * under itself (STATUS_INVALID_PARAMETER), nor be renamed while a file below it is open
 * (STATUS_ACCESS_DENIED, as NT). Renaming to a name that differs only in case is allowed. */
NTSTATUS fat_rename(struct fat_file *file, const WCHAR *new_path, size_t path_chars,
                    enum fat_replace replace);

struct fat_dirent {
    WCHAR name[FAT_NAME_MAX + 1]; /* long name, or the short one; NUL-terminated */
    uint32_t name_len;
    WCHAR short_name[13]; /* "NAME.EXT" */
    uint32_t short_name_len;
    struct fat_file_info info;
};
/* Returns the next entry of the directory at or after *cursor (start with 0) and moves *cursor past
 * it: the cursor is an entry index, valid across calls and across changes to other entries.
 * Includes "." and ".."; skips volume labels, deleted entries and orphaned long-name parts.
 * STATUS_NO_MORE_FILES at the end, STATUS_NOT_A_DIRECTORY on a file. */
NTSTATUS fat_enum_dir(struct fat_file *dir, uint32_t *cursor, struct fat_dirent *out);

#endif
