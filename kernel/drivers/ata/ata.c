/* kernel/drivers/ata/ata.c: the ATA driver's front: the two legacy channels and their interrupts,
 * the boot-time probe (reset, IDENTIFY, ATAPI signatures), requests split into commands with
 * retries and the DMA-to-PIO fallback, and the block devices "ata<channel>.<drive>". Task-file and
 * PIO details are in kernel/drivers/ata/pio.c, the bus master in kernel/drivers/ata/dma.c. */
#include "kernel/ke/arch.h"
#include "kernel/ke/cmdline.h"
#include "kernel/drivers/ata/atap.h"
#include "kernel/rtl/format.h"
#include "kernel/ke/ke.h"
#include "kernel/drivers/pci/pci.h"
#include "kernel/rtl/string.h"
#include "kernel/ke/trap.h"

#define PIIX_BUS_MASTER_BAR    4
#define PCI_PROG_IF_BUS_MASTER 0x80
#define LBA28_LIMIT            0x10000000ull

/* IDENTIFY DEVICE words. */
#define ID_SERIAL        10
#define ID_MODEL         27
#define ID_CAPABILITIES  49
#define ID_LBA28_SECTORS 60
#define ID_COMMAND_SET_2 83
#define ID_LBA48_SECTORS 100
#define ID_CAP_LBA       (1u << 9)
#define ID_CMD2_LBA48    (1u << 10)

static struct atap_channel channels[ATA_CHANNELS] = {
    {.number = 0, .base = 0x1F0, .control = 0x3F6, .irq = 14},
    {.number = 1, .base = 0x170, .control = 0x376, .irq = 15},
};
static const struct ata_drive_info no_drive = {.kind = ATA_NONE};

/* Interrupts off (an IRQ handler): acknowledge the drive (reading STATUS clears INTRQ) and the bus
 * master, keep what they said for the waiting thread, wake it. */
static void channel_interrupt(struct atap_channel *ch)
{
    if (ch->bus_master)
        atap_dma_interrupt(ch);
    ch->irq_status = inb(ch->base + ATA_REG_STATUS);
    ke_set_event(&ch->interrupt);
}

static void primary_interrupt(struct ke_trap_frame *tf)
{
    (void)tf;
    channel_interrupt(&channels[0]);
}

static void secondary_interrupt(struct ke_trap_frame *tf)
{
    (void)tf;
    channel_interrupt(&channels[1]);
}

static struct atap_drive *find_drive(unsigned channel, unsigned drive)
{
    if (channel >= ATA_CHANNELS || drive >= ATA_DRIVES)
        return NULL;
    return &channels[channel].drives[drive];
}

/* ---- probe ---- */

/* IDENTIFY strings are big-endian pairs of characters, padded with spaces. */
static void copy_identify_string(char *dst, const uint16_t *id, unsigned first, unsigned words)
{
    for (unsigned i = 0; i < words; i++) {
        dst[2 * i] = (char)(id[first + i] >> 8);
        dst[2 * i + 1] = (char)id[first + i];
    }
    size_t len = 2 * words;
    while (len > 0 && (dst[len - 1] == ' ' || dst[len - 1] == 0))
        len--;
    dst[len] = 0;
}

static void parse_identify(struct ata_drive_info *info, const uint16_t *id)
{
    copy_identify_string(info->model, id, ID_MODEL, 20);
    copy_identify_string(info->serial, id, ID_SERIAL, 10);
    if (info->kind != ATA_DISK)
        return;
    info->lba48 = (id[ID_COMMAND_SET_2] & ID_CMD2_LBA48) != 0;
    uint64_t lba28 = id[ID_LBA28_SECTORS] | (uint32_t)id[ID_LBA28_SECTORS + 1] << 16;
    uint64_t lba48 = 0;
    for (int i = 3; i >= 0; i--)
        lba48 = lba48 << 16 | id[ID_LBA48_SECTORS + i];
    info->sectors = info->lba48 && lba48 ? lba48 : lba28;
    if (!(id[ID_CAPABILITIES] & ID_CAP_LBA)) {
        ke_warn("ata: %s has no LBA (CHS only): not used\n", info->model);
        info->kind = ATA_NONE;
    }
}

