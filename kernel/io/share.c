/* kernel/io/share.c: NT's sharing modes, for any file system (IoCheckShareAccess,
 * IoUpdateShareAccess, IoRemoveShareAccess): the FCB counts its opens' accesses and share modes. */
#include "kernel/io/io.h"
#include "kernel/ke/ke.h"

/* Records the open's accesses and share modes in the file object; true when any access counts. */
static bool record(ACCESS_MASK access, uint32_t share, struct io_file *file)
{
    file->read_access = (access & (FILE_READ_DATA | FILE_EXECUTE)) != 0;
    file->write_access = (access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
    file->delete_access = (access & DELETE) != 0;
    bool counts = file->read_access || file->write_access || file->delete_access;
    file->shared_read = counts && (share & FILE_SHARE_READ);
    file->shared_write = counts && (share & FILE_SHARE_WRITE);
    file->shared_delete = counts && (share & FILE_SHARE_DELETE);
    return counts;
}

/* An access is refused when fewer opens share it than there are opens; a share mode that leaves
 * out an access some open has is refused too. */
static bool conflicts(const struct io_file *f, const struct io_share_access *s)
{
    uint32_t opens = s->open_count;
    return (f->read_access && s->shared_read < opens) ||
           (f->write_access && s->shared_write < opens) ||
           (f->delete_access && s->shared_delete < opens) || (s->readers && !f->shared_read) ||
           (s->writers && !f->shared_write) || (s->deleters && !f->shared_delete);
}

static void count(const struct io_file *f, struct io_share_access *s)
{
    s->open_count++;
    s->readers += f->read_access;
    s->writers += f->write_access;
    s->deleters += f->delete_access;
    s->shared_read += f->shared_read;
    s->shared_write += f->shared_write;
    s->shared_delete += f->shared_delete;
}

NTSTATUS io_check_share_access(ACCESS_MASK access, uint32_t share, struct io_file *file,
                               struct io_share_access *share_access)
{
    if (!record(access, share, file))
        return STATUS_SUCCESS;
    if (conflicts(file, share_access)) {
        record(0, 0, file); /* so that a later io_remove_share_access uncounts nothing */
        return STATUS_SHARING_VIOLATION;
    }
    count(file, share_access);
    return STATUS_SUCCESS;
}

void io_set_share_access(ACCESS_MASK access, uint32_t share, struct io_file *file,
                         struct io_share_access *share_access)
{
    if (record(access, share, file))
        count(file, share_access);
}

void io_remove_share_access(struct io_file *f, struct io_share_access *s)
{
    if (!f->read_access && !f->write_access && !f->delete_access)
        return;
    ASSERT(s->open_count > 0 && s->readers >= f->read_access && s->writers >= f->write_access &&
           s->deleters >= f->delete_access);
    s->open_count--;
    s->readers -= f->read_access;
    s->writers -= f->write_access;
    s->deleters -= f->delete_access;
    s->shared_read -= f->shared_read;
    s->shared_write -= f->shared_write;
    s->shared_delete -= f->shared_delete;
}
