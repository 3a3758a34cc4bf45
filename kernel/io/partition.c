/* kernel/io/partition.c: the primary partitions of an MBR disk become block devices of their own
 * that check bounds against the partition and forward to the disk at the partition's first sector.
 * Extended partitions are not followed (they are registered like the others, as their type
 * says). */
#include "kernel/io/partition.h"
#include "kernel/rtl/format.h"
#include "kernel/ke/ke.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

#define PARTITION_TAG MM_TAG('I', 'o', 'P', 't')

struct partition {
    struct io_block_device block;
    struct io_block_device *disk;
    uint64_t first;
    uint8_t type;
};

static bool in_range(struct io_block_device *dev, uint64_t lba, uint32_t count)
{
    return lba <= dev->sector_count && count <= dev->sector_count - lba;
}

static NTSTATUS partition_read(struct io_block_device *dev, uint64_t lba, uint32_t count,
                               void *buffer)
{
    struct partition *p = dev->context;
    if (!in_range(dev, lba, count))
        return STATUS_INVALID_PARAMETER;
    return p->disk->read(p->disk, p->first + lba, count, buffer);
}

static NTSTATUS partition_write(struct io_block_device *dev, uint64_t lba, uint32_t count,
                                const void *buffer)
{
    struct partition *p = dev->context;
    if (!in_range(dev, lba, count))
        return STATUS_INVALID_PARAMETER;
    return p->disk->write(p->disk, p->first + lba, count, buffer);
}

static NTSTATUS partition_flush(struct io_block_device *dev)
{
    struct partition *p = dev->context;
    return p->disk->flush ? p->disk->flush(p->disk) : STATUS_SUCCESS;
}

static uint32_t le32(const uint8_t *b)
{
    return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* One table entry: 16 bytes, type at +4, first LBA at +8, sector count at +12. */
static bool add_partition(struct io_block_device *disk, unsigned index, const uint8_t *entry)
{
    uint8_t type = entry[4];
    uint64_t first = le32(entry + 8), count = le32(entry + 12);
    if (type == 0)
        return false;
    if (count == 0 || first == 0 || first > disk->sector_count ||
        count > disk->sector_count - first) {
        ke_warn("io: %s partition %u (type %02x, sectors %llu+%llu) is outside the disk (%llu "
                "sectors): ignored\n",
                disk->name, index, type, first, count, disk->sector_count);
        return false;
    }
    struct partition *p = mm_pool_alloc(sizeof *p, PARTITION_TAG);
    if (!p)
        return false;
    memset(p, 0, sizeof *p);
    rtl_snprintf(p->block.name, sizeof p->block.name, "%sp%u", disk->name, index);
    p->block.sector_size = IO_SECTOR_SIZE;
    p->block.sector_count = count;
    p->block.read = partition_read;
    p->block.write = partition_write;
    p->block.flush = partition_flush;
    p->block.context = p;
    p->disk = disk;
    p->first = first;
    p->type = type;
    if (!NT_SUCCESS(io_register_block_device(&p->block))) {
        mm_pool_free(p, PARTITION_TAG);
        return false;
    }
    ke_info("io: %s: type %02x, sectors %llu-%llu of %s\n", p->block.name, type, first,
            first + count - 1, disk->name);
    return true;
}

uint32_t io_register_partitions(struct io_block_device *disk)
{
    uint8_t *mbr = mm_pool_alloc(IO_SECTOR_SIZE, PARTITION_TAG);
    if (!mbr)
        return 0;
    uint32_t registered = 0;
    NTSTATUS status = disk->read(disk, 0, 1, mbr);
    if (!NT_SUCCESS(status)) {
        ke_warn("io: reading the MBR of %s failed: %08x\n", disk->name, (uint32_t)status);
        goto out;
    }
    if (mbr[IO_MBR_SIGNATURE_OFFSET] != 0x55 || mbr[IO_MBR_SIGNATURE_OFFSET + 1] != 0xAA)
        goto out;
    for (unsigned i = 0; i < IO_MBR_PRIMARY_COUNT; i++)
        registered += add_partition(disk, i + 1, mbr + IO_MBR_TABLE_OFFSET + 16 * i);
out:
    mm_pool_free(mbr, PARTITION_TAG);
    return registered;
}

void io_scan_partitions(void)
{
    uint32_t disks = io_block_device_count();
    for (uint32_t i = 0; i < disks; i++)
        io_register_partitions(io_block_device_at(i));
}
