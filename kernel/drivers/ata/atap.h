/* kernel/drivers/ata/atap.h: the ATA driver's internals shared by kernel/drivers/ata/ata.c (probe,
 * requests, block devices), kernel/drivers/ata/pio.c (the task-file registers and PIO) and
 * kernel/drivers/ata/dma.c (the PIIX bus master). */
#ifndef PAGODA_ATAP_H
#define PAGODA_ATAP_H

#include "kernel/drivers/ata/ata.h"
#include "kernel/io/blockdev.h"
#include "kernel/ke/lock.h"
#include "kernel/ke/wait.h"

/* Task-file registers, offsets from the channel's command block (0x1F0 / 0x170). */
#define ATA_REG_DATA     0
#define ATA_REG_ERROR    1
#define ATA_REG_FEATURES 1
#define ATA_REG_COUNT    2
#define ATA_REG_LBA0     3
#define ATA_REG_LBA1     4
#define ATA_REG_LBA2     5
#define ATA_REG_DEVICE   6
#define ATA_REG_STATUS   7
#define ATA_REG_COMMAND  7
/* The control block (0x3F6 / 0x376): alternate status when read, device control when written. */
#define ATA_CTRL_SRST 0x04
#define ATA_CTRL_NIEN 0x02

/*  Status register:  7 BSY | 6 DRDY | 5 DF | 4 - | 3 DRQ | 2 - | 1 - | 0 ERR  */
#define ATA_SR_BSY  0x80
#define ATA_SR_DRDY 0x40
#define ATA_SR_DF   0x20
#define ATA_SR_DRQ  0x08
#define ATA_SR_ERR  0x01

#define ATA_CMD_READ_PIO      0x20
#define ATA_CMD_READ_PIO_EXT  0x24
#define ATA_CMD_READ_DMA_EXT  0x25
#define ATA_CMD_WRITE_PIO     0x30
#define ATA_CMD_WRITE_PIO_EXT 0x34
#define ATA_CMD_WRITE_DMA_EXT 0x35
#define ATA_CMD_READ_DMA      0xC8
#define ATA_CMD_WRITE_DMA     0xCA
#define ATA_CMD_FLUSH         0xE7
#define ATA_CMD_FLUSH_EXT     0xEA
#define ATA_CMD_IDENTIFY      0xEC
#define ATA_CMD_IDENTIFY_PKT  0xA1

/* One command moves at most 256 sectors: the LBA28 limit, and the DMA bounce buffer's size. */
#define ATA_MAX_SECTORS_PER_COMMAND 256u
#define ATA_DMA_BUFFER_PAGES        (ATA_MAX_SECTORS_PER_COMMAND * IO_SECTOR_SIZE / PAGE_SIZE)
#define ATA_ATTEMPTS                3

/* Timeouts, in milliseconds: a missing or dead drive must not hang the caller. */
#define ATA_TIMEOUT_RESET_MS   3000
#define ATA_TIMEOUT_COMMAND_MS 2000

struct atap_channel;

struct atap_drive {
    struct atap_channel *channel;
    uint8_t number; /* 0 master, 1 slave */
    struct ata_drive_info info;
    struct io_block_device block;
};

struct atap_channel {
    uint8_t number;
    uint16_t base, control; /* command and control blocks */
    uint16_t bus_master; /* the PIIX bus-master registers for this channel, or 0 */
    uint8_t irq;
    uint8_t selected; /* the drive last written to the device register (0xFF: none yet) */
    struct ke_lock lock; /* a request at a time: held across its waits for the drive */
    struct ke_event interrupt; /* synchronization event the IRQ handler sets */
    volatile uint8_t irq_status; /* the status register as the IRQ handler read it */
    volatile uint8_t bm_status; /* the bus master's status at the interrupt */
    /* DMA: the PRD table (one page) and the bounce buffer (ATA_DMA_BUFFER_PAGES pages, one PRD
     * each). */
    struct atap_prd *prd;
    uint32_t prd_physical;
    uint8_t *bounce;
    uint32_t bounce_physical[ATA_DMA_BUFFER_PAGES];
    struct atap_drive drives[ATA_DRIVES];
};

/* One bus-master Physical Region Descriptor: a physical run that does not cross 64 KiB. */
struct atap_prd {
    uint32_t physical;
    uint16_t bytes; /* 0 means 64 KiB */
    uint16_t flags; /* ATAP_PRD_END on the last entry */
};
#define ATAP_PRD_END 0x8000

/* A command's addressing, resolved. */
struct atap_command {
    uint8_t opcode;
    bool lba48;
    uint64_t lba;
    uint32_t count; /* 1..256 */
};

/* kernel/drivers/ata/pio.c */
uint8_t atap_alt_status(struct atap_channel *ch);
void atap_delay_400ns(struct atap_channel *ch);
/* Waits for BSY to clear, polling; STATUS_IO_TIMEOUT after ms. Returns the last status in
 * *status. */
NTSTATUS atap_wait_not_busy(struct atap_channel *ch, unsigned ms, uint8_t *status);
/* Waits for the IRQ handler's event and gives the status it saw in *status; STATUS_IO_TIMEOUT, or
 * STATUS_THREAD_IS_TERMINATING when the thread is being ended during the wait. */
NTSTATUS atap_wait_interrupt(struct atap_channel *ch, uint8_t *status);
NTSTATUS atap_select(struct atap_drive *d);
/* Writes the task file (count and LBA, 28- or 48-bit) and the command. */
void atap_issue(struct atap_drive *d, const struct atap_command *cmd);
NTSTATUS atap_pio_read(struct atap_drive *d, const struct atap_command *cmd, void *buffer);
NTSTATUS atap_pio_write(struct atap_drive *d, const struct atap_command *cmd, const void *buffer);
/* Software reset of both drives of the channel. */
NTSTATUS atap_reset(struct atap_channel *ch);

/* kernel/drivers/ata/dma.c */
/* Sets up the channel's PRD table and bounce buffer; false (PIO only) when memory is short. */
bool atap_dma_setup(struct atap_channel *ch);
NTSTATUS atap_dma_transfer(struct atap_drive *d, const struct atap_command *cmd,
                           enum ata_direction direction, void *buffer);
/* Called from the IRQ handler: reads and acknowledges the bus master's interrupt. */
void atap_dma_interrupt(struct atap_channel *ch);

#endif
