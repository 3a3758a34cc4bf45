/* tests/kernel/io_ata.c: PCI, the ATA driver, partitions and the block-device registry against the
 * harness's disk (tools/mkdisk.sh: 130 x 516096 bytes, FAT32 from sector 2048, 512 scratch sectors
 * at the end). Every read is done by PIO and by DMA and compared; writes go to the scratch sectors
 * only. */
#include "kernel/drivers/ata/ata.h"
#include "kernel/io/blockdev.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/io/partition.h"
#include "kernel/drivers/pci/pci.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

#define DISK_SECTORS      (130u * 516096u / 512u)
#define PARTITION_FIRST   2048u
#define SCRATCH_SECTORS   512u
#define PARTITION_SECTORS (DISK_SECTORS - PARTITION_FIRST - SCRATCH_SECTORS)
#define SCRATCH_FIRST     (DISK_SECTORS - SCRATCH_SECTORS)
#define TEST_TAG          MM_TAG('K', 't', 'I', 'o')

static NTSTATUS disk_read(enum ata_mode mode, uint64_t lba, uint32_t count, void *buffer)
{
    return ata_transfer(0, 0, ATA_READ, mode, ATA_ADDRESS_AUTO, lba, count, buffer);
}

static NTSTATUS disk_write(enum ata_mode mode, uint64_t lba, uint32_t count, void *buffer)
{
    return ata_transfer(0, 0, ATA_WRITE, mode, ATA_ADDRESS_AUTO, lba, count, buffer);
}

KTEST(io, pci_finds_ide_controller)
{
    const struct pci_device *ide = pci_find_class(PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE, 0);
    KT_TRUE(ide != NULL);
    KT_EQ(ide->vendor_id, 0x8086); /* Intel PIIX under QEMU and Bochs */
    KT_TRUE(pci_device_count() >= 2); /* at least the host bridge and the IDE function */
    KT_TRUE(pci_io_bar(ide, 4) != 0); /* the bus master */
    return NULL;
}

KTEST(io, ata_finds_disk_with_right_size)
{
    const struct ata_drive_info *info = ata_drive_info(0, 0);
    KT_EQ(info->kind, ATA_DISK);
    KT_EQ(info->sectors, DISK_SECTORS);
    KT_TRUE(info->model[0] != 0);
    struct io_block_device *disk = io_find_block_device("ata0.0");
    KT_TRUE(disk != NULL);
    KT_EQ(disk->sector_count, DISK_SECTORS);
    KT_EQ(disk->sector_size, IO_SECTOR_SIZE);
    struct io_block_device *part = io_find_block_device("ata0.0p1");
    KT_TRUE(part != NULL);
    KT_EQ(part->sector_count, PARTITION_SECTORS);
    KT_TRUE(io_find_block_device("ata0.0p2") == NULL);
    KT_TRUE(ata_dma_available(0));
    return NULL;
}

/* Reads lba by PIO, DMA (28- and 48-bit) and through the block device; all must agree. */
static const char *read_all_ways(uint64_t lba, uint8_t *out)
{
    uint8_t *other = mm_pool_alloc(IO_SECTOR_SIZE, TEST_TAG);
    KT_TRUE(other != NULL);
    const char *error = NULL;
    NTSTATUS s = disk_read(ATA_MODE_PIO, lba, 1, out);
    if (s != STATUS_SUCCESS)
        error = ktest_failf("PIO read of %llu: %08x", lba, (uint32_t)s);
    static const struct {
        enum ata_mode mode;
        enum ata_addressing addressing;
    } ways[] = {{ATA_MODE_DMA, ATA_ADDRESS_AUTO},
                {ATA_MODE_PIO, ATA_ADDRESS_LBA48},
                {ATA_MODE_DMA, ATA_ADDRESS_LBA48},
                {ATA_MODE_AUTO, ATA_ADDRESS_AUTO}};
    for (unsigned i = 0; !error && i < ARRAY_SIZE(ways); i++) {
        memset(other, 0xCC, IO_SECTOR_SIZE);
        s = ata_transfer(0, 0, ATA_READ, ways[i].mode, ways[i].addressing, lba, 1, other);
        if (s != STATUS_SUCCESS)
            error = ktest_failf("read %u of %llu: %08x", i, lba, (uint32_t)s);
        else if (memcmp(out, other, IO_SECTOR_SIZE) != 0)
            error = ktest_failf("read %u of sector %llu differs from PIO", i, lba);
    }
    mm_pool_free(other, TEST_TAG);
    return error;
}

