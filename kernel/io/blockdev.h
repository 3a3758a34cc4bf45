/* kernel/io/blockdev.h: the block-device interface between disk drivers (kernel/drivers/ata/ata.c),
 * partitions (kernel/io/partition.c) and file systems (kernel/fs/fat/). A device reads and writes
 * whole sectors; a partition is a device that forwards to its disk at an offset. Pure interface:
 * the FAT code is also compiled for the host, where a file stands in for the disk. */
#ifndef PAGODA_BLOCKDEV_H
#define PAGODA_BLOCKDEV_H

#include "kernel/ndk/ntstatus.h"
#include "kernel/ndk/types.h"

#define IO_SECTOR_SIZE 512u

struct io_block_device {
    char name[16]; /* "ata0.0", "ata0.0p1" ... */
    uint32_t sector_size; /* IO_SECTOR_SIZE */
    uint64_t sector_count;
    /* Whole sectors; STATUS_INVALID_PARAMETER past the end, STATUS_DEVICE_DATA_ERROR,
     * STATUS_IO_TIMEOUT, STATUS_NO_SUCH_DEVICE from the hardware. Called at passive level (may
     * wait). */
    NTSTATUS (*read)(struct io_block_device *dev, uint64_t lba, uint32_t count, void *buffer);
    NTSTATUS (*write)(struct io_block_device *dev, uint64_t lba, uint32_t count, const void *data);
    NTSTATUS (*flush)(struct io_block_device *dev); /* write caches to the medium; may be NULL */
    void *context;
};

/* The registry of block devices (kernel/io/blockdev.c): drivers add, file systems look up. */
NTSTATUS io_register_block_device(struct io_block_device *dev);
struct io_block_device *io_find_block_device(const char *name);
uint32_t io_block_device_count(void);
struct io_block_device *io_block_device_at(uint32_t index);

#endif
