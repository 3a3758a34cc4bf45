/* kernel/fs/fat/table.c: the file allocation table: 12-, 16- and 28-bit entries, every FAT copy
 * written alike, cluster chains walked with range checks and a bound (a loop cannot hang a
 * walk). */
#include "kernel/fs/fat/fatp.h"

uint32_t fatp_eoc_value(const struct fat_volume *vol)
{
    return vol->type == FAT_TYPE_12 ? 0xFFFu : vol->type == FAT_TYPE_16 ? 0xFFFFu : 0x0FFFFFFFu;
}

/* Byte offset of the cluster's entry within one FAT. */
static uint32_t entry_offset(const struct fat_volume *vol, uint32_t cluster)
{
    if (vol->type == FAT_TYPE_12)
        return cluster + cluster / 2;
    return cluster * (vol->type == FAT_TYPE_16 ? 2u : 4u);
}

static NTSTATUS fat_byte(struct fat_volume *vol, uint32_t fat, uint32_t offset, struct fatp_buf **b,
                         uint8_t **p)
{
    uint32_t sector = vol->fat_start + fat * vol->fat_sectors + (offset >> vol->sector_shift);
    NTSTATUS status = fatp_cache_get(vol, sector, FATP_FILL_READ, b);
    if (NT_SUCCESS(status))
        *p = (*b)->data + (offset & (vol->bytes_per_sector - 1));
    return status;
}

/* Reads the raw entry (up to 4 bytes, which may straddle sectors on FAT12) of one FAT. */
static NTSTATUS read_raw(struct fat_volume *vol, uint32_t fat, uint32_t cluster, uint32_t *raw)
{
    uint32_t offset = entry_offset(vol, cluster), width = vol->type == FAT_TYPE_32 ? 4 : 2;
    uint32_t v = 0;
    for (uint32_t i = 0; i < width; i++) {
        struct fatp_buf *b;
        uint8_t *p;
        NTSTATUS status = fat_byte(vol, fat, offset + i, &b, &p);
        if (!NT_SUCCESS(status))
            return status;
        v |= (uint32_t)*p << (8 * i);
    }
    *raw = v;
    return STATUS_SUCCESS;
}

static NTSTATUS write_raw(struct fat_volume *vol, uint32_t fat, uint32_t cluster, uint32_t raw)
{
    uint32_t offset = entry_offset(vol, cluster), width = vol->type == FAT_TYPE_32 ? 4 : 2;
    for (uint32_t i = 0; i < width; i++) {
        struct fatp_buf *b;
        uint8_t *p;
        NTSTATUS status = fat_byte(vol, fat, offset + i, &b, &p);
        if (!NT_SUCCESS(status))
            return status;
        *p = (uint8_t)(raw >> (8 * i));
        fatp_cache_dirty(b);
    }
    return STATUS_SUCCESS;
}

NTSTATUS fatp_fat_get(struct fat_volume *vol, uint32_t cluster, uint32_t *value)
{
    uint32_t raw;
    NTSTATUS status = read_raw(vol, vol->active_fat, cluster, &raw);
    if (!NT_SUCCESS(status))
        return status;
    if (vol->type == FAT_TYPE_12)
        *value = cluster & 1 ? (raw >> 4) & 0xFFF : raw & 0xFFF;
    else if (vol->type == FAT_TYPE_16)
        *value = raw & 0xFFFF;
    else
        *value = raw & 0x0FFFFFFF;
    return STATUS_SUCCESS;
}

/* Sets the entry in every FAT (only the active one when FAT32 mirroring is off), keeping the
 * neighbouring nibble on FAT12 and the top 4 reserved bits on FAT32. */