KTEST(io, mbr_and_boot_sector_pio_dma)
{
    uint8_t *sector = mm_pool_alloc(IO_SECTOR_SIZE, TEST_TAG);
    uint8_t *via_partition = mm_pool_alloc(IO_SECTOR_SIZE, TEST_TAG);
    KT_TRUE(sector && via_partition);
    KT_RUN(read_all_ways(0, sector));
    KT_EQ(sector[510], 0x55);
    KT_EQ(sector[511], 0xAA);
    KT_EQ(sector[446 + 4], 0x0C); /* partition 1: FAT32 LBA */
    KT_RUN(read_all_ways(PARTITION_FIRST, sector));
    KT_EQ(sector[510], 0x55);
    KT_EQ(sector[511], 0xAA);
    KT_TRUE(memcmp(sector + 82, "FAT32   ", 8) == 0); /* the FAT32 boot sector's type string */
    struct io_block_device *part = io_find_block_device("ata0.0p1");
    KT_TRUE(part != NULL);
    KT_EQ(part->read(part, 0, 1, via_partition), STATUS_SUCCESS);
    KT_TRUE(memcmp(sector, via_partition, IO_SECTOR_SIZE) == 0);
    mm_pool_free(sector, TEST_TAG);
    mm_pool_free(via_partition, TEST_TAG);
    return NULL;
}

static void fill_pattern(uint8_t *buffer, uint32_t sectors, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (uint32_t i = 0; i < sectors * IO_SECTOR_SIZE; i++) {
        x = x * 1103515245u + 12345u;
        buffer[i] = (uint8_t)(x >> 16);
    }
}

/* Writes with one mode, reads back with the other (and the same), compares. */
static const char *round_trip(uint32_t sectors, enum ata_mode write_mode, enum ata_mode read_mode,
                              uint8_t *data, uint8_t *back)
{
    uint32_t seed = sectors * 4 + write_mode * 2 + read_mode;
    fill_pattern(data, sectors, seed);
    memset(back, 0, sectors * IO_SECTOR_SIZE);
    NTSTATUS s = disk_write(write_mode, SCRATCH_FIRST, sectors, data);
    if (s != STATUS_SUCCESS)
        return ktest_failf("write of %u sectors (mode %u): %08x", sectors, write_mode, (uint32_t)s);
    s = disk_read(read_mode, SCRATCH_FIRST, sectors, back);
    if (s != STATUS_SUCCESS)
        return ktest_failf("read of %u sectors (mode %u): %08x", sectors, read_mode, (uint32_t)s);
    for (uint32_t i = 0; i < sectors * IO_SECTOR_SIZE; i++)
        if (data[i] != back[i])
            return ktest_failf("%u sectors written by mode %u, read by mode %u: byte %u is %02x, "
                               "expected %02x",
                               sectors, write_mode, read_mode, i, back[i], data[i]);
    return NULL;
}

KTEST(io, write_read_round_trip_pio_dma)
{
    static const uint32_t sizes[] = {1, 8, 255, 256, 300};
    uint32_t bytes = 300 * IO_SECTOR_SIZE;
    uint8_t *data = mm_pool_alloc(bytes, TEST_TAG), *back = mm_pool_alloc(bytes, TEST_TAG);
    KT_TRUE(data && back);
    const char *error = NULL;
    for (unsigned i = 0; !error && i < ARRAY_SIZE(sizes); i++) {
        error = round_trip(sizes[i], ATA_MODE_PIO, ATA_MODE_PIO, data, back);
        if (!error)
            error = round_trip(sizes[i], ATA_MODE_PIO, ATA_MODE_DMA, data, back);
        if (!error)
            error = round_trip(sizes[i], ATA_MODE_DMA, ATA_MODE_PIO, data, back);
        if (!error)
            error = round_trip(sizes[i], ATA_MODE_DMA, ATA_MODE_DMA, data, back);
    }
    if (!error && ata_flush(0, 0) != STATUS_SUCCESS)
        error = "FLUSH CACHE failed";
    mm_pool_free(data, TEST_TAG);
    mm_pool_free(back, TEST_TAG);
    return error;
}

