/* kernel/io/partition.h: MBR partitions as block devices ("ata0.0p1" ... "ata0.0p4"), each
 * forwarding to its disk at an offset (kernel/io/partition.c). */
#ifndef PAGODA_PARTITION_H
#define PAGODA_PARTITION_H

#include "kernel/io/blockdev.h"

#define IO_MBR_SIGNATURE_OFFSET 510
#define IO_MBR_TABLE_OFFSET     446
#define IO_MBR_PRIMARY_COUNT    4

/* Reads disk's MBR and registers its primary partitions (type nonzero, inside the disk). Returns
 * how many it registered; a disk without the 0x55AA signature has none. Passive level. */
uint32_t io_register_partitions(struct io_block_device *disk);
/* Does it for every block device registered so far (the disks found at boot). */
void io_scan_partitions(void);

#endif