NTSTATUS fatp_fat_set(struct fat_volume *vol, uint32_t cluster, uint32_t value)
{
    for (uint32_t fat = 0; fat < vol->fat_count; fat++) {
        if (!vol->mirror && fat != vol->active_fat)
            continue;
        uint32_t raw;
        NTSTATUS status = read_raw(vol, fat, cluster, &raw);
        if (!NT_SUCCESS(status))
            return status;
        if (vol->type == FAT_TYPE_12)
            raw = cluster & 1 ? (raw & 0x000F) | (value & 0xFFF) << 4
                              : (raw & 0xF000) | (value & 0xFFF);
        else if (vol->type == FAT_TYPE_16)
            raw = value & 0xFFFF;
        else
            raw = (raw & 0xF0000000u) | (value & 0x0FFFFFFFu);
        status = write_raw(vol, fat, cluster, raw);
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}

NTSTATUS fatp_chain_next(struct fat_volume *vol, uint32_t cluster, uint32_t *next)
{
    uint32_t v;
    if (!fatp_cluster_valid(vol, cluster))
        return STATUS_FILE_CORRUPT_ERROR;
    NTSTATUS status = fatp_fat_get(vol, cluster, &v);
    if (!NT_SUCCESS(status))
        return status;
    uint32_t eoc_min = fatp_eoc_value(vol) - 7;
    if (v >= eoc_min)
        *next = FATP_EOC;
    else if (fatp_cluster_valid(vol, v))
        *next = v;
    else
        return STATUS_FILE_CORRUPT_ERROR;
    return STATUS_SUCCESS;
}

NTSTATUS fatp_chain_seek(struct fat_volume *vol, uint32_t cluster, uint32_t n, uint32_t *out)
{
    if (n >= vol->cluster_count)
        return STATUS_FILE_CORRUPT_ERROR;
    for (uint32_t i = 0; i < n; i++) {
        NTSTATUS status = fatp_chain_next(vol, cluster, &cluster);
        if (!NT_SUCCESS(status))
            return status;
        if (cluster == FATP_EOC)
            return STATUS_FILE_CORRUPT_ERROR;
    }
    if (!fatp_cluster_valid(vol, cluster))
        return STATUS_FILE_CORRUPT_ERROR;
    *out = cluster;
    return STATUS_SUCCESS;
}

NTSTATUS fatp_zero_cluster(struct fat_volume *vol, uint32_t cluster)
{
    uint32_t sector = fatp_cluster_sector(vol, cluster);
    for (uint32_t i = 0; i < vol->sectors_per_cluster; i++) {
        struct fatp_buf *b;
        NTSTATUS status = fatp_cache_get(vol, sector + i, FATP_FILL_NONE, &b);
        if (!NT_SUCCESS(status))
            return status;
        fatp_memset(b->data, 0, vol->bytes_per_sector);
        fatp_cache_dirty(b);
    }
    return STATUS_SUCCESS;
}

/* Finds a free cluster from the next-free hint, wrapping once around the volume. */
static NTSTATUS find_free(struct fat_volume *vol, uint32_t *out)
{
    uint32_t c = fatp_cluster_valid(vol, vol->next_free) ? vol->next_free : 2;
    for (uint32_t i = 0; i < vol->cluster_count; i++) {
        uint32_t v;
        NTSTATUS status = fatp_fat_get(vol, c, &v);
        if (!NT_SUCCESS(status))
            return status;
        if (v == 0) {
            *out = c;
            return STATUS_SUCCESS;
        }
        c = c - 2 + 1 < vol->cluster_count ? c + 1 : 2;
    }
    return STATUS_DISK_FULL;
}

NTSTATUS fatp_alloc_cluster(struct fat_volume *vol, uint32_t prev, bool zero, uint32_t *out)
{
    uint32_t c;
    if (vol->free_count == 0)
        return STATUS_DISK_FULL;
    NTSTATUS status = find_free(vol, &c);
    if (!NT_SUCCESS(status))
        return status;
    if (zero) {
        status = fatp_zero_cluster(vol, c);
        if (!NT_SUCCESS(status))
            return status;
    }
    status = fatp_fat_set(vol, c, fatp_eoc_value(vol));
    if (NT_SUCCESS(status) && prev)
        status = fatp_fat_set(vol, prev, c);
    if (!NT_SUCCESS(status))
        return status;
    if (vol->free_count != 0xFFFFFFFFu)
        vol->free_count--;
    vol->next_free = c;
    vol->fsinfo_dirty = true;
    *out = c;
    return STATUS_SUCCESS;
}

NTSTATUS fatp_free_chain(struct fat_volume *vol, uint32_t first)
{
    uint32_t c = first;
    for (uint32_t i = 0; c != FATP_EOC; i++) {
        uint32_t next;
        if (i >= vol->cluster_count)
            return STATUS_FILE_CORRUPT_ERROR;
        NTSTATUS status = fatp_chain_next(vol, c, &next);
        if (!NT_SUCCESS(status))
            return status;
        status = fatp_fat_set(vol, c, 0);
        if (!NT_SUCCESS(status))
            return status;
        if (vol->free_count != 0xFFFFFFFFu)
            vol->free_count++;
        vol->fsinfo_dirty = true;
        c = next;
    }
    return STATUS_SUCCESS;
}
