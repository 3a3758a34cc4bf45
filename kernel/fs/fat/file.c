/* kernel/fs/fat/file.c: an open file's data: mapping offsets to clusters, read, write (extending
 * with zeros, all or nothing on a full disk), end of file, information and times, close. */
#include "kernel/fs/fat/fatp.h"

#define FATP_MAX_SIZE 0xFFFFFFFFull

static uint32_t clusters_for(const struct fat_volume *vol, uint64_t size)
{
    return (uint32_t)((size + vol->cluster_size - 1) / vol->cluster_size);
}

static NTSTATUS usable(const struct fat_file *f)
{
    if (f->deleted)
        return STATUS_FILE_DELETED;
    return f->directory ? STATUS_FILE_IS_A_DIRECTORY : STATUS_SUCCESS;
}

/* The cluster holding chain index k, walking from the remembered position when it is before k. */
static NTSTATUS cluster_at(struct fat_file *f, uint32_t k, uint32_t *out)
{
    uint32_t from = 0, c = f->first_cluster;
    if (f->hint_index <= k && fatp_cluster_valid(f->vol, f->hint_cluster)) {
        from = f->hint_index;
        c = f->hint_cluster;
    }
    NTSTATUS status = fatp_chain_seek(f->vol, c, k - from, out);
    if (NT_SUCCESS(status)) {
        f->hint_index = k;
        f->hint_cluster = *out;
    }
    return status;
}

NTSTATUS fatp_file_store(struct fat_file *f)
{
    if (!f->entry_dirty || f->root || f->deleted)
        return STATUS_SUCCESS;
    f->entry.attr = f->attr;
    fatp_entry_set_cluster(&f->entry, f->first_cluster);
    f->entry.size = f->directory ? 0 : f->size;
    NTSTATUS status = fatp_dir_write_entry(f->vol, f->parent, f->entry_index, &f->entry);
    if (NT_SUCCESS(status))
        f->entry_dirty = false;
    return status;
}

NTSTATUS fat_close(struct fat_file *f)
{
    NTSTATUS status = fatp_file_store(f);
    if (--f->references == 0) {
        list_remove(&f->link);
        fat_free(f);
    }
    return status;
}

/* How many whole sectors, from cluster (the file's cluster number index) on, lie in physically
 * consecutive clusters, up to `wanted`: one device request can then move them all (a page of a file
 * on a volume of 512-byte clusters is one request, not eight). */
static uint32_t contiguous_sectors(struct fat_file *f, uint32_t index, uint32_t cluster,
                                   uint32_t first, uint32_t wanted)
{
    struct fat_volume *vol = f->vol;
    uint32_t per_cluster = vol->cluster_size >> vol->sector_shift;
    uint32_t count = MIN(wanted, per_cluster - first);
    while (count < wanted && count < FATP_MAX_RUN_SECTORS) {
        uint32_t next;
        if (!NT_SUCCESS(cluster_at(f, ++index, &next)) || next != cluster + 1)
            break;
        cluster = next;
        count += MIN(wanted - count, per_cluster);
    }
    return MIN(count, FATP_MAX_RUN_SECTORS);
}

/* Copies between the file and buf (or zeros when writing with buf NULL) for [offset, offset+len)
 * inside the allocated clusters: runs of whole sectors directly, partial ones through the cache. */
static NTSTATUS transfer(struct fat_file *f, uint32_t offset, uint8_t *rbuf, const uint8_t *wbuf,
                         bool write, uint32_t len)
{
    struct fat_volume *vol = f->vol;
    uint32_t bps = vol->bytes_per_sector;
    while (len) {
        uint32_t cluster, in_cluster = offset % vol->cluster_size;
        NTSTATUS status = cluster_at(f, offset / vol->cluster_size, &cluster);
        if (!NT_SUCCESS(status))
            return status;
        uint32_t sector = fatp_cluster_sector(vol, cluster) + (in_cluster >> vol->sector_shift);
        uint32_t in_sector = offset & (bps - 1), n;
        if (in_sector == 0 && len >= bps && (!write || wbuf)) {
            uint32_t count = contiguous_sectors(f, offset / vol->cluster_size, cluster,
                                                in_cluster >> vol->sector_shift, len / bps);
            n = count * bps;
            status = write ? fatp_data_write(vol, sector, count, wbuf)
                           : fatp_data_read(vol, sector, count, rbuf);
        } else {
            struct fatp_buf *b;
            n = MIN(len, bps - in_sector);
            bool whole = write && n == bps;
            status = fatp_cache_get(vol, sector, whole ? FATP_FILL_NONE : FATP_FILL_READ, &b);
            if (NT_SUCCESS(status) && !write)
                fatp_memcpy(rbuf, b->data + in_sector, n);
            else if (NT_SUCCESS(status)) {
                if (wbuf)
                    fatp_memcpy(b->data + in_sector, wbuf, n);
                else
                    fatp_memset(b->data + in_sector, 0, n);
                fatp_cache_dirty(b);
            }
        }
        if (!NT_SUCCESS(status))
            return status;
        offset += n;
        len -= n;
        rbuf = rbuf ? rbuf + n : NULL;
        wbuf = wbuf ? wbuf + n : NULL;
    }
    return STATUS_SUCCESS;
}