/* Sends IDENTIFY (or IDENTIFY PACKET) and reads the 256 words when the drive offers them. */
static NTSTATUS identify_command(struct atap_channel *ch, uint8_t opcode, uint16_t *id)
{
    outb(ch->base + ATA_REG_COUNT, 0);
    outb(ch->base + ATA_REG_LBA0, 0);
    outb(ch->base + ATA_REG_LBA1, 0);
    outb(ch->base + ATA_REG_LBA2, 0);
    outb(ch->base + ATA_REG_COMMAND, opcode);
    atap_delay_400ns(ch);
    uint8_t status = atap_alt_status(ch);
    if (status == 0 || status == 0xFF)
        return STATUS_NO_SUCH_DEVICE;
    NTSTATUS result = atap_wait_not_busy(ch, ATA_TIMEOUT_COMMAND_MS, &status);
    if (!NT_SUCCESS(result))
        return result;
    if (status & ATA_SR_ERR)
        return STATUS_DEVICE_DATA_ERROR; /* ATAPI aborts IDENTIFY DEVICE: the caller checks why */
    if (!(status & ATA_SR_DRQ))
        return STATUS_NO_SUCH_DEVICE;
    insw(ch->base + ATA_REG_DATA, id, 256);
    return STATUS_SUCCESS;
}

/* Finds out what is at d: nothing (status 0 or floating), an ATA disk, or an ATAPI device (the
 * signature 14h/EBh, or 69h/96h for SATA, in LBA mid/high after the aborted IDENTIFY). */
static void probe_drive(struct atap_drive *d, uint16_t *id)
{
    struct atap_channel *ch = d->channel;
    d->info.kind = ATA_NONE;
    outb(ch->base + ATA_REG_DEVICE, (uint8_t)(0xA0 | d->number << 4));
    atap_delay_400ns(ch);
    ch->selected = d->number;
    /* Status 0 is no proof of absence: an ATAPI drive clears DRDY after a reset. IDENTIFY
     * decides. */
    uint8_t status = atap_alt_status(ch);
    if (status == 0xFF || !NT_SUCCESS(atap_wait_not_busy(ch, 1000, &status)))
        return;
    NTSTATUS result = identify_command(ch, ATA_CMD_IDENTIFY, id);
    if (result == STATUS_DEVICE_DATA_ERROR) {
        uint8_t mid = inb(ch->base + ATA_REG_LBA1), high = inb(ch->base + ATA_REG_LBA2);
        if (!((mid == 0x14 && high == 0xEB) || (mid == 0x69 && high == 0x96)))
            return;
        d->info.kind = ATA_ATAPI;
        if (!NT_SUCCESS(identify_command(ch, ATA_CMD_IDENTIFY_PKT, id)))
            return;
    } else if (!NT_SUCCESS(result)) {
        if (result == STATUS_IO_TIMEOUT)
            ke_warn("ata%u.%u: IDENTIFY timed out\n", ch->number, d->number);
        return;
    } else {
        d->info.kind = ATA_DISK;
    }
    parse_identify(&d->info, id);
}

/* ---- requests ---- */

/* A sleeping lock (kernel/ke/lock.h): its wait is a kernel wait, which ending the thread does not
 * cut short. */
static void lock_channel(struct atap_channel *ch) { ke_acquire_lock(&ch->lock); }
static void unlock_channel(struct atap_channel *ch) { ke_release_lock(&ch->lock); }

static uint8_t opcode_for(enum ata_direction direction, enum ata_mode mode, bool lba48)
{
    static const uint8_t opcodes[2][2][2] = {
        /* ATA_READ */ {{ATA_CMD_READ_PIO, ATA_CMD_READ_PIO_EXT},
                        {ATA_CMD_READ_DMA, ATA_CMD_READ_DMA_EXT}},
        /* ATA_WRITE */
        {{ATA_CMD_WRITE_PIO, ATA_CMD_WRITE_PIO_EXT}, {ATA_CMD_WRITE_DMA, ATA_CMD_WRITE_DMA_EXT}},
    };
    return opcodes[direction][mode == ATA_MODE_DMA][lba48];
}

/* One command, up to ATA_ATTEMPTS times while the drive reports errors. A timeout resets the
 * channel and is not retried (each one already took ATA_TIMEOUT_COMMAND_MS). */
static NTSTATUS run_command(struct atap_drive *d, struct atap_command *cmd,
                            enum ata_direction direction, enum ata_mode mode, void *buffer)
{
    struct atap_channel *ch = d->channel;
    NTSTATUS result = STATUS_DEVICE_DATA_ERROR;
    cmd->opcode = opcode_for(direction, mode, cmd->lba48);
    for (int attempt = 0; attempt < ATA_ATTEMPTS; attempt++) {
        result = atap_select(d);
        if (NT_SUCCESS(result) && mode == ATA_MODE_DMA)
            result = atap_dma_transfer(d, cmd, direction, buffer);
        else if (NT_SUCCESS(result) && direction == ATA_READ)
            result = atap_pio_read(d, cmd, buffer);
        else if (NT_SUCCESS(result))
            result = atap_pio_write(d, cmd, buffer);
        if (result != STATUS_DEVICE_DATA_ERROR)
            break;
        ke_warn("ata%u.%u: command %02x at %llu (%u sectors) failed: status %02x error %02x\n",
                ch->number, d->number, cmd->opcode, cmd->lba, cmd->count, atap_alt_status(ch),
                inb(ch->base + ATA_REG_ERROR));
    }
    if (!NT_SUCCESS(result) && result != STATUS_DEVICE_DATA_ERROR) {
        /* Timed out or abandoned (the thread is being ended): the command's state is unknown. */
        ke_warn("ata%u.%u: command %02x at %llu ended with %08x; resetting the channel\n",
                ch->number, d->number, cmd->opcode, cmd->lba, (uint32_t)result);
        atap_reset(ch);
    }
    return result;
}

