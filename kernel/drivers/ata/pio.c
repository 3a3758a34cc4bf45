/* kernel/drivers/ata/pio.c: the ATA task-file registers: selecting a drive, waiting for it (polling
 * with a deadline, or for the channel's interrupt with a timeout), issuing 28- and 48-bit commands,
 * the PIO data protocols and the software reset. The caller holds the channel
 * (kernel/drivers/ata/ata.c). */
#include "kernel/ke/arch.h"
#include "kernel/drivers/ata/atap.h"
#include "kernel/ke/ke.h"

#define SECTOR_WORDS (IO_SECTOR_SIZE / 2)

uint8_t atap_alt_status(struct atap_channel *ch) { return inb(ch->control); }

/* Four reads of the alternate status take at least 400 ns: the time a drive needs to put its status
 * on the bus after a select or a command. */
void atap_delay_400ns(struct atap_channel *ch)
{
    for (int i = 0; i < 4; i++)
        atap_alt_status(ch);
}

static uint64_t deadline_after(unsigned ms)
{
    return ke_get_tick_count() + ((uint64_t)ms * ke_get_timer_hz() + 999) / 1000 + 1;
}

NTSTATUS atap_wait_not_busy(struct atap_channel *ch, unsigned ms, uint8_t *status)
{
    uint64_t deadline = deadline_after(ms);
    for (;;) {
        *status = atap_alt_status(ch);
        if (!(*status & ATA_SR_BSY))
            return STATUS_SUCCESS;
        if (ke_get_tick_count() > deadline)
            return STATUS_IO_TIMEOUT;
        cpu_pause();
    }
}

/* Polls until the drive asks for data (DRQ) or reports an error. */
static NTSTATUS wait_data_request(struct atap_channel *ch)
{
    uint8_t status;
    NTSTATUS result = atap_wait_not_busy(ch, ATA_TIMEOUT_COMMAND_MS, &status);
    if (!NT_SUCCESS(result))
        return result;
    if (status & (ATA_SR_ERR | ATA_SR_DF))
        return STATUS_DEVICE_DATA_ERROR;
    return (status & ATA_SR_DRQ) ? STATUS_SUCCESS : STATUS_DEVICE_DATA_ERROR;
}

NTSTATUS atap_wait_interrupt(struct atap_channel *ch, uint8_t *status)
{
    int64_t timeout = -(int64_t)ATA_TIMEOUT_COMMAND_MS * 10000;
    NTSTATUS result = ke_wait_for_object(&ch->interrupt, &timeout);
    if (result == STATUS_TIMEOUT)
        return STATUS_IO_TIMEOUT;
    if (result != STATUS_WAIT_0)
        return result; /* not expected (kernel waits are not cut short); the caller resets */
    *status = ch->irq_status;
    /* An interrupt may come before BSY has dropped on some emulated drives: make sure it has. */
    if (*status & ATA_SR_BSY) {
        result = atap_wait_not_busy(ch, ATA_TIMEOUT_COMMAND_MS, status);
        if (!NT_SUCCESS(result))
            return result;
    }
    return STATUS_SUCCESS;
}

NTSTATUS atap_select(struct atap_drive *d)
{
    struct atap_channel *ch = d->channel;
    if (ch->selected != d->number) {
        outb(ch->base + ATA_REG_DEVICE, (uint8_t)(0xA0 | d->number << 4));
        atap_delay_400ns(ch);
        ch->selected = d->number;
    }
    uint8_t status;
    return atap_wait_not_busy(ch, ATA_TIMEOUT_COMMAND_MS, &status);
}

