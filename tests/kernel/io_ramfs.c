/* tests/kernel/io_ramfs.c: a small file system in kernel memory that implements struct io_fs_ops,
 * so the I/O manager and the NT file services can be tested apart from any disk (test=io). Flat:
 * files in the root only, names compared case-insensitively. user.files runs tests/user/files.c on
 * it. */
#include "kernel/io/io.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ob/ob.h"
#include "kernel/rtl/string.h"
#include "kernel/ps/thread.h"
#include "mm/mm.h"
#include "tests/kernel/ramfs.h"
#include "tests/kernel/program.h"

#define RAMFS_FILES    16
#define RAMFS_NAME     32
#define RAMFS_CAPACITY 65536u
#define RAMFS_TAG      MM_TAG('T', 'r', 'a', 'm')

struct ram_file {
    bool used;
    WCHAR name[RAMFS_NAME];
    size_t name_chars;
    uint8_t *data;
    uint32_t size;
    uint32_t attributes;
    int64_t times[3]; /* creation, access, write */
    uint32_t opens;
};

static struct ram_file ram_files[RAMFS_FILES];
static struct ram_file ram_root = {.used = true, .attributes = FILE_ATTRIBUTE_DIRECTORY};
static int ramfs_marker;

struct kt_ramfs_gate *volatile kt_ramfs_gate;

static NTSTATUS pass_gate(uint64_t offset, bool write)
{
    struct kt_ramfs_gate *gate = kt_ramfs_gate;
    if (!gate || gate->offset != offset || gate->write != write)
        return STATUS_SUCCESS;
    gate->hits++;
    ke_set_event(&gate->reached);
    ke_wait_for_object(&gate->open, NULL);
    return gate->status;
}

static WCHAR fold(WCHAR c) { return c >= 'a' && c <= 'z' ? (WCHAR)(c - 32) : c; }

static struct ram_file *find(const WCHAR *name, size_t chars)
{
    for (int i = 0; i < RAMFS_FILES; i++) {
        struct ram_file *f = &ram_files[i];
        if (!f->used || f->name_chars != chars)
            continue;
        size_t k = 0;
        while (k < chars && fold(f->name[k]) == fold(name[k]))
            k++;
        if (k == chars)
            return f;
    }
    return NULL;
}

static NTSTATUS truncate_to(struct ram_file *f, uint32_t attributes)
{
    f->size = 0;
    f->attributes = attributes & ~FILE_ATTRIBUTE_NORMAL;
    return STATUS_SUCCESS;
}

static NTSTATUS ram_create(void *fs, const WCHAR *path, size_t chars, uint32_t disposition,
                           uint32_t options, uint32_t attributes, void **out, uint32_t *action)
{
    (void)fs;
    if (chars == 0) { /* the root directory */
        if (options & FILE_NON_DIRECTORY_FILE)
            return STATUS_FILE_IS_A_DIRECTORY;
        *out = &ram_root;
        *action = FILE_OPENED;
        return disposition == FILE_OPEN || disposition == FILE_OPEN_IF ? STATUS_SUCCESS
                                                                       : STATUS_ACCESS_DENIED;
    }
    if (path[0] != '\\' || chars - 1 >= RAMFS_NAME)
        return STATUS_OBJECT_NAME_INVALID;
    for (size_t i = 1; i < chars; i++)
        if (path[i] == '\\')
            return STATUS_OBJECT_PATH_NOT_FOUND; /* no subdirectories here */
    if (options & FILE_DIRECTORY_FILE)
        return STATUS_NOT_A_DIRECTORY;
    struct ram_file *f = find(path + 1, chars - 1);
    if (f) {
        if (disposition == FILE_CREATE)
            return STATUS_OBJECT_NAME_COLLISION;
        *action = FILE_OPENED; /* the I/O manager overwrites, after its sharing checks */
    } else {
        if (disposition == FILE_OPEN)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        for (int i = 0; i < RAMFS_FILES && !f; i++)
            if (!ram_files[i].used && ram_files[i].opens == 0) /* one object per file while open */
                f = &ram_files[i];
        if (!f)
            return STATUS_DISK_FULL;
        memset(f, 0, sizeof *f);
        f->data = mm_pool_alloc(RAMFS_CAPACITY, RAMFS_TAG);
        if (!f->data)
            return STATUS_INSUFFICIENT_RESOURCES;
        f->used = true;
        memcpy(f->name, path + 1, (chars - 1) * sizeof(WCHAR));
        f->name_chars = chars - 1;
        truncate_to(f, attributes);
        f->times[0] = f->times[1] = f->times[2] = ke_query_system_time();
        *action = FILE_CREATED;
    }
    f->opens++;
    *out = f;
    return STATUS_SUCCESS;
}

static NTSTATUS ram_close(void *file)
{
    struct ram_file *f = file;
    if (f != &ram_root)
        f->opens--;
    return STATUS_SUCCESS;
}

