/* kernel/drivers/ata/ata.h: the ATA (IDE) disk driver: two legacy channels (0x1F0/IRQ 14, 0x170/IRQ
 * 15), master and slave each, PIO and PIIX bus-master DMA. ata_init probes the drives at boot and
 * registers each disk as the block device "ata<channel>.<drive>"; ATAPI drives are found and
 * logged, not registered. */
#ifndef PAGODA_ATA_H
#define PAGODA_ATA_H

#include "kernel/ndk/ntstatus.h"
#include "kernel/ndk/types.h"

#define ATA_CHANNELS 2
#define ATA_DRIVES   2 /* per channel: master 0, slave 1 */

enum ata_kind { ATA_NONE, ATA_DISK, ATA_ATAPI };
enum ata_direction { ATA_READ, ATA_WRITE };
/* How a transfer moves data: ATA_MODE_AUTO is DMA where there is a bus master (and no ata=pio),
 * falling back to PIO when DMA fails; PIO and DMA are forced (DMA without a bus master fails with
 * STATUS_NOT_SUPPORTED). */
enum ata_mode { ATA_MODE_AUTO, ATA_MODE_PIO, ATA_MODE_DMA };
/* ATA_ADDRESS_LBA48 uses the 48-bit commands even where 28 bits would do (tests). */
enum ata_addressing { ATA_ADDRESS_AUTO, ATA_ADDRESS_LBA48 };

struct ata_drive_info {
    enum ata_kind kind;
    bool lba48; /* the drive has the 48-bit command set */
    uint64_t sectors;
    char model[41], serial[21]; /* from IDENTIFY, trailing spaces removed */
};

/* Finds the IDE controller on PCI (for its bus master), resets the channels, identifies the drives,
 * logs them and registers the disks as block devices. Once at boot, with interrupts on. */
void ata_init(void);
/* What the probe found at (channel, drive); kind ATA_NONE for nothing (or out-of-range numbers). */
const struct ata_drive_info *ata_drive_info(unsigned channel, unsigned drive);
/* Whether the channel has a working bus master (PCI IDE controller with BAR4, DMA not failed). */
bool ata_dma_available(unsigned channel);

/* Transfers count sectors at lba to or from buffer (any kernel virtual memory). Waits: passive
 * level. STATUS_NO_SUCH_DEVICE when no disk is there, STATUS_INVALID_PARAMETER past the end of the
 * disk, STATUS_DEVICE_DATA_ERROR after three failed attempts, STATUS_IO_TIMEOUT when the drive
 * stops answering, STATUS_NOT_SUPPORTED for ATA_MODE_DMA without a bus master or LBA48 on a drive
 * without it. */
NTSTATUS ata_transfer(unsigned channel, unsigned drive, enum ata_direction direction,
                      enum ata_mode mode, enum ata_addressing addressing, uint64_t lba,
                      uint32_t count, void *buffer);
/* FLUSH CACHE (EXT): the drive's write cache to the medium. */
NTSTATUS ata_flush(unsigned channel, unsigned drive);

#endif
