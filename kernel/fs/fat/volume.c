/* kernel/fs/fat/volume.c: mounting a FAT volume: the BPB checked field by field, the FAT type from
 * the cluster count (the specification's only rule), FSInfo on FAT32; flush and unmount. */
#include "kernel/fs/fat/fatp.h"

static bool power_of_two(uint32_t x) { return x && !(x & (x - 1)); }

static uint32_t log2_u32(uint32_t x)
{
    uint32_t n = 0;
    while (x > 1) {
        x >>= 1;
        n++;
    }
    return n;
}

/* The fields every FAT boot sector has; STATUS_UNRECOGNIZED_VOLUME when they are not a BPB. */
static NTSTATUS parse_identity(struct fat_volume *vol, const struct fatp_boot_sector *bs)
{
    uint32_t bps = bs->bytes_per_sector, spc = bs->sectors_per_cluster;
    if (bs->jump[0] != 0xEB && bs->jump[0] != 0xE9)
        return STATUS_UNRECOGNIZED_VOLUME;
    if (bps < 512 || bps > 4096 || !power_of_two(bps) || bps % vol->dev->sector_size)
        return STATUS_UNRECOGNIZED_VOLUME;
    if (!power_of_two(spc) || bps * spc > 65536)
        return STATUS_UNRECOGNIZED_VOLUME;
    if (bs->reserved_sectors == 0 || bs->fat_count == 0 || (bs->media != 0xF0 && bs->media < 0xF8))
        return STATUS_UNRECOGNIZED_VOLUME;
    vol->bytes_per_sector = bps;
    vol->sector_shift = log2_u32(bps);
    vol->dev_per_sector = bps / vol->dev->sector_size;
    vol->sectors_per_cluster = spc;
    vol->cluster_size = bps * spc;
    vol->fat_start = bs->reserved_sectors;
    vol->fat_count = bs->fat_count;
    vol->root_entries = bs->root_entries;
    return STATUS_SUCCESS;
}

/* Sizes: the regions must fit in the volume and the volume on the device. */
static NTSTATUS parse_layout(struct fat_volume *vol, const struct fatp_boot_sector *bs)
{
    uint32_t total = bs->total_sectors_16 ? bs->total_sectors_16 : bs->total_sectors_32;
    uint32_t fat_size = bs->fat_size_16 ? bs->fat_size_16 : bs->fat32.fat_size;
    if (total == 0 || fat_size == 0)
        return STATUS_UNRECOGNIZED_VOLUME;
    uint64_t root_sectors =
        ((uint64_t)vol->root_entries * FATP_ENTRY_SIZE + vol->bytes_per_sector - 1) >>
        vol->sector_shift;
    uint64_t root_start = vol->fat_start + (uint64_t)vol->fat_count * fat_size;
    uint64_t data_start = root_start + root_sectors;
    if (data_start >= total)
        return STATUS_DISK_CORRUPT_ERROR;
    if ((uint64_t)total * vol->dev_per_sector > vol->dev->sector_count)
        return STATUS_DISK_CORRUPT_ERROR;
    vol->total_sectors = total;
    vol->fat_sectors = fat_size;
    vol->first_root_sector = (uint32_t)root_start;
    vol->root_sectors = (uint32_t)root_sectors;
    vol->first_data_sector = (uint32_t)data_start;
    vol->cluster_count = (uint32_t)(total - data_start) / vol->sectors_per_cluster;
    if (vol->cluster_count == 0)
        return STATUS_DISK_CORRUPT_ERROR;
    vol->type = vol->cluster_count < 4085    ? FAT_TYPE_12
                : vol->cluster_count < 65525 ? FAT_TYPE_16
                                             : FAT_TYPE_32;
    if (vol->type == FAT_TYPE_32 && vol->cluster_count > 0x0FFFFFF5u)
        return STATUS_DISK_CORRUPT_ERROR;
    /* The FAT must have an entry for every cluster. */
    uint64_t need = (uint64_t)(vol->cluster_count + 2) * (vol->type == FAT_TYPE_32 ? 4 : 2);
    if (vol->type == FAT_TYPE_12)
        need = ((uint64_t)(vol->cluster_count + 2) * 3 + 1) / 2;
    if (need > (uint64_t)fat_size * vol->bytes_per_sector)
        return STATUS_DISK_CORRUPT_ERROR;
    return STATUS_SUCCESS;
}

static uint32_t serial_of(const struct fatp_extended_bpb *ebpb)
{
    return ebpb->boot_signature == FATP_EXTENDED_BPB_SIGNATURE ? ebpb->volume_id : 0;
}

static NTSTATUS parse_type_specific(struct fat_volume *vol, const struct fatp_boot_sector *bs)
{
    vol->active_fat = 0;
    vol->mirror = true;
    vol->free_count = 0xFFFFFFFFu;
    vol->next_free = 2;
    if (vol->type != FAT_TYPE_32) {
        vol->serial = serial_of(&bs->fat16);
        return vol->root_entries ? STATUS_SUCCESS : STATUS_DISK_CORRUPT_ERROR;
    }
    if (vol->root_entries || bs->fat_size_16 || bs->fat32.version)
        return STATUS_DISK_CORRUPT_ERROR;
    uint16_t flags = bs->fat32.ext_flags;
    if (flags & FATP_EXT_FLAGS_NO_MIRROR) {
        vol->mirror = false;
        vol->active_fat = flags & FATP_EXT_FLAGS_ACTIVE_FAT;
        if (vol->active_fat >= vol->fat_count)
            return STATUS_DISK_CORRUPT_ERROR;
    }
    vol->root_cluster = bs->fat32.root_cluster;
    if (!fatp_cluster_valid(vol, vol->root_cluster))
        return STATUS_DISK_CORRUPT_ERROR;
    uint32_t fsinfo = bs->fat32.fsinfo_sector;
    vol->fsinfo_sector = fsinfo && fsinfo < vol->fat_start ? fsinfo : 0;
    vol->serial = serial_of(&bs->fat32.ebpb);
    return STATUS_SUCCESS;
}

