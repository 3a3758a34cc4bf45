/* kernel/fs/fat/create.c: paths and NtCreateFile's dispositions on FAT: walking '\\'-separated
 * paths, opening, creating (files, and directories with "." and ".."), overwriting and
 * superseding. */
#include "kernel/fs/fat/fatp.h"

uint32_t fatp_dir_cluster_of(const struct fat_volume *vol, const struct fatp_dirent *entry)
{
    uint32_t c = fatp_entry_cluster(vol, entry);
    return c ? c : vol->root_cluster;
}

/* The next component at *pos (skipping one separator); STATUS_OBJECT_NAME_INVALID for an empty
 * component. */
static NTSTATUS next_component(const WCHAR *path, size_t chars, size_t *pos, const WCHAR **name,
                               uint32_t *len)
{
    size_t start = *pos, end = start;
    while (end < chars && path[end] != '\\')
        end++;
    if (end == start || end - start > FAT_NAME_MAX)
        return STATUS_OBJECT_NAME_INVALID;
    *name = path + start;
    *len = (uint32_t)(end - start);
    *pos = end < chars ? end + 1 : end;
    if (end + 1 == chars)
        return STATUS_OBJECT_NAME_INVALID; /* a trailing separator */
    return fatp_check_long_name(*name, *len);
}