NTSTATUS fat_read(struct fat_file *f, uint64_t offset, void *buffer, uint32_t len, uint32_t *done)
{
    NTSTATUS status = usable(f);
    *done = 0;
    if (!NT_SUCCESS(status) || len == 0)
        return status;
    if (offset >= f->size)
        return STATUS_END_OF_FILE;
    uint32_t n = (uint32_t)MIN((uint64_t)len, f->size - offset);
    status = transfer(f, (uint32_t)offset, buffer, NULL, false, n);
    if (NT_SUCCESS(status))
        *done = n;
    return status;
}

/* STATUS_DISK_FULL, before anything is allocated, when the volume has fewer than `need` free
 * clusters. FSInfo's count is only a hint: a request it cannot satisfy counts the FAT once. */
static NTSTATUS check_free(struct fat_volume *vol, uint32_t need)
{
    if (vol->free_count != 0xFFFFFFFFu && need <= vol->free_count)
        return STATUS_SUCCESS;
    NTSTATUS status = vol->free_exact ? STATUS_SUCCESS : fatp_count_free(vol);
    if (NT_SUCCESS(status) && need > vol->free_count)
        status = STATUS_DISK_FULL;
    return status;
}

/* Gives the file `want` clusters, freeing what it gained if the disk fills up. */
static NTSTATUS ensure_clusters(struct fat_file *f, uint32_t want)
{
    struct fat_volume *vol = f->vol;
    uint32_t have = clusters_for(vol, f->size), last = 0, added = 0, first_new = 0;
    if (want <= have)
        return STATUS_SUCCESS;
    NTSTATUS status = fatp_file_truncate(f, f->size); /* drop any chain past the size */
    if (NT_SUCCESS(status))
        status = check_free(vol, want - have);
    if (NT_SUCCESS(status) && have)
        status = cluster_at(f, have - 1, &last);
    for (uint32_t i = have; i < want && NT_SUCCESS(status); i++) {
        uint32_t c;
        status = fatp_alloc_cluster(vol, last, false, &c);
        if (NT_SUCCESS(status)) {
            first_new = first_new ? first_new : c;
            last = c;
            added++;
        }
    }
    if (NT_SUCCESS(status)) {
        if (!f->first_cluster) {
            f->first_cluster = first_new;
            f->hint_index = 0;
            f->hint_cluster = first_new;
        }
        f->entry_dirty = true;
        return STATUS_SUCCESS;
    }
    if (added) {
        if (have)
            (void)fatp_fat_set(vol, f->hint_cluster, fatp_eoc_value(vol));
        (void)fatp_free_chain(vol, first_new);
    }
    return status;
}

static void touch_write(struct fat_file *f)
{
    uint16_t date, time;
    fatp_time_to_fat(fat_now(), &date, &time, NULL);
    f->entry.wtime = time;
    f->entry.wdate = date;
    f->entry.adate = date;
    f->attr |= FATP_ATTR_ARCHIVE_BIT;
    f->entry_dirty = true;
}

NTSTATUS fat_write(struct fat_file *f, uint64_t offset, const void *buffer, uint32_t len,
                   uint32_t *done)
{
    NTSTATUS status = usable(f);
    *done = 0;
    if (!NT_SUCCESS(status) || len == 0)
        return status;
    if (offset > FATP_MAX_SIZE || len > FATP_MAX_SIZE - offset)
        return STATUS_DISK_FULL;
    uint32_t end = (uint32_t)offset + len;
    status = ensure_clusters(f, clusters_for(f->vol, end));
    if (NT_SUCCESS(status) && offset > f->size)
        status = transfer(f, f->size, NULL, NULL, true, (uint32_t)offset - f->size);
    if (NT_SUCCESS(status))
        status = transfer(f, (uint32_t)offset, NULL, buffer, true, len);
    if (!NT_SUCCESS(status))
        return status;
    f->size = MAX(f->size, end);
    touch_write(f);
    *done = len;
    return fatp_file_store(f);
}

