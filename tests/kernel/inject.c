/* tests/kernel/inject.c: test=inject, run only by tests/run's blkdebug entry, where QEMU's blkdebug
 * driver fails every read of sector INJECTED_SECTOR of the disk with EIO. The error must reach the
 * caller as STATUS_DEVICE_DATA_ERROR by PIO and by DMA (after the driver's retries), the sectors
 * around it must still read, and the disk must keep working afterwards. The entry also fails the
 * first sector of page 5 of \Tests\Sizes\size-3145728.bin: a mapped view's page-in of it must give
 * STATUS_IN_PAGE_ERROR (tests/user/pagein.c). Not part of test=all: on an ordinary disk the sectors
 * read fine. */
#include "kernel/drivers/ata/ata.h"
#include "kernel/io/blockdev.h"
#include "kernel/ke/ktest.h"
#include "mm/mm.h"
#include "tests/kernel/pagein.h"
#include "tests/kernel/program.h"

#define INJECTED_SECTOR 130600u /* in the scratch area past the partition */

KTEST(inject, read_error_reaches_the_caller)
{
    uint8_t *buffer = mm_pool_alloc(4 * IO_SECTOR_SIZE, MM_TAG('T', 'i', 'n', 'j'));
    KT_TRUE(buffer != NULL);
    static const enum ata_mode modes[] = {ATA_MODE_PIO, ATA_MODE_DMA};
    const char *error = NULL;
    for (unsigned i = 0; i < 2 && !error; i++) {
        enum ata_mode m = modes[i];
        NTSTATUS one =
            ata_transfer(0, 0, ATA_READ, m, ATA_ADDRESS_AUTO, INJECTED_SECTOR, 1, buffer);
        NTSTATUS span =
            ata_transfer(0, 0, ATA_READ, m, ATA_ADDRESS_AUTO, INJECTED_SECTOR - 1, 3, buffer);
        NTSTATUS before =
            ata_transfer(0, 0, ATA_READ, m, ATA_ADDRESS_AUTO, INJECTED_SECTOR - 1, 1, buffer);
        NTSTATUS after =
            ata_transfer(0, 0, ATA_READ, m, ATA_ADDRESS_AUTO, INJECTED_SECTOR + 1, 1, buffer);
        if (one != STATUS_DEVICE_DATA_ERROR || span != STATUS_DEVICE_DATA_ERROR ||
            before != STATUS_SUCCESS || after != STATUS_SUCCESS)
            error = ktest_failf("%s: sector %u %08x, span %08x, before %08x, after %08x",
                                m == ATA_MODE_PIO ? "PIO" : "DMA", INJECTED_SECTOR, (uint32_t)one,
                                (uint32_t)span, (uint32_t)before, (uint32_t)after);
    }
    struct io_block_device *partition = io_find_block_device("ata0.0p1");
    if (!error && (!partition || partition->read(partition, 0, 1, buffer) != STATUS_SUCCESS))
        error = ktest_failf("the partition no longer reads after the errors");
    mm_pool_free(buffer, MM_TAG('T', 'i', 'n', 'j'));
    return error;
}

KTEST(inject, mapped_page_read_error)
{
    struct mm_frame_stats before, after;
    /* The first run makes what stays for good (the pool pages of the first processes and files of
     * this boot, which test=inject runs alone); the second must leave nothing. */
    KT_RUN(kt_check_in_page_errors('C'));
    kt_frame_stats(&before);
    KT_RUN(kt_check_in_page_errors('C'));
    kt_frame_stats(&after);
    KT_EQ(kt_frames_used(&after), kt_frames_used(&before));
    return NULL;
}
