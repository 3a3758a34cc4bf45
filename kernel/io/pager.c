/* kernel/io/pager.c: the I/O manager's side of paging (mm/mm.h's struct mm_file_pager): reads and
 * writes of a file object's data with kernel buffers, for the memory manager's data segments. They
 * go straight to the file system, never through the file cache they fill. */
#include "kernel/io/io.h"
#include "mm/mm.h"

static NTSTATUS pager_read(void *object, uint64_t offset, void *buf, uint32_t len, uint32_t *done)
{
    struct io_file *file = object;
    return file->ops->read(file->fcb->fs_file, offset, buf, len, done);
}

static NTSTATUS pager_write(void *object, uint64_t offset, const void *buf, uint32_t len,
                            uint32_t *done)
{
    struct io_file *file = object;
    return file->ops->write(file->fcb->fs_file, offset, buf, len, done);
}

static NTSTATUS pager_query_size(void *object, uint64_t *size)
{
    struct io_file *file = object;
    struct io_file_info info;
    NTSTATUS status = file->ops->query(file->fcb->fs_file, &info);
    if (NT_SUCCESS(status))
        *size = info.size;
    return status;
}

static NTSTATUS pager_set_size(void *object, uint64_t size)
{
    struct io_file *file = object;
    return file->ops->set_end_of_file(file->fcb->fs_file, size);
}

static void pager_reference(void *object) { ob_reference_object(object); }
static void pager_dereference(void *object) { ob_dereference_object(object); }

const struct mm_file_pager io_file_pager = {
    .read = pager_read,
    .write = pager_write,
    .query_size = pager_query_size,
    .set_size = pager_set_size,
    .reference = pager_reference,
    .dereference = pager_dereference,
};
