/* kernel/fs/fat/namespace.c: operations on names rather than data: delete, rename/move (with the
 * ".." of a moved directory), and enumerating a directory with a resumable cursor. */
#include "kernel/fs/fat/fatp.h"

NTSTATUS fat_can_delete(struct fat_file *f)
{
    bool empty = true;
    if (f->deleted)
        return STATUS_FILE_DELETED;
    if (f->root || (f->attr & FILE_ATTRIBUTE_READONLY))
        return STATUS_CANNOT_DELETE;
    NTSTATUS status =
        f->directory ? fatp_dir_is_empty(f->vol, f->first_cluster, &empty) : STATUS_SUCCESS;
    if (NT_SUCCESS(status) && !empty)
        status = STATUS_DIRECTORY_NOT_EMPTY;
    return status;
}

NTSTATUS fat_delete(struct fat_file *f)
{
    struct fat_volume *vol = f->vol;
    NTSTATUS status = fat_can_delete(f);
    if (!NT_SUCCESS(status))
        return status;
    status = fatp_dir_remove(vol, f->parent, f->entry_index, f->lfn_count);
    if (NT_SUCCESS(status) && f->first_cluster)
        status = fatp_free_chain(vol, f->first_cluster);
    f->deleted = true;
    return status;
}

/* The ".." entry of directory dir (its second entry): its cached sector and the entry in it. */
static NTSTATUS locate_dotdot(struct fat_volume *vol, uint32_t dir, struct fatp_buf **b,
                              struct fatp_dirent **e)
{
    struct fatp_dir_iter it;
    fatp_dir_iter_init(&it, vol, dir);
    NTSTATUS status = fatp_dir_locate(&it, 1, b, e);
    if (!NT_SUCCESS(status))
        return status == STATUS_NO_MORE_FILES ? STATUS_FILE_CORRUPT_ERROR : status;
    return (*e)->name[0] == '.' && (*e)->name[1] == '.' ? STATUS_SUCCESS
                                                        : STATUS_FILE_CORRUPT_ERROR;
}

/* The parent of directory dir from its ".." entry. */
static NTSTATUS parent_of(struct fat_volume *vol, uint32_t dir, uint32_t *parent)
{
    struct fatp_buf *b;
    struct fatp_dirent *e;
    NTSTATUS status = locate_dotdot(vol, dir, &b, &e);
    if (!NT_SUCCESS(status))
        return status;
    if (!(e->attr & FATP_ATTR_DIR))
        return STATUS_FILE_CORRUPT_ERROR;
    *parent = fatp_dir_cluster_of(vol, e);
    return STATUS_SUCCESS;
}