void atap_issue(struct atap_drive *d, const struct atap_command *cmd)
{
    uint16_t base = d->channel->base;
    uint32_t count = cmd->count == 256 && !cmd->lba48 ? 0 : cmd->count; /* 0 means 256 */
    ASSERT(cmd->count >= 1 && cmd->count <= ATA_MAX_SECTORS_PER_COMMAND);
    if (cmd->lba48) {
        outb(base + ATA_REG_DEVICE, (uint8_t)(0x40 | d->number << 4));
        /* Each register is a two-deep FIFO: the high-order bytes go in first. */
        outb(base + ATA_REG_COUNT, (uint8_t)(count >> 8));
        outb(base + ATA_REG_LBA0, (uint8_t)(cmd->lba >> 24));
        outb(base + ATA_REG_LBA1, (uint8_t)(cmd->lba >> 32));
        outb(base + ATA_REG_LBA2, (uint8_t)(cmd->lba >> 40));
    } else {
        ASSERT(cmd->lba + cmd->count <= 0x10000000u);
        outb(base + ATA_REG_DEVICE, (uint8_t)(0xE0 | d->number << 4 | (cmd->lba >> 24 & 0x0F)));
    }
    outb(base + ATA_REG_COUNT, (uint8_t)count);
    outb(base + ATA_REG_LBA0, (uint8_t)cmd->lba);
    outb(base + ATA_REG_LBA1, (uint8_t)(cmd->lba >> 8));
    outb(base + ATA_REG_LBA2, (uint8_t)(cmd->lba >> 16));
    outb(base + ATA_REG_COMMAND, cmd->opcode);
}

/* PIO data-in: one interrupt per sector, each followed by 256 words from the data port. */
NTSTATUS atap_pio_read(struct atap_drive *d, const struct atap_command *cmd, void *buffer)
{
    struct atap_channel *ch = d->channel;
    uint8_t *p = buffer;
    ke_reset_event(&ch->interrupt);
    atap_issue(d, cmd);
    for (uint32_t i = 0; i < cmd->count; i++, p += IO_SECTOR_SIZE) {
        uint8_t status;
        NTSTATUS result = atap_wait_interrupt(ch, &status);
        if (!NT_SUCCESS(result))
            return result;
        if ((status & (ATA_SR_ERR | ATA_SR_DF)) || !(status & ATA_SR_DRQ))
            return STATUS_DEVICE_DATA_ERROR;
        insw(ch->base + ATA_REG_DATA, p, SECTOR_WORDS);
    }
    return STATUS_SUCCESS;
}

/* PIO data-out: the first sector goes when DRQ comes up (no interrupt), each later one after the
 * interrupt that ends the one before; a last interrupt reports the result. */
NTSTATUS atap_pio_write(struct atap_drive *d, const struct atap_command *cmd, const void *buffer)
{
    struct atap_channel *ch = d->channel;
    const uint8_t *p = buffer;
    ke_reset_event(&ch->interrupt);
    atap_issue(d, cmd);
    atap_delay_400ns(ch);
    NTSTATUS result = wait_data_request(ch);
    for (uint32_t i = 0; NT_SUCCESS(result) && i < cmd->count; i++, p += IO_SECTOR_SIZE) {
        outsw(ch->base + ATA_REG_DATA, p, SECTOR_WORDS);
        uint8_t status;
        result = atap_wait_interrupt(ch, &status);
        if (NT_SUCCESS(result) && (status & (ATA_SR_ERR | ATA_SR_DF)))
            result = STATUS_DEVICE_DATA_ERROR;
        else if (NT_SUCCESS(result) && i + 1 < cmd->count && !(status & ATA_SR_DRQ))
            result = STATUS_DEVICE_DATA_ERROR;
    }
    return result;
}

/* Both drives of the channel: SRST for at least 5 us, then up to ATA_TIMEOUT_RESET_MS for BSY to
 * drop. STATUS_NO_SUCH_DEVICE when the bus floats (0xFF: nothing attached). */
NTSTATUS atap_reset(struct atap_channel *ch)
{
    if (atap_alt_status(ch) == 0xFF)
        return STATUS_NO_SUCH_DEVICE;
    outb(ch->control, ATA_CTRL_SRST);
    for (int i = 0; i < 10; i++)
        io_wait();
    outb(ch->control, 0); /* SRST off, interrupts on (nIEN clear) */
    ke_delay_execution(-20000, KE_WAIT_KERNEL); /* 2 ms before the status means anything */
    ch->selected = 0xFF;
    uint8_t status;
    return atap_wait_not_busy(ch, ATA_TIMEOUT_RESET_MS, &status);
}