NTSTATUS fatp_file_truncate(struct fat_file *f, uint32_t size)
{
    struct fat_volume *vol = f->vol;
    uint32_t keep = clusters_for(vol, size), last, next;
    NTSTATUS status = STATUS_SUCCESS;
    if (keep == 0 && f->first_cluster) {
        status = fatp_free_chain(vol, f->first_cluster);
        f->first_cluster = 0;
    } else if (keep) {
        status = cluster_at(f, keep - 1, &last);
        if (NT_SUCCESS(status))
            status = fatp_chain_next(vol, last, &next);
        if (NT_SUCCESS(status) && next != FATP_EOC) {
            status = fatp_fat_set(vol, last, fatp_eoc_value(vol));
            if (NT_SUCCESS(status))
                status = fatp_free_chain(vol, next);
        }
    }
    if (f->hint_index >= keep || !NT_SUCCESS(status)) { /* the remembered cluster may be freed */
        f->hint_index = 0;
        f->hint_cluster = f->first_cluster;
    }
    f->size = size;
    f->entry_dirty = true;
    return status;
}

NTSTATUS fat_set_end_of_file(struct fat_file *f, uint64_t size)
{
    NTSTATUS status = usable(f);
    if (!NT_SUCCESS(status))
        return status;
    if (size > FATP_MAX_SIZE)
        return STATUS_DISK_FULL;
    if (size > f->size) {
        status = ensure_clusters(f, clusters_for(f->vol, size));
        if (NT_SUCCESS(status))
            status = transfer(f, f->size, NULL, NULL, true, (uint32_t)size - f->size);
        if (NT_SUCCESS(status))
            f->size = (uint32_t)size;
    } else if (size < f->size) {
        status = fatp_file_truncate(f, (uint32_t)size);
    }
    if (!NT_SUCCESS(status))
        return status;
    touch_write(f);
    return fatp_file_store(f);
}

/* Allocation of a directory: its chain's length (bounded). */
static NTSTATUS chain_bytes(struct fat_file *f, uint64_t *bytes)
{
    uint32_t c = f->first_cluster, n = 0;
    if (f->root && f->vol->type != FAT_TYPE_32) {
        *bytes = (uint64_t)f->vol->root_sectors * f->vol->bytes_per_sector;
        return STATUS_SUCCESS;
    }
    while (c != FATP_EOC) {
        if (n++ >= f->vol->cluster_count)
            return STATUS_FILE_CORRUPT_ERROR;
        NTSTATUS status = fatp_chain_next(f->vol, c, &c);
        if (!NT_SUCCESS(status))
            return status;
    }
    *bytes = (uint64_t)n * f->vol->cluster_size;
    return STATUS_SUCCESS;
}

NTSTATUS fat_query_info(struct fat_file *f, struct fat_file_info *info)
{
    const struct fatp_dirent *e = &f->entry;
    if (f->deleted)
        return STATUS_FILE_DELETED;
    info->size = f->size;
    info->allocation_size = (uint64_t)clusters_for(f->vol, f->size) * f->vol->cluster_size;
    if (f->directory) {
        NTSTATUS status = chain_bytes(f, &info->allocation_size);
        if (!NT_SUCCESS(status))
            return status;
    }
    info->attributes = f->attr & 0x37;
    if (!info->attributes)
        info->attributes = FILE_ATTRIBUTE_NORMAL;
    info->creation_time = fatp_time_from_fat(e->cdate, e->ctime, e->ctime_tenth);
    info->last_write_time = fatp_time_from_fat(e->wdate, e->wtime, 0);
    info->last_access_time = fatp_time_from_fat(e->adate, 0, 0);
    return STATUS_SUCCESS;
}

NTSTATUS fat_set_basic_info(struct fat_file *f, int64_t creation_time, int64_t last_access_time,
                            int64_t last_write_time, uint32_t attributes)
{
    uint16_t date, time;
    uint8_t tenth;
    if (f->deleted)
        return STATUS_FILE_DELETED;
    if (f->root)
        return STATUS_ACCESS_DENIED;
    if (creation_time != 0 && creation_time != -1) {
        fatp_time_to_fat(creation_time, &date, &time, &tenth);
        f->entry.ctime_tenth = tenth;
        f->entry.ctime = time;
        f->entry.cdate = date;
    }
    if (last_access_time != 0 && last_access_time != -1) {
        fatp_time_to_fat(last_access_time, &date, &time, NULL);
        f->entry.adate = date;
    }
    if (last_write_time != 0 && last_write_time != -1) {
        fatp_time_to_fat(last_write_time, &date, &time, NULL);
        f->entry.wtime = time;
        f->entry.wdate = date;
    }
    if (attributes)
        f->attr = (uint8_t)((f->attr & FATP_ATTR_DIR) | (attributes & 0x27));
    f->entry_dirty = true;
    return fatp_file_store(f);
}