static NTSTATUS ram_read(void *file, uint64_t offset, void *buf, uint32_t len, uint32_t *done)
{
    struct ram_file *f = file;
    NTSTATUS status = pass_gate(offset, false);
    if (!NT_SUCCESS(status))
        return status;
    *done = offset >= f->size ? 0 : (uint32_t)MIN((uint64_t)len, f->size - offset);
    memcpy(buf, f->data + offset, *done);
    return STATUS_SUCCESS;
}

static NTSTATUS ram_write(void *file, uint64_t offset, const void *buf, uint32_t len,
                          uint32_t *done)
{
    struct ram_file *f = file;
    NTSTATUS status = pass_gate(offset, true);
    if (!NT_SUCCESS(status))
        return status;
    if (offset > RAMFS_CAPACITY || len > RAMFS_CAPACITY - offset)
        return STATUS_DISK_FULL;
    if (offset > f->size)
        memset(f->data + f->size, 0, offset - f->size);
    memcpy(f->data + offset, buf, len);
    f->size = MAX(f->size, (uint32_t)(offset + len));
    f->times[2] = ke_query_system_time();
    *done = len;
    return STATUS_SUCCESS;
}

static NTSTATUS ram_set_end_of_file(void *file, uint64_t size)
{
    struct ram_file *f = file;
    if (size > RAMFS_CAPACITY)
        return STATUS_DISK_FULL;
    if (size > f->size)
        memset(f->data + f->size, 0, size - f->size);
    f->size = (uint32_t)size;
    return STATUS_SUCCESS;
}

static NTSTATUS ram_query(void *file, struct io_file_info *info)
{
    struct ram_file *f = file;
    *info = (struct io_file_info){f->size,       ALIGN_UP((uint64_t)f->size, 512),
                                  f->attributes, f->times[0],
                                  f->times[2],   f->times[1]};
    return STATUS_SUCCESS;
}

static NTSTATUS ram_set_basic(void *file, int64_t creation, int64_t access, int64_t write,
                              uint32_t attributes)
{
    struct ram_file *f = file;
    int64_t given[3] = {creation, access, write};
    for (int i = 0; i < 3; i++)
        if (given[i] > 0)
            f->times[i] = given[i];
    if (attributes)
        f->attributes = (f->attributes & FILE_ATTRIBUTE_DIRECTORY) |
                        (attributes & (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_ARCHIVE));
    return STATUS_SUCCESS;
}

static NTSTATUS ram_overwrite(void *file, uint32_t attributes)
{
    return file == &ram_root ? STATUS_ACCESS_DENIED : truncate_to(file, attributes);
}

static NTSTATUS ram_can_delete(void *file)
{
    struct ram_file *f = file;
    return f == &ram_root || (f->attributes & FILE_ATTRIBUTE_READONLY) ? STATUS_CANNOT_DELETE
                                                                       : STATUS_SUCCESS;
}

static NTSTATUS ram_query_volume(void *fs, struct io_volume_info *info)
{
    (void)fs;
    uint64_t used = 0;
    for (int i = 0; i < RAMFS_FILES; i++)
        if (ram_files[i].used)
            used += ALIGN_UP((uint64_t)ram_files[i].size, 512) / 512;
    *info = (struct io_volume_info){RAMFS_FILES * (RAMFS_CAPACITY / 512),
                                    RAMFS_FILES * (RAMFS_CAPACITY / 512) - used, 1, 512};
    return STATUS_SUCCESS;
}

static NTSTATUS ram_delete(void *file)
{
    struct ram_file *f = file;
    if (f == &ram_root)
        return STATUS_ACCESS_DENIED;
    mm_pool_free(f->data, RAMFS_TAG);
    f->data = NULL;
    f->used = false;
    return STATUS_SUCCESS;
}

static NTSTATUS ram_flush(void *fs)
{
    (void)fs;
    return STATUS_SUCCESS;
}

static NTSTATUS ram_enumerate(void *dir, uint32_t *cursor, struct io_dir_entry *e)
{
    if (dir != &ram_root)
        return STATUS_INVALID_PARAMETER;
    for (; *cursor < RAMFS_FILES; (*cursor)++) {
        struct ram_file *f = &ram_files[*cursor];
        if (!f->used)
            continue;
        memset(e, 0, sizeof *e);
        memcpy(e->name, f->name, f->name_chars * sizeof(WCHAR));
        e->name_chars = (uint32_t)f->name_chars;
        ram_query(f, &e->info);
        (*cursor)++;
        return STATUS_SUCCESS;
    }
    return STATUS_NO_MORE_FILES;
}

static NTSTATUS ram_rename(void *file, const WCHAR *path, size_t chars, bool replace)
{
    struct ram_file *f = file;
    if (f == &ram_root || chars < 2 || path[0] != '\\' || chars - 1 >= RAMFS_NAME)
        return STATUS_OBJECT_NAME_INVALID;
    struct ram_file *existing = find(path + 1, chars - 1);
    if (existing && existing != f) {
        if (!replace)
            return STATUS_OBJECT_NAME_COLLISION;
        if (existing->opens)
            return STATUS_ACCESS_DENIED;
        ram_delete(existing);
    }
    memcpy(f->name, path + 1, (chars - 1) * sizeof(WCHAR));
    f->name_chars = chars - 1;
    return STATUS_SUCCESS;
}