/* Runs the request as commands of up to 256 sectors; with ATA_MODE_AUTO a failed DMA command turns
 * DMA off for the channel and is redone with PIO. The caller holds the channel. */
static NTSTATUS run_request(struct atap_drive *d, enum ata_direction direction, enum ata_mode mode,
                            bool force_lba48, uint64_t lba, uint32_t count, uint8_t *buffer)
{
    struct atap_channel *ch = d->channel;
    bool automatic = mode == ATA_MODE_AUTO;
    if (automatic)
        mode = ch->bus_master && !ke_config.ata_pio ? ATA_MODE_DMA : ATA_MODE_PIO;
    while (count > 0) {
        uint32_t n = count < ATA_MAX_SECTORS_PER_COMMAND ? count : ATA_MAX_SECTORS_PER_COMMAND;
        struct atap_command cmd = {
            .lba48 = force_lba48 || lba + n > LBA28_LIMIT, .lba = lba, .count = n};
        NTSTATUS result = run_command(d, &cmd, direction, mode, buffer);
        if (!NT_SUCCESS(result) && automatic && mode == ATA_MODE_DMA) {
            ke_warn("ata%u: DMA failed (%08x): using PIO from now on\n", ch->number,
                    (uint32_t)result);
            ch->bus_master = 0;
            mode = ATA_MODE_PIO;
            continue;
        }
        if (!NT_SUCCESS(result))
            return result;
        lba += n;
        count -= n;
        buffer += n * IO_SECTOR_SIZE;
    }
    return STATUS_SUCCESS;
}

NTSTATUS ata_transfer(unsigned channel, unsigned drive, enum ata_direction direction,
                      enum ata_mode mode, enum ata_addressing addressing, uint64_t lba,
                      uint32_t count, void *buffer)
{
    struct atap_drive *d = find_drive(channel, drive);
    if (!d || d->info.kind != ATA_DISK)
        return STATUS_NO_SUCH_DEVICE;
    if (lba > d->info.sectors || count > d->info.sectors - lba)
        return STATUS_INVALID_PARAMETER;
    if (addressing == ATA_ADDRESS_LBA48 && !d->info.lba48)
        return STATUS_NOT_SUPPORTED;
    if (!d->info.lba48 && lba + count > LBA28_LIMIT)
        return STATUS_INVALID_PARAMETER;
    lock_channel(d->channel);
    NTSTATUS result = STATUS_NOT_SUPPORTED;
    if (mode != ATA_MODE_DMA || d->channel->bus_master)
        result =
            run_request(d, direction, mode, addressing == ATA_ADDRESS_LBA48, lba, count, buffer);
    unlock_channel(d->channel);
    return result;
}

NTSTATUS ata_flush(unsigned channel, unsigned drive)
{
    struct atap_drive *d = find_drive(channel, drive);
    if (!d || d->info.kind != ATA_DISK)
        return STATUS_NO_SUCH_DEVICE;
    struct atap_channel *ch = d->channel;
    lock_channel(ch);
    NTSTATUS result = atap_select(d);
    if (NT_SUCCESS(result)) {
        ke_reset_event(&ch->interrupt);
        outb(ch->base + ATA_REG_COMMAND, d->info.lba48 ? ATA_CMD_FLUSH_EXT : ATA_CMD_FLUSH);
        uint8_t status;
        result = atap_wait_interrupt(ch, &status);
        if (NT_SUCCESS(result) && (status & (ATA_SR_ERR | ATA_SR_DF)))
            result = STATUS_DEVICE_DATA_ERROR;
    }
    unlock_channel(ch);
    return result;
}

const struct ata_drive_info *ata_drive_info(unsigned channel, unsigned drive)
{
    struct atap_drive *d = find_drive(channel, drive);
    return d ? &d->info : &no_drive;
}

bool ata_dma_available(unsigned channel)
{
    return channel < ATA_CHANNELS && channels[channel].bus_master != 0;
}

/* ---- block devices ---- */

static NTSTATUS block_read(struct io_block_device *dev, uint64_t lba, uint32_t count, void *buffer)
{
    struct atap_drive *d = dev->context;
    return ata_transfer(d->channel->number, d->number, ATA_READ, ATA_MODE_AUTO, ATA_ADDRESS_AUTO,
                        lba, count, buffer);
}

