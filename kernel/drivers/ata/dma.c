/* kernel/drivers/ata/dma.c: bus-master DMA on the PIIX IDE controller (the SFF-8038i register set
 * at PCI BAR4). Each channel has a PRD table in one page and a bounce buffer of
 * ATA_DMA_BUFFER_PAGES pages: the caller's kernel virtual buffer is not physically contiguous, the
 * bounce pages need not be either, since each page gets its own PRD, and a page-aligned page never
 * crosses a 64 KiB boundary. */
#include "kernel/ke/arch.h"
#include "kernel/drivers/ata/atap.h"
#include "kernel/ke/ke.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

/* Bus-master registers, offsets from the channel's base (BAR4 + 8 * channel). */
#define BM_COMMAND    0
#define BM_STATUS     2
#define BM_PRD_TABLE  4
#define BM_CMD_START  0x01
#define BM_CMD_READ   0x08 /* the controller writes memory: a disk read */
#define BM_ST_ACTIVE  0x01
#define BM_ST_ERROR   0x02
#define BM_ST_IRQ     0x04
#define BM_ST_CAPABLE 0x60 /* drive 0/1 DMA capable: read-write bits kept as they are */

/* Maps count fresh frames at consecutive system addresses; their physical addresses go in phys. */
static uint8_t *map_frames(uint32_t count, uint32_t *phys)
{
    vaddr_t va = mm_alloc_system_va(count);
    if (!va)
        return NULL;
    for (uint32_t i = 0; i < count; i++) {
        pfn_t pfn = mm_alloc_frame(MM_FRAME_ZEROED);
        if (pfn == MM_PFN_NONE ||
            !NT_SUCCESS(mm_map_kernel_page(va + i * PAGE_SIZE, pfn, MM_MAP_WRITE))) {
            if (pfn != MM_PFN_NONE)
                mm_free_frame(pfn);
            for (uint32_t j = 0; j < i; j++)
                mm_free_frame(mm_unmap_kernel_page(va + j * PAGE_SIZE));
            mm_free_system_va(va, count);
            return NULL;
        }
        phys[i] = pfn << PAGE_SHIFT;
    }
    return (uint8_t *)va;
}

bool atap_dma_setup(struct atap_channel *ch)
{
    uint32_t prd_physical;
    uint8_t *prd = map_frames(1, &prd_physical);
    if (!prd)
        return false;
    ch->bounce = map_frames(ATA_DMA_BUFFER_PAGES, ch->bounce_physical);
    if (!ch->bounce) {
        mm_free_frame(mm_unmap_kernel_page((vaddr_t)prd));
        mm_free_system_va((vaddr_t)prd, 1);
        return false;
    }
    ch->prd = (struct atap_prd *)prd;
    ch->prd_physical = prd_physical;
    return true;
}

static void build_prd_table(struct atap_channel *ch, uint32_t bytes)
{
    uint32_t entries = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    for (uint32_t i = 0; i < entries; i++) {
        uint32_t chunk = bytes - i * PAGE_SIZE < PAGE_SIZE ? bytes - i * PAGE_SIZE : PAGE_SIZE;
        ch->prd[i].physical = ch->bounce_physical[i];
        ch->prd[i].bytes = (uint16_t)chunk;
        ch->prd[i].flags = i + 1 == entries ? ATAP_PRD_END : 0;
    }
}

/* One DMA command of up to 256 sectors through the bounce buffer: load the PRD table, clear the
 * status, issue the command, start the engine, wait for the interrupt, stop, then judge both the
 * bus master's and the drive's status. */
NTSTATUS atap_dma_transfer(struct atap_drive *d, const struct atap_command *cmd,
                           enum ata_direction direction, void *buffer)
{
    struct atap_channel *ch = d->channel;
    uint16_t bm = ch->bus_master;
    uint32_t bytes = cmd->count * IO_SECTOR_SIZE;
    uint8_t read_bit = direction == ATA_READ ? BM_CMD_READ : 0;
    ASSERT(bm && cmd->count <= ATA_MAX_SECTORS_PER_COMMAND);

    if (direction == ATA_WRITE)
        memcpy(ch->bounce, buffer, bytes);
    build_prd_table(ch, bytes);
    compiler_barrier(); /* the table and the data are in memory before the engine starts */
    outb(bm + BM_COMMAND, 0);
    outl(bm + BM_PRD_TABLE, ch->prd_physical);
    outb(bm + BM_STATUS,
         (uint8_t)((inb(bm + BM_STATUS) & BM_ST_CAPABLE) | BM_ST_ERROR | BM_ST_IRQ));
    outb(bm + BM_COMMAND, read_bit);
    ke_reset_event(&ch->interrupt);
    atap_issue(d, cmd);
    outb(bm + BM_COMMAND, read_bit | BM_CMD_START);

    uint8_t status;
    NTSTATUS result = atap_wait_interrupt(ch, &status);
    outb(bm + BM_COMMAND, read_bit); /* stop, also after a timeout or an error */
    compiler_barrier();
    if (!NT_SUCCESS(result))
        return result;
    if ((ch->bm_status & BM_ST_ERROR) || (status & (ATA_SR_ERR | ATA_SR_DF)))
        return STATUS_DEVICE_DATA_ERROR;
    if (direction == ATA_READ)
        memcpy(buffer, ch->bounce, bytes);
    return STATUS_SUCCESS;
}

void atap_dma_interrupt(struct atap_channel *ch)
{
    uint8_t status = inb(ch->bus_master + BM_STATUS);
    ch->bm_status = status;
    if (status & BM_ST_IRQ)
        outb(ch->bus_master + BM_STATUS, (uint8_t)((status & BM_ST_CAPABLE) | BM_ST_IRQ));
}