static const struct io_fs_ops ramfs_ops = {
    .name = "test ramfs",
    .create = ram_create,
    .close = ram_close,
    .read = ram_read,
    .write = ram_write,
    .set_end_of_file = ram_set_end_of_file,
    .query = ram_query,
    .set_basic = ram_set_basic,
    .overwrite = ram_overwrite,
    .can_delete = ram_can_delete,
    .delete = ram_delete,
    .flush = ram_flush,
    .query_volume = ram_query_volume,
    .enumerate = ram_enumerate,
    .rename = ram_rename,
};

static void ramfs_clear(void)
{
    for (int i = 0; i < RAMFS_FILES; i++)
        if (ram_files[i].used)
            ram_delete(&ram_files[i]);
}

NTSTATUS kt_ramfs_mount(WCHAR letter) { return io_mount_volume(letter, &ramfs_ops, &ramfs_marker); }

NTSTATUS kt_ramfs_unmount(WCHAR letter)
{
    NTSTATUS status = io_unmount_volume(letter);
    if (NT_SUCCESS(status))
        ramfs_clear();
    return status;
}

KTEST(io, file_services_from_user_mode)
{
    /* the file objects of cached images (files.exe's, from an earlier run) go first */
    mm_purge_unused_segments();
    size_t pool_before = mm_pool_tag_bytes(io_file_type.pool_tag);
    KT_EQ(io_mount_volume('R', &ramfs_ops, &ramfs_marker), STATUS_SUCCESS);
    KT_EQ(io_mount_volume('r', &ramfs_ops, &ramfs_marker), STATUS_OBJECT_NAME_COLLISION);
    struct ps_process *p;
    NTSTATUS status = kt_start_program("files", "files R", &p);
    NTSTATUS exit_status = status;
    if (NT_SUCCESS(status)) {
        int64_t timeout = -300000000ll;
        if (ke_wait_for_object(p, &timeout) == STATUS_TIMEOUT) {
            ps_terminate_process(p, STATUS_TIMEOUT);
            ke_wait_for_object(p, NULL);
        }
        exit_status = p->exit_status;
        ob_dereference_object(p);
    }
    NTSTATUS unmounted = io_unmount_volume('R');
    ramfs_clear();
    KT_EQ(exit_status, 0);
    KT_EQ(unmounted, STATUS_SUCCESS); /* every file object was closed */
    mm_purge_unused_segments();
    KT_EQ(mm_pool_tag_bytes(io_file_type.pool_tag), pool_before);
    KT_EQ(io_unmount_volume('R'), STATUS_OBJECT_NAME_NOT_FOUND);
    return NULL;
}

/* The same file tests on C:, the FAT partition of the disk (tests/run attaches build/disk.img),
 * then the files the host checks after the run (the diskcheck entry). */
KTEST(io, fat_files_on_c)
{
    static const char *const commands[][2] = {
        {"staged", "staged"}, {"files", "files C"}, {"persist", "persist"}};
    for (unsigned i = 0; i < ARRAY_SIZE(commands); i++) {
        struct ps_process *p;
        NTSTATUS status = kt_start_program(commands[i][0], commands[i][1], &p);
        if (!NT_SUCCESS(status))
            return ktest_failf("starting '%s' failed with %08x", commands[i][1], (uint32_t)status);
        int64_t timeout = -600000000ll;
        if (ke_wait_for_object(p, &timeout) == STATUS_TIMEOUT) {
            ps_terminate_process(p, STATUS_TIMEOUT);
            ke_wait_for_object(p, NULL);
        }
        NTSTATUS exit_status = p->exit_status;
        ob_dereference_object(p);
        if (exit_status != 0)
            return ktest_failf("'%s' exited with %08x", commands[i][1], (uint32_t)exit_status);
    }
    return NULL;
}

/* test=diskcheck, only in tests/run's diskcheck entry: its second boot, on the disk the first
 * boot's io.fat_files_on_c wrote, must read \Tests\Persist* back (the mapped file through a view
 * too). Not in test=all: an ordinary disk has no such files. */
KTEST(diskcheck, files_read_back_on_the_next_boot)
{
    struct ps_process *p;
    NTSTATUS status = kt_start_program("persist", "persist check", &p);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting 'persist check' failed with %08x", (uint32_t)status);
    int64_t timeout = -600000000ll;
    if (ke_wait_for_object(p, &timeout) == STATUS_TIMEOUT) {
        ps_terminate_process(p, STATUS_TIMEOUT);
        ke_wait_for_object(p, NULL);
    }
    NTSTATUS exit_status = p->exit_status;
    ob_dereference_object(p);
    KT_EQ(exit_status, 0);
    return NULL;
}