/* FSInfo's hints are only hints: a bad signature or impossible values leave them unknown. */
static NTSTATUS read_fsinfo(struct fat_volume *vol)
{
    struct fatp_buf *b;
    if (!vol->fsinfo_sector)
        return STATUS_SUCCESS;
    NTSTATUS status = fatp_cache_get(vol, vol->fsinfo_sector, FATP_FILL_READ, &b);
    if (!NT_SUCCESS(status))
        return status;
    const struct fatp_fsinfo *info = (const struct fatp_fsinfo *)b->data;
    if (info->lead_signature != FATP_FSINFO_LEAD || info->struct_signature != FATP_FSINFO_STRUCT ||
        info->trail_signature != FATP_FSINFO_TRAIL) {
        vol->fsinfo_sector = 0;
        return STATUS_SUCCESS;
    }
    uint32_t free_count = info->free_count, next = info->next_free;
    if (free_count <= vol->cluster_count)
        vol->free_count = free_count;
    if (fatp_cluster_valid(vol, next))
        vol->next_free = next;
    return STATUS_SUCCESS;
}

static NTSTATUS write_fsinfo(struct fat_volume *vol)
{
    struct fatp_buf *b;
    if (!vol->fsinfo_sector || !vol->fsinfo_dirty)
        return STATUS_SUCCESS;
    NTSTATUS status = fatp_cache_get(vol, vol->fsinfo_sector, FATP_FILL_READ, &b);
    if (!NT_SUCCESS(status))
        return status;
    struct fatp_fsinfo *info = (struct fatp_fsinfo *)b->data;
    info->free_count = vol->free_count;
    info->next_free = vol->next_free;
    fatp_cache_dirty(b);
    vol->fsinfo_dirty = false;
    return STATUS_SUCCESS;
}

NTSTATUS fat_mount(struct io_block_device *dev, struct fat_volume **out)
{
    struct fatp_boot_sector *bs = NULL;
    NTSTATUS status = STATUS_NO_MEMORY;
    if (!dev || !out || !dev->read || !dev->write || dev->sector_size != IO_SECTOR_SIZE)
        return STATUS_INVALID_PARAMETER;
    struct fat_volume *vol = fat_alloc(sizeof *vol);
    if (!vol)
        return STATUS_NO_MEMORY;
    fatp_memset(vol, 0, sizeof *vol);
    vol->dev = dev;
    list_init(&vol->files);
    bs = fat_alloc(IO_SECTOR_SIZE);
    if (!bs)
        goto out;
    status = dev->sector_count ? dev->read(dev, 0, 1, bs) : STATUS_UNRECOGNIZED_VOLUME;
    if (NT_SUCCESS(status))
        status = parse_identity(vol, bs);
    if (NT_SUCCESS(status))
        status = parse_layout(vol, bs);
    if (NT_SUCCESS(status))
        status = parse_type_specific(vol, bs);
    if (NT_SUCCESS(status))
        status = fatp_cache_init(vol);
    if (NT_SUCCESS(status))
        status = read_fsinfo(vol);
out:
    if (bs)
        fat_free(bs);
    if (!NT_SUCCESS(status)) {
        fatp_cache_free(vol);
        fat_free(vol);
        return status;
    }
    *out = vol;
    return STATUS_SUCCESS;
}

NTSTATUS fat_flush(struct fat_volume *vol)
{
    NTSTATUS status = write_fsinfo(vol);
    NTSTATUS cache = fatp_cache_flush(vol);
    if (NT_SUCCESS(status))
        status = cache;
    if (NT_SUCCESS(status) && vol->dev->flush)
        status = vol->dev->flush(vol->dev);
    return status;
}

NTSTATUS fat_unmount(struct fat_volume *vol)
{
    if (!list_empty(&vol->files))
        return STATUS_INVALID_PARAMETER; /* freeing it would leave those files dangling */
    NTSTATUS status = fat_flush(vol);
    fatp_cache_free(vol);
    fat_free(vol);
    return status;
}

NTSTATUS fatp_count_free(struct fat_volume *vol)
{
    uint32_t free_count = 0;
    for (uint32_t c = 2; c - 2 < vol->cluster_count; c++) {
        uint32_t v;
        NTSTATUS status = fatp_fat_get(vol, c, &v);
        if (!NT_SUCCESS(status))
            return status;
        free_count += v == 0;
    }
    if (vol->free_count != free_count) {
        vol->free_count = free_count;
        vol->fsinfo_dirty = true;
    }
    vol->free_exact = true;
    return STATUS_SUCCESS;
}

NTSTATUS fat_query_volume(struct fat_volume *vol, struct fat_volume_info *info)
{
    NTSTATUS status = vol->free_exact ? STATUS_SUCCESS : fatp_count_free(vol);
    if (!NT_SUCCESS(status))
        return status;
    info->type = vol->type;
    info->bytes_per_sector = vol->bytes_per_sector;
    info->cluster_size = vol->cluster_size;
    info->cluster_count = vol->cluster_count;
    info->free_clusters = vol->free_count;
    info->serial = vol->serial;
    return STATUS_SUCCESS;
}