/* STATUS_INVALID_PARAMETER when dir is moved_dir or below it. */
static NTSTATUS check_not_below(struct fat_volume *vol, uint32_t dir, uint32_t moved_dir)
{
    for (uint32_t i = 0; i <= vol->cluster_count; i++) {
        if (dir == moved_dir)
            return STATUS_INVALID_PARAMETER;
        if (dir == vol->root_cluster)
            return STATUS_SUCCESS;
        NTSTATUS status = parent_of(vol, dir, &dir);
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_FILE_CORRUPT_ERROR;
}

/* Points a moved directory's ".." at its new parent. */
static NTSTATUS set_dotdot(struct fat_volume *vol, uint32_t dir, uint32_t parent)
{
    struct fatp_buf *b;
    struct fatp_dirent *e;
    NTSTATUS status = locate_dotdot(vol, dir, &b, &e);
    if (!NT_SUCCESS(status))
        return status;
    fatp_entry_set_cluster(e, parent == vol->root_cluster ? 0 : parent);
    fatp_cache_dirty(b);
    return STATUS_SUCCESS;
}

/* NT refuses to rename a directory while a file below it is open (STATUS_ACCESS_DENIED): the
 * names its opens were made by would change under them. */
static NTSTATUS check_nothing_open_below(struct fat_file *dir)
{
    LIST_FOR_EACH(e, &dir->vol->files)
    {
        struct fat_file *f = CONTAINING_RECORD(e, struct fat_file, link);
        if (f == dir || f->root || f->deleted)
            continue;
        NTSTATUS status = check_not_below(dir->vol, f->parent, dir->first_cluster);
        if (status == STATUS_INVALID_PARAMETER)
            return STATUS_ACCESS_DENIED;
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}

/* Removes an existing target for a replacing rename; an open one cannot go (NT:
 * STATUS_ACCESS_DENIED), its object would be left on freed clusters. */
static NTSTATUS remove_target(struct fat_volume *vol, uint32_t dir, const struct fatp_found *t,
                              enum fat_replace replace)
{
    if (replace != FAT_REPLACE_YES)
        return STATUS_OBJECT_NAME_COLLISION;
    if (t->entry.attr & (FATP_ATTR_DIR | FILE_ATTRIBUTE_READONLY))
        return STATUS_ACCESS_DENIED;
    if (fatp_open_file(vol, dir, t->index))
        return STATUS_ACCESS_DENIED;
    NTSTATUS status = fatp_dir_remove(vol, dir, t->index, t->lfn_count);
    uint32_t cluster = fatp_entry_cluster(vol, &t->entry);
    if (NT_SUCCESS(status) && cluster)
        status = fatp_free_chain(vol, cluster);
    return status;
}

static NTSTATUS move_entry(struct fat_file *f, uint32_t dir, const WCHAR *name, uint32_t len)
{
    struct fat_volume *vol = f->vol;
    struct fatp_dirent entry;
    uint32_t index, lfn_count;
    f->entry_dirty = true;
    NTSTATUS status = fatp_file_store(f);
    if (!NT_SUCCESS(status))
        return status;
    entry = f->entry;
    status = fatp_dir_add(vol, dir, name, len, &entry, &index, &lfn_count);
    if (NT_SUCCESS(status))
        status = fatp_dir_remove(vol, f->parent, f->entry_index, f->lfn_count);
    if (!NT_SUCCESS(status))
        return status;
    if (f->directory && dir != f->parent)
        status = set_dotdot(vol, f->first_cluster, dir);
    f->entry = entry;
    f->parent = dir;
    f->entry_index = index;
    f->lfn_count = lfn_count;
    return status;
}

NTSTATUS fat_rename(struct fat_file *f, const WCHAR *new_path, size_t path_chars,
                    enum fat_replace replace)
{
    struct fat_volume *vol = f->vol;
    const WCHAR *name;
    uint32_t dir, len;
    if (f->deleted)
        return STATUS_FILE_DELETED;
    if (f->root)
        return STATUS_ACCESS_DENIED;
    NTSTATUS status = fatp_walk_parent(vol, new_path, path_chars, &dir, &name, &len);
    if (NT_SUCCESS(status) && len == 0)
        status = STATUS_OBJECT_NAME_INVALID;
    if (NT_SUCCESS(status) && f->directory && dir != f->parent)
        status = check_not_below(vol, dir, f->first_cluster);
    if (NT_SUCCESS(status) && f->directory)
        status = check_nothing_open_below(f);
    if (!NT_SUCCESS(status))
        return status;
    struct fatp_found *target = fat_alloc(sizeof *target);
    if (!target)
        return STATUS_NO_MEMORY;
    status = fatp_dir_find(vol, dir, name, len, target);
    if (NT_SUCCESS(status) && !(dir == f->parent && target->index == f->entry_index))
        status = remove_target(vol, dir, target, replace);
    else if (status == STATUS_OBJECT_NAME_NOT_FOUND)
        status = STATUS_SUCCESS;
    fat_free(target);
    if (NT_SUCCESS(status))
        status = move_entry(f, dir, name, len);
    return status;
}

NTSTATUS fat_enum_dir(struct fat_file *dir, uint32_t *cursor, struct fat_dirent *out)
{
    struct fat_volume *vol = dir->vol;
    struct fatp_dir_iter it;
    if (dir->deleted)
        return STATUS_FILE_DELETED;
    if (!dir->directory)
        return STATUS_NOT_A_DIRECTORY;
    struct fatp_found *found = fat_alloc(sizeof *found);
    if (!found)
        return STATUS_NO_MEMORY;
    fatp_dir_iter_init(&it, vol, dir->first_cluster);
    NTSTATUS status = fatp_dir_next(&it, cursor, found);
    if (NT_SUCCESS(status)) {
        struct fat_file tmp;
        fatp_memset(&tmp, 0, sizeof tmp);
        tmp.vol = vol;
        tmp.entry = found->entry;
        tmp.attr = found->entry.attr;
        tmp.size = tmp.attr & FATP_ATTR_DIR ? 0 : found->entry.size;
        fatp_memcpy(out->name, found->name, (found->name_len + 1) * sizeof(WCHAR));
        out->name_len = found->name_len;
        out->short_name_len = fatp_short_to_wide(&found->entry, out->short_name);
        status = fat_query_info(&tmp, &out->info);
        if (tmp.attr & FATP_ATTR_DIR)
            out->info.allocation_size = 0; /* not walked for a listing */
    }
    fat_free(found);
    return status;
}
