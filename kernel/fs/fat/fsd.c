/* kernel/fs/fat/fsd.c: the FAT library (kernel/fs/fat/fat.h) as an I/O-manager file system (struct
 * io_fs_ops), and the mounting of the system volume: the first FAT partition becomes drive C:. */
#include "kernel/io/blockdev.h"
#include "kernel/fs/fat/fat.h"
#include "kernel/fs/fat/fsd.h"
#include "kernel/io/io.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/rtl/string.h"

/* The FAT library has no locks and waits for the disk inside its calls, so every call into it holds
 * this sleeping lock (one FAT volume is mounted: C:). Not a mutant: a call into the library from
 * inside it would be a bug, which the lock's refusal of recursion reports. */
static struct ke_lock fat_lock;

static void lock(void) { ke_acquire_lock(&fat_lock); }

static NTSTATUS unlock(NTSTATUS status)
{
    ke_release_lock(&fat_lock);
    return status;
}

static NTSTATUS fat_io_create(void *fs, const WCHAR *path, size_t chars, uint32_t disposition,
                              uint32_t options, uint32_t attributes, void **file, uint32_t *action)
{
    lock();
    return unlock(fat_create(fs, path, chars, disposition, options, attributes,
                             (struct fat_file **)file, action));
}

static NTSTATUS fat_io_close(void *file)
{
    lock();
    return unlock(fat_close(file));
}

/* io_fs_ops reads end short at the end of a file; FAT says so with STATUS_END_OF_FILE. */
static NTSTATUS fat_io_read(void *file, uint64_t offset, void *buf, uint32_t len, uint32_t *done)
{
    lock();
    NTSTATUS status = fat_read(file, offset, buf, len, done);
    if (status == STATUS_END_OF_FILE) {
        *done = 0;
        status = STATUS_SUCCESS;
    }
    return unlock(status);
}

static NTSTATUS fat_io_write(void *file, uint64_t offset, const void *buf, uint32_t len,
                             uint32_t *done)
{
    lock();
    return unlock(fat_write(file, offset, buf, len, done));
}

static NTSTATUS fat_io_set_end_of_file(void *file, uint64_t size)
{
    lock();
    return unlock(fat_set_end_of_file(file, size));
}

static void copy_info(const struct fat_file_info *in, struct io_file_info *out)
{
    *out = (struct io_file_info){in->size,          in->allocation_size, in->attributes,
                                 in->creation_time, in->last_write_time, in->last_access_time};
}

static NTSTATUS fat_io_query(void *file, struct io_file_info *info)
{
    struct fat_file_info f;
    lock();
    NTSTATUS status = fat_query_info(file, &f);
    if (NT_SUCCESS(status))
        copy_info(&f, info);
    return unlock(status);
}

static NTSTATUS fat_io_set_basic(void *file, int64_t created, int64_t accessed, int64_t written,
                                 uint32_t attributes)
{
    lock();
    return unlock(fat_set_basic_info(file, created, accessed, written, attributes));
}

static NTSTATUS fat_io_overwrite(void *file, uint32_t attributes)
{
    lock();
    return unlock(fat_overwrite(file, attributes));
}

static NTSTATUS fat_io_can_delete(void *file)
{
    lock();
    return unlock(fat_can_delete(file));
}

static NTSTATUS fat_io_delete(void *file)
{
    lock();
    return unlock(fat_delete(file));
}

static NTSTATUS fat_io_query_volume(void *fs, struct io_volume_info *info)
{
    struct fat_volume_info v;
    lock();
    NTSTATUS status = fat_query_volume(fs, &v);
    if (NT_SUCCESS(status))
        *info = (struct io_volume_info){v.cluster_count, v.free_clusters,
                                        v.cluster_size / v.bytes_per_sector, v.bytes_per_sector};
    return unlock(status);
}

static NTSTATUS fat_io_flush(void *fs)
{
    lock();
    return unlock(fat_flush(fs));
}

static NTSTATUS fat_io_enumerate(void *dir, uint32_t *cursor, struct io_dir_entry *entry)
{
    static struct fat_dirent d; /* large; used only under the lock */
    lock();
    NTSTATUS status = fat_enum_dir(dir, cursor, &d);
    if (!NT_SUCCESS(status))
        return unlock(status);
    entry->name_chars = MIN(d.name_len, (uint32_t)IO_NAME_MAX);
    memcpy(entry->name, d.name, entry->name_chars * sizeof(WCHAR));
    entry->short_name_chars = MIN(d.short_name_len, (uint32_t)ARRAY_SIZE(entry->short_name));
    memcpy(entry->short_name, d.short_name, entry->short_name_chars * sizeof(WCHAR));
    copy_info(&d.info, &entry->info);
    return unlock(STATUS_SUCCESS);
}

static NTSTATUS fat_io_rename(void *file, const WCHAR *path, size_t chars, bool replace)
{
    lock();
    return unlock(fat_rename(file, path, chars, replace ? FAT_REPLACE_YES : FAT_REPLACE_NO));
}

static const struct io_fs_ops fat_io_ops = {
    .name = "FAT",
    .create = fat_io_create,
    .close = fat_io_close,
    .read = fat_io_read,
    .write = fat_io_write,
    .set_end_of_file = fat_io_set_end_of_file,
    .query = fat_io_query,
    .set_basic = fat_io_set_basic,
    .overwrite = fat_io_overwrite,
    .can_delete = fat_io_can_delete,
    .delete = fat_io_delete,
    .flush = fat_io_flush,
    .query_volume = fat_io_query_volume,
    .enumerate = fat_io_enumerate,
    .rename = fat_io_rename,
};

void fat_mount_system_volume(void)
{
    ke_init_lock(&fat_lock, "FAT volume");
    for (uint32_t i = 0; i < io_block_device_count(); i++) {
        struct io_block_device *dev = io_block_device_at(i);
        struct fat_volume *vol;
        if (!strchr(dev->name, 'p'))
            continue; /* only partitions */
        NTSTATUS mounted = fat_mount(dev, &vol);
        if (!NT_SUCCESS(mounted)) {
            ke_warn("io: %s is not a usable FAT volume (%08x)\n", dev->name, (uint32_t)mounted);
            continue;
        }
        NTSTATUS status = io_mount_volume('C', &fat_io_ops, vol);
        if (NT_SUCCESS(status))
            ke_info("io: C: is %s\n", dev->name);
        else
            fat_unmount(vol);
        return;
    }
    ke_info("io: no FAT partition found: no C: drive\n");
}