KTEST(io, reads_past_the_end_are_refused)
{
    uint8_t sector[IO_SECTOR_SIZE];
    KT_EQ(disk_read(ATA_MODE_PIO, DISK_SECTORS, 1, sector), STATUS_INVALID_PARAMETER);
    KT_EQ(disk_read(ATA_MODE_DMA, DISK_SECTORS - 1, 2, sector), STATUS_INVALID_PARAMETER);
    KT_EQ(disk_read(ATA_MODE_PIO, UINT64_MAX, 1, sector), STATUS_INVALID_PARAMETER);
    KT_EQ(disk_read(ATA_MODE_PIO, DISK_SECTORS - 1, 1, sector), STATUS_SUCCESS); /* the last one */
    struct io_block_device *disk = io_find_block_device("ata0.0");
    struct io_block_device *part = io_find_block_device("ata0.0p1");
    KT_TRUE(disk && part);
    KT_EQ(disk->read(disk, DISK_SECTORS, 1, sector), STATUS_INVALID_PARAMETER);
    KT_EQ(part->read(part, PARTITION_SECTORS, 1, sector), STATUS_INVALID_PARAMETER);
    KT_EQ(part->write(part, PARTITION_SECTORS - 1, 2, sector), STATUS_INVALID_PARAMETER);
    return NULL;
}

KTEST(io, missing_device_does_not_hang)
{
    uint8_t sector[IO_SECTOR_SIZE];
    uint64_t start = ke_get_tick_count();
    KT_EQ(ata_drive_info(1, 1)->kind, ATA_NONE);
    KT_EQ(ata_transfer(1, 1, ATA_READ, ATA_MODE_AUTO, ATA_ADDRESS_AUTO, 0, 1, sector),
          STATUS_NO_SUCH_DEVICE);
    KT_EQ(ata_transfer(2, 0, ATA_READ, ATA_MODE_PIO, ATA_ADDRESS_AUTO, 0, 1, sector),
          STATUS_NO_SUCH_DEVICE);
    KT_EQ(ata_flush(1, 1), STATUS_NO_SUCH_DEVICE);
    KT_TRUE(io_find_block_device("ata1.1") == NULL);
    KT_TRUE(ke_get_tick_count() - start <= 1);
    return NULL;
}

static NTSTATUS fake_read(struct io_block_device *dev, uint64_t lba, uint32_t count, void *buffer)
{
    (void)dev;
    if (lba != 0 || count != 1)
        return STATUS_INVALID_PARAMETER;
    uint8_t *mbr = buffer;
    memset(mbr, 0, IO_SECTOR_SIZE);
    /* Partition 1 fits, 2 ends past the disk, 3 starts past it, 4 is empty. */
    static const uint32_t entries[3][3] = {{0x83, 8, 100}, {0x0C, 50, 60}, {0x07, 200, 1}};
    for (int i = 0; i < 3; i++) {
        uint8_t *e = mbr + IO_MBR_TABLE_OFFSET + 16 * i;
        e[4] = (uint8_t)entries[i][0];
        memcpy(e + 8, &entries[i][1], 4);
        memcpy(e + 12, &entries[i][2], 4);
    }
    mbr[510] = 0x55;
    mbr[511] = 0xAA;
    return STATUS_SUCCESS;
}

static NTSTATUS fake_write(struct io_block_device *dev, uint64_t lba, uint32_t count,
                           const void *buffer)
{
    (void)dev, (void)lba, (void)count, (void)buffer;
    return STATUS_SUCCESS;
}

KTEST(io, partitions_past_the_disk_end_are_rejected)
{
    static struct io_block_device fake = {.name = "kt_fake",
                                          .sector_size = IO_SECTOR_SIZE,
                                          .sector_count = 108,
                                          .read = fake_read,
                                          .write = fake_write};
    if (!io_find_block_device("kt_fake"))
        KT_EQ(io_register_block_device(&fake), STATUS_SUCCESS);
    KT_EQ(io_register_block_device(&fake), STATUS_OBJECT_NAME_COLLISION);
    KT_EQ(io_register_partitions(&fake), 1);
    struct io_block_device *p1 = io_find_block_device("kt_fakep1");
    KT_TRUE(p1 != NULL);
    KT_EQ(p1->sector_count, 100);
    KT_TRUE(io_find_block_device("kt_fakep2") == NULL);
    KT_TRUE(io_find_block_device("kt_fakep3") == NULL);
    return NULL;
}