static NTSTATUS block_write(struct io_block_device *dev, uint64_t lba, uint32_t count,
                            const void *buffer)
{
    struct atap_drive *d = dev->context;
    return ata_transfer(d->channel->number, d->number, ATA_WRITE, ATA_MODE_AUTO, ATA_ADDRESS_AUTO,
                        lba, count, (void *)buffer);
}

static NTSTATUS block_flush(struct io_block_device *dev)
{
    struct atap_drive *d = dev->context;
    return ata_flush(d->channel->number, d->number);
}

static void register_disk(struct atap_drive *d)
{
    struct io_block_device *b = &d->block;
    rtl_snprintf(b->name, sizeof b->name, "ata%u.%u", d->channel->number, d->number);
    b->sector_size = IO_SECTOR_SIZE;
    b->sector_count = d->info.sectors;
    b->read = block_read;
    b->write = block_write;
    b->flush = block_flush;
    b->context = d;
    NTSTATUS result = io_register_block_device(b);
    if (!NT_SUCCESS(result))
        ke_warn("ata: registering %s failed: %08x\n", b->name, (uint32_t)result);
}

/* ---- initialization ---- */

/* The PIIX (or any PCI IDE controller in compatibility mode) gives the bus master at BAR4. */
static void find_bus_master(void)
{
    const struct pci_device *ide = pci_find_class(PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE, 0);
    if (!ide) {
        ke_info("ata: no PCI IDE controller: PIO only\n");
        return;
    }
    uint16_t bar = pci_io_bar(ide, PIIX_BUS_MASTER_BAR);
    if (!(ide->prog_if & PCI_PROG_IF_BUS_MASTER) || !bar) {
        ke_info("ata: IDE controller %04x:%04x has no bus master: PIO only\n", ide->vendor_id,
                ide->device_id);
        return;
    }
    pci_write16(ide, PCI_COMMAND,
                pci_read16(ide, PCI_COMMAND) | PCI_COMMAND_IO | PCI_COMMAND_BUS_MASTER);
    for (unsigned i = 0; i < ATA_CHANNELS; i++)
        channels[i].bus_master = (uint16_t)(bar + 8 * i);
    ke_info("ata: IDE controller %04x:%04x, bus master at %04x%s\n", ide->vendor_id, ide->device_id,
            bar, ke_config.ata_pio ? " (ata=pio: not used by default)" : "");
}

static void log_drive(const struct atap_drive *d)
{
    const struct ata_drive_info *info = &d->info;
    if (info->kind == ATA_ATAPI) {
        ke_info("ata%u.%u: ATAPI \"%s\" (not used)\n", d->channel->number, d->number, info->model);
        return;
    }
    ke_info("ata%u.%u: disk \"%s\" serial \"%s\", %llu sectors (%llu MiB)%s, %s\n",
            d->channel->number, d->number, info->model, info->serial, info->sectors,
            info->sectors >> 11, info->lba48 ? ", LBA48" : "",
            d->channel->bus_master && !ke_config.ata_pio ? "DMA" : "PIO");
}

static void init_channel(struct atap_channel *ch, uint16_t *id)
{
    ke_init_lock(&ch->lock, "ATA channel");
    ke_init_dispatcher_header(&ch->interrupt.header, KE_SYNCHRONIZATION_EVENT, 0);
    ch->selected = 0xFF;
    ke_register_irq(ch->irq, ch->number == 0 ? primary_interrupt : secondary_interrupt);
    if (!NT_SUCCESS(atap_reset(ch))) {
        ch->bus_master = 0;
        return;
    }
    bool disks = false;
    for (uint8_t i = 0; i < ATA_DRIVES; i++) {
        struct atap_drive *d = &ch->drives[i];
        d->channel = ch;
        d->number = i;
        probe_drive(d, id);
        disks |= d->info.kind == ATA_DISK;
    }
    if (disks && ch->bus_master && !atap_dma_setup(ch)) {
        ke_warn("ata%u: no memory for the DMA buffers: PIO only\n", ch->number);
        ch->bus_master = 0;
    }
    if (!disks)
        ch->bus_master = 0;
    for (uint8_t i = 0; i < ATA_DRIVES; i++) {
        if (ch->drives[i].info.kind != ATA_NONE)
            log_drive(&ch->drives[i]);
        if (ch->drives[i].info.kind == ATA_DISK)
            register_disk(&ch->drives[i]);
    }
}

void ata_init(void)
{
    static uint16_t id[256];
    for (unsigned i = 0; i < ATA_CHANNELS; i++) {
        channels[i].drives[0].channel = channels[i].drives[1].channel = &channels[i];
        channels[i].drives[1].number = 1;
    }
    find_bus_master();
    for (unsigned i = 0; i < ATA_CHANNELS; i++)
        init_channel(&channels[i], id);
}
