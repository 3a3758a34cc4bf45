/* kernel/io/blockdev.c: the registry of block devices (kernel/io/blockdev.h). Drivers register at
 * boot; devices are never removed, so a pointer from io_find_block_device stays valid. Only threads
 * touch the table and kernel code is not preempted (docs/decisions.md), so it needs no lock. */
#include "kernel/io/blockdev.h"
#include "kernel/ke/ke.h"
#include "kernel/rtl/string.h"

#define IO_MAX_BLOCK_DEVICES 32

static struct io_block_device *devices[IO_MAX_BLOCK_DEVICES];
static uint32_t device_count;

/* STATUS_OBJECT_NAME_COLLISION for a name already registered, STATUS_INSUFFICIENT_RESOURCES when
 * the table is full, STATUS_INVALID_PARAMETER for a device without a name, read or write. */
NTSTATUS io_register_block_device(struct io_block_device *dev)
{
    if (!dev->name[0] || !dev->read || !dev->write || dev->sector_size != IO_SECTOR_SIZE)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = STATUS_SUCCESS;
    if (io_find_block_device(dev->name))
        status = STATUS_OBJECT_NAME_COLLISION;
    else if (device_count == IO_MAX_BLOCK_DEVICES)
        status = STATUS_INSUFFICIENT_RESOURCES;
    else
        devices[device_count++] = dev;
    if (NT_SUCCESS(status))
        ke_debug("io: block device %s, %llu sectors (%llu MiB)\n", dev->name, dev->sector_count,
                 dev->sector_count * dev->sector_size >> 20);
    return status;
}

/* The device registered under name (exact, case-sensitive), or NULL. */
struct io_block_device *io_find_block_device(const char *name)
{
    for (uint32_t i = 0; i < device_count; i++)
        if (!strcmp(devices[i]->name, name))
            return devices[i];
    return NULL;
}

uint32_t io_block_device_count(void) { return device_count; }

/* The index-th device in registration order, or NULL past the end. */
struct io_block_device *io_block_device_at(uint32_t index)
{
    return index < device_count ? devices[index] : NULL;
}
