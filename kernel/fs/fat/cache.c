/* kernel/fs/fat/cache.c: the FAT library's write-back cache of volume sectors (FAT, directories,
 * partial data sectors), LRU over a few slots, and the data path that bypasses it for whole
 * sectors. */
#include "kernel/fs/fat/fatp.h"

static NTSTATUS dev_read(struct fat_volume *vol, uint32_t sector, uint32_t count, void *buffer)
{
    uint64_t lba = (uint64_t)sector * vol->dev_per_sector;
    return vol->dev->read(vol->dev, lba, count * vol->dev_per_sector, buffer);
}

static NTSTATUS dev_write(struct fat_volume *vol, uint32_t sector, uint32_t count,
                          const void *buffer)
{
    uint64_t lba = (uint64_t)sector * vol->dev_per_sector;
    return vol->dev->write(vol->dev, lba, count * vol->dev_per_sector, buffer);
}

NTSTATUS fatp_cache_init(struct fat_volume *vol)
{
    for (uint32_t i = 0; i < FATP_CACHE_SLOTS; i++) {
        vol->cache[i].valid = vol->cache[i].dirty = false;
        vol->cache[i].data = fat_alloc(vol->bytes_per_sector);
        if (!vol->cache[i].data)
            return STATUS_NO_MEMORY;
    }
    return STATUS_SUCCESS;
}

void fatp_cache_free(struct fat_volume *vol)
{
    for (uint32_t i = 0; i < FATP_CACHE_SLOTS; i++) {
        if (vol->cache[i].data)
            fat_free(vol->cache[i].data);
        vol->cache[i].data = NULL;
    }
}

static NTSTATUS write_back(struct fat_volume *vol, struct fatp_buf *b)
{
    if (!b->valid || !b->dirty)
        return STATUS_SUCCESS;
    NTSTATUS status = dev_write(vol, b->sector, 1, b->data);
    if (NT_SUCCESS(status))
        b->dirty = false;
    return status;
}

static struct fatp_buf *lookup(struct fat_volume *vol, uint32_t sector)
{
    for (uint32_t i = 0; i < FATP_CACHE_SLOTS; i++)
        if (vol->cache[i].valid && vol->cache[i].sector == sector)
            return &vol->cache[i];
    return NULL;
}

/* Returns the cached sector, reading it unless fill is FATP_FILL_NONE (the caller overwrites all
 * of it). The pointer is valid until the next cache call. Sectors past the volume are refused. */
NTSTATUS fatp_cache_get(struct fat_volume *vol, uint32_t sector, enum fatp_fill fill,
                        struct fatp_buf **out)
{
    if (sector >= vol->total_sectors)
        return STATUS_FILE_CORRUPT_ERROR;
    struct fatp_buf *b = lookup(vol, sector);
    if (!b) {
        b = &vol->cache[0];
        for (uint32_t i = 1; i < FATP_CACHE_SLOTS; i++) {
            struct fatp_buf *c = &vol->cache[i];
            if (!c->valid || (b->valid && c->stamp < b->stamp))
                b = c;
        }
        NTSTATUS status = write_back(vol, b);
        if (!NT_SUCCESS(status))
            return status;
        b->valid = false;
        if (fill == FATP_FILL_READ) {
            status = dev_read(vol, sector, 1, b->data);
            if (!NT_SUCCESS(status))
                return status;
        }
        b->sector = sector;
        b->valid = true;
        b->dirty = false;
    }
    b->stamp = ++vol->clock;
    *out = b;
    return STATUS_SUCCESS;
}

void fatp_cache_dirty(struct fatp_buf *buf) { buf->dirty = true; }

NTSTATUS fatp_cache_flush(struct fat_volume *vol)
{
    NTSTATUS first = STATUS_SUCCESS;
    for (uint32_t i = 0; i < FATP_CACHE_SLOTS; i++) {
        NTSTATUS status = write_back(vol, &vol->cache[i]);
        if (!NT_SUCCESS(status) && NT_SUCCESS(first))
            first = status;
    }
    return first;
}

/* Reads count sectors; runs that are not cached go to the device in one request. */
NTSTATUS fatp_data_read(struct fat_volume *vol, uint32_t sector, uint32_t count, void *buffer)
{
    uint8_t *out = buffer;
    uint32_t bps = vol->bytes_per_sector;
    if (sector > vol->total_sectors || count > vol->total_sectors - sector)
        return STATUS_FILE_CORRUPT_ERROR;
    uint32_t run = 0; /* uncached sectors pending before i */
    for (uint32_t i = 0; i <= count; i++) {
        struct fatp_buf *b = i < count ? lookup(vol, sector + i) : NULL;
        if (i < count && !b) {
            run++;
            continue;
        }
        if (run) {
            NTSTATUS status = dev_read(vol, sector + i - run, run, out + (size_t)(i - run) * bps);
            if (!NT_SUCCESS(status))
                return status;
            run = 0;
        }
        if (b)
            fatp_memcpy(out + (size_t)i * bps, b->data, bps);
    }
    return STATUS_SUCCESS;
}

/* Writes count sectors straight to the device and drops any cached copies (they are stale). */
NTSTATUS fatp_data_write(struct fat_volume *vol, uint32_t sector, uint32_t count,
                         const void *buffer)
{
    if (sector > vol->total_sectors || count > vol->total_sectors - sector)
        return STATUS_FILE_CORRUPT_ERROR;
    for (uint32_t i = 0; i < FATP_CACHE_SLOTS; i++) {
        struct fatp_buf *b = &vol->cache[i];
        if (b->valid && b->sector >= sector && b->sector - sector < count)
            b->valid = b->dirty = false;
    }
    return dev_write(vol, sector, count, buffer);
}