/* Every component well-formed, before any is looked up (a bad name is invalid, not missing). */
static NTSTATUS check_path(const WCHAR *path, size_t chars, size_t pos)
{
    const WCHAR *name;
    uint32_t len;
    while (pos < chars) {
        NTSTATUS status = next_component(path, chars, &pos, &name, &len);
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}

NTSTATUS fatp_walk_parent(struct fat_volume *vol, const WCHAR *path, size_t chars, uint32_t *dir,
                          const WCHAR **name, uint32_t *len)
{
    size_t pos = chars && path[0] == '\\' ? 1 : 0;
    *dir = vol->root_cluster;
    *len = 0;
    *name = path;
    if (pos == chars)
        return STATUS_SUCCESS;
    NTSTATUS status = check_path(path, chars, pos);
    if (!NT_SUCCESS(status))
        return status;
    struct fatp_found *found = fat_alloc(sizeof *found);
    if (!found)
        return STATUS_NO_MEMORY;
    for (;;) {
        status = next_component(path, chars, &pos, name, len);
        if (!NT_SUCCESS(status) || pos == chars)
            break;
        status = fatp_dir_find(vol, *dir, *name, *len, found);
        if (status == STATUS_OBJECT_NAME_NOT_FOUND ||
            (NT_SUCCESS(status) && !(found->entry.attr & FATP_ATTR_DIR)))
            status = STATUS_OBJECT_PATH_NOT_FOUND;
        if (!NT_SUCCESS(status))
            break;
        *dir = fatp_entry_cluster(vol, &found->entry);
        if (!fatp_cluster_valid(vol, *dir)) {
            status = STATUS_FILE_CORRUPT_ERROR;
            break;
        }
    }
    fat_free(found);
    return status;
}

static void stamp_times(struct fatp_dirent *e, int64_t now, bool creation)
{
    uint16_t date, time;
    uint8_t tenth;
    fatp_time_to_fat(now, &date, &time, &tenth);
    if (creation) {
        e->ctime_tenth = tenth;
        e->ctime = time;
        e->cdate = date;
    }
    e->adate = date;
    e->wtime = time;
    e->wdate = date;
}

/* A new open file, on the volume's list with one reference. */
static struct fat_file *new_file(struct fat_volume *vol)
{
    struct fat_file *f = fat_alloc(sizeof *f);
    if (f) {
        fatp_memset(f, 0, sizeof *f);
        f->vol = vol;
        f->references = 1;
        list_insert_tail(&vol->files, &f->link);
    }
    return f;
}

static void discard_file(struct fat_file *f)
{
    list_remove(&f->link);
    fat_free(f);
}

struct fat_file *fatp_open_file(struct fat_volume *vol, uint32_t dir, uint32_t index)
{
    LIST_FOR_EACH(e, &vol->files)
    {
        struct fat_file *f = CONTAINING_RECORD(e, struct fat_file, link);
        if (!f->root && !f->deleted && f->parent == dir && f->entry_index == index)
            return f;
    }
    return NULL;
}

/* Another reference to the open root directory, if it is open. */
static struct fat_file *open_root_again(struct fat_volume *vol)
{
    LIST_FOR_EACH(e, &vol->files)
    {
        struct fat_file *f = CONTAINING_RECORD(e, struct fat_file, link);
        if (f->root) {
            f->references++;
            return f;
        }
    }
    return NULL;
}

static NTSTATUS open_root(struct fat_volume *vol, uint32_t disposition, uint32_t options,
                          struct fat_file **out, uint32_t *action)
{
    if (options & FILE_NON_DIRECTORY_FILE)
        return STATUS_FILE_IS_A_DIRECTORY;
    if (disposition != FILE_OPEN && disposition != FILE_OPEN_IF)
        return STATUS_ACCESS_DENIED;
    *action = FILE_OPENED;
    if ((*out = open_root_again(vol)) != NULL)
        return STATUS_SUCCESS;
    struct fat_file *f = new_file(vol);
    if (!f)
        return STATUS_NO_MEMORY;
    f->root = f->directory = true;
    f->attr = FATP_ATTR_DIR;
    f->first_cluster = vol->root_cluster;
    f->hint_cluster = f->first_cluster;
    *out = f;
    return STATUS_SUCCESS;
}

/* A file's chain must cover its size; walking it to the end (bounded) also finds loops. */
static NTSTATUS check_chain(struct fat_volume *vol, uint32_t first, uint32_t size)
{
    uint64_t covered = 0;
    uint32_t c = first;
    if (first == 0)
        return size ? STATUS_FILE_CORRUPT_ERROR : STATUS_SUCCESS;
    for (uint32_t i = 0; c != FATP_EOC; i++) {
        if (i >= vol->cluster_count)
            return STATUS_FILE_CORRUPT_ERROR;
        NTSTATUS status = fatp_chain_next(vol, c, &c);
        if (!NT_SUCCESS(status))
            return status;
        covered += vol->cluster_size;
    }
    return covered >= size ? STATUS_SUCCESS : STATUS_FILE_CORRUPT_ERROR;
}

/* The object for an existing entry: the open one if the file is open, else a new one. */
static NTSTATUS open_found(struct fat_volume *vol, uint32_t dir, const struct fatp_found *found,
                           struct fat_file **out)
{
    struct fat_file *f = fatp_open_file(vol, dir, found->index);
    if (f) {
        f->references++;
        *out = f;
        return STATUS_SUCCESS;
    }
    f = new_file(vol);
    if (!f)
        return STATUS_NO_MEMORY;
    f->entry = found->entry;
    f->attr = found->entry.attr;
    f->directory = f->attr & FATP_ATTR_DIR;
    f->first_cluster = fatp_entry_cluster(vol, &found->entry);
    f->size = f->directory ? 0 : found->entry.size;
    f->parent = dir;
    f->entry_index = found->index;
    f->lfn_count = found->lfn_count;
    f->hint_cluster = f->first_cluster;
    NTSTATUS status = f->directory && !fatp_cluster_valid(vol, f->first_cluster)
                          ? STATUS_FILE_CORRUPT_ERROR
                          : STATUS_SUCCESS;
    if (NT_SUCCESS(status) && !f->directory)
        status = check_chain(vol, f->first_cluster, f->size);
    if (!NT_SUCCESS(status)) {
        discard_file(f);
        return status;
    }
    *out = f;
    return STATUS_SUCCESS;
}

/* A new directory's first cluster with "." and "..". */
static NTSTATUS make_dir_cluster(struct fat_volume *vol, uint32_t parent,
                                 const struct fatp_dirent *entry, uint32_t *out)
{
    struct fatp_dirent e = *entry;
    NTSTATUS status = fatp_alloc_cluster(vol, 0, true, out);
    if (!NT_SUCCESS(status))
        return status;
    fatp_memset(e.name, ' ', sizeof e.name);
    e.name[0] = '.';
    e.ntres = 0;
    fatp_entry_set_cluster(&e, *out);
    status = fatp_dir_write_entry(vol, *out, 0, &e);
    e.name[1] = '.';
    fatp_entry_set_cluster(&e, parent == vol->root_cluster ? 0 : parent);
    if (NT_SUCCESS(status))
        status = fatp_dir_write_entry(vol, *out, 1, &e);
    return status;
}

static NTSTATUS create_new(struct fat_volume *vol, uint32_t dir, const WCHAR *name, uint32_t len,
                           uint32_t options, uint32_t attributes, struct fat_file **out)
{
    struct fatp_found *found = fat_alloc(sizeof *found);
    uint32_t cluster = 0;
    bool is_dir = options & FILE_DIRECTORY_FILE;
    if (!found)
        return STATUS_NO_MEMORY;
    struct fatp_dirent *e = &found->entry;
    fatp_memset(e, 0, sizeof *e);
    e->attr = (uint8_t)((attributes & 0x07) | (is_dir ? FATP_ATTR_DIR : FATP_ATTR_ARCHIVE_BIT));
    stamp_times(e, fat_now(), true);
    NTSTATUS status = STATUS_SUCCESS;
    if (is_dir)
        status = make_dir_cluster(vol, dir, e, &cluster);
    fatp_entry_set_cluster(e, cluster);
    if (NT_SUCCESS(status))
        status = fatp_dir_add(vol, dir, name, len, e, &found->index, &found->lfn_count);
    if (NT_SUCCESS(status)) {
        status = open_found(vol, dir, found, out);
        if (!NT_SUCCESS(status)) /* no object for it: take the entry back too */
            (void)fatp_dir_remove(vol, dir, found->index, found->lfn_count);
    }
    if (!NT_SUCCESS(status) && cluster)
        (void)fatp_free_chain(vol, cluster);
    fat_free(found);
    return status;
}

NTSTATUS fat_overwrite(struct fat_file *f, uint32_t attributes)
{
    if (f->deleted)
        return STATUS_FILE_DELETED;
    if (f->root)
        return STATUS_ACCESS_DENIED; /* as fat_create with a replacing disposition */
    if (f->directory)
        return STATUS_FILE_IS_A_DIRECTORY;
    if (f->attr & FILE_ATTRIBUTE_READONLY)
        return STATUS_ACCESS_DENIED;
    NTSTATUS status = fatp_file_truncate(f, 0);
    if (!NT_SUCCESS(status))
        return status;
    f->attr = (uint8_t)((attributes & 0x07) | FATP_ATTR_ARCHIVE_BIT);
    stamp_times(&f->entry, fat_now(), false);
    f->entry_dirty = true;
    return fatp_file_store(f);
}

static NTSTATUS check_arguments(uint32_t disposition, uint32_t options)
{
    if (disposition > FILE_OVERWRITE_IF)
        return STATUS_INVALID_PARAMETER;
    if ((options & FILE_DIRECTORY_FILE) && (options & FILE_NON_DIRECTORY_FILE))
        return STATUS_INVALID_PARAMETER;
    if ((options & FILE_DIRECTORY_FILE) && disposition != FILE_CREATE && disposition != FILE_OPEN &&
        disposition != FILE_OPEN_IF)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

/* Applies the disposition to an existing entry. */
static NTSTATUS open_existing(struct fat_volume *vol, uint32_t dir, const struct fatp_found *found,
                              uint32_t disposition, uint32_t options, uint32_t attributes,
                              struct fat_file **out, uint32_t *action)
{
    bool is_dir = found->entry.attr & FATP_ATTR_DIR;
    if (disposition == FILE_CREATE)
        return STATUS_OBJECT_NAME_COLLISION;
    if ((options & FILE_DIRECTORY_FILE) && !is_dir)
        return STATUS_NOT_A_DIRECTORY;
    if ((options & FILE_NON_DIRECTORY_FILE) && is_dir)
        return STATUS_FILE_IS_A_DIRECTORY;
    bool replace = disposition == FILE_SUPERSEDE || disposition == FILE_OVERWRITE ||
                   disposition == FILE_OVERWRITE_IF;
    if (replace && is_dir)
        return STATUS_FILE_IS_A_DIRECTORY;
    NTSTATUS status = open_found(vol, dir, found, out);
    if (!NT_SUCCESS(status))
        return status;
    *action = FILE_OPENED;
    if (replace) {
        status = fat_overwrite(*out, attributes);
        *action = disposition == FILE_SUPERSEDE ? FILE_SUPERSEDED : FILE_OVERWRITTEN;
        if (!NT_SUCCESS(status)) {
            fat_close(*out);
            *out = NULL;
        }
    }
    return status;
}

NTSTATUS fat_create(struct fat_volume *vol, const WCHAR *path, size_t path_chars,
                    uint32_t disposition, uint32_t options, uint32_t attributes,
                    struct fat_file **out, uint32_t *action)
{
    const WCHAR *name;
    uint32_t dir, len, ignored;
    struct fatp_found *found = NULL;
    action = action ? action : &ignored;
    NTSTATUS status = check_arguments(disposition, options);
    if (NT_SUCCESS(status))
        status = fatp_walk_parent(vol, path, path_chars, &dir, &name, &len);
    if (!NT_SUCCESS(status))
        return status;
    if (len == 0)
        return open_root(vol, disposition, options, out, action);
    found = fat_alloc(sizeof *found);
    if (!found)
        return STATUS_NO_MEMORY;
    status = fatp_dir_find(vol, dir, name, len, found);
    if (NT_SUCCESS(status)) {
        status = open_existing(vol, dir, found, disposition, options, attributes, out, action);
    } else if (status == STATUS_OBJECT_NAME_NOT_FOUND && disposition != FILE_OPEN &&
               disposition != FILE_OVERWRITE) {
        status = create_new(vol, dir, name, len, options, attributes, out);
        *action = FILE_CREATED;
    }
    fat_free(found);
    return status;
}
