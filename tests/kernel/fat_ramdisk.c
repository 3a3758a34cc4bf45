/* tests/kernel/fat_ramdisk.c: the FAT library as the kernel builds it (i386, freestanding, pool and
 * system-time glue in kernel/fs/fat/kernel_glue.c) on a 64 KiB FAT12 RAM disk formatted here. The
 * library's real coverage is on the host (tests/host/test_fat.c); this proves the kernel build
 * works. */
#include "kernel/fs/fat/fat.h"
#include "kernel/ke/ktest.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

#define RAM_SECTORS 128u
#define FAT_TAG     MM_TAG('F', 'a', 't', ' ')

static NTSTATUS ram_read(struct io_block_device *dev, uint64_t lba, uint32_t count, void *buf)
{
    if (lba > dev->sector_count || count > dev->sector_count - lba)
        return STATUS_INVALID_PARAMETER;
    memcpy(buf, (uint8_t *)dev->context + lba * IO_SECTOR_SIZE, count * IO_SECTOR_SIZE);
    return STATUS_SUCCESS;
}

static NTSTATUS ram_write(struct io_block_device *dev, uint64_t lba, uint32_t count,
                          const void *buf)
{
    if (lba > dev->sector_count || count > dev->sector_count - lba)
        return STATUS_INVALID_PARAMETER;
    memcpy((uint8_t *)dev->context + lba * IO_SECTOR_SIZE, buf, count * IO_SECTOR_SIZE);
    return STATUS_SUCCESS;
}

/* FAT12: 1 reserved sector, 2 FATs of 1 sector, 64 root entries (4 sectors), 121 clusters. */
static void format(uint8_t *disk)
{
    memset(disk, 0, RAM_SECTORS * IO_SECTOR_SIZE);
    memcpy(disk, "\xEB\x3C\x90PAGODA  ", 11); /* jump, OEM name */
    disk[12] = IO_SECTOR_SIZE >> 8; /* bytes per sector, 11..12 */
    disk[13] = 1; /* sectors per cluster */
    disk[14] = 1; /* reserved sectors, 14..15 */
    disk[16] = 2; /* FATs */
    disk[17] = 64; /* root entries, 17..18 */
    disk[19] = RAM_SECTORS; /* total sectors, 19..20 */
    disk[21] = 0xF8; /* media */
    disk[22] = 1; /* sectors per FAT, 22..23 */
    disk[510] = 0x55;
    disk[511] = 0xAA;
    for (int fat = 0; fat < 2; fat++) {
        uint8_t *p = disk + (1 + fat) * IO_SECTOR_SIZE;
        p[0] = 0xF8;
        p[1] = p[2] = 0xFF;
    }
}

static const WCHAR *wide(const char *s, WCHAR *buf, size_t *len)
{
    size_t i = 0;
    for (; s[i]; i++)
        buf[i] = (unsigned char)s[i];
    *len = i;
    return buf;
}

static const char *roundtrip(struct io_block_device *dev)
{
    struct fat_volume *vol;
    struct fat_file *dir, *file;
    WCHAR name[64];
    size_t len;
    uint32_t action, done;
    static uint8_t data[5000], back[5000];
    KT_EQ(fat_mount(dev, &vol), STATUS_SUCCESS);
    wide("Kernel Dir", name, &len);
    KT_EQ(fat_create(vol, name, len, FILE_CREATE, FILE_DIRECTORY_FILE, 0, &dir, &action),
          STATUS_SUCCESS);
    wide("Kernel Dir\\A Long File Name.bin", name, &len);
    KT_EQ(fat_create(vol, name, len, FILE_CREATE, 0, 0, &file, &action), STATUS_SUCCESS);
    KT_EQ(action, FILE_CREATED);
    for (uint32_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    KT_EQ(fat_write(file, 0, data, sizeof data, &done), STATUS_SUCCESS);
    KT_EQ(fat_close(file), STATUS_SUCCESS);
    wide("KERNEL DIR\\a long file name.BIN", name, &len);
    KT_EQ(fat_create(vol, name, len, FILE_OPEN, 0, 0, &file, &action), STATUS_SUCCESS);
    KT_EQ(fat_read(file, 0, back, sizeof back, &done), STATUS_SUCCESS);
    KT_EQ(done, sizeof back);
    KT_TRUE(memcmp(data, back, sizeof data) == 0);
    struct fat_file_info info;
    KT_EQ(fat_query_info(file, &info), STATUS_SUCCESS);
    KT_TRUE(info.last_write_time > 0); /* from ke_query_system_time, FAT-rounded */
    KT_EQ(fat_close(file), STATUS_SUCCESS);
    struct fat_dirent *de = mm_pool_alloc(sizeof *de, MM_TAG('T', 'f', 'a', 't'));
    KT_TRUE(de != NULL);
    uint32_t cursor = 0, count = 0;
    while (fat_enum_dir(dir, &cursor, de) == STATUS_SUCCESS)
        count++;
    KT_EQ(de->info.size, sizeof data);
    mm_pool_free(de, MM_TAG('T', 'f', 'a', 't'));
    KT_EQ(count, 3); /* ".", "..", the file */
    KT_EQ(fat_close(dir), STATUS_SUCCESS);
    KT_EQ(fat_unmount(vol), STATUS_SUCCESS);
    return NULL;
}

KTEST(fat, ramdisk_roundtrip)
{
    struct io_block_device dev = {.name = "ram0",
                                  .sector_size = IO_SECTOR_SIZE,
                                  .sector_count = RAM_SECTORS,
                                  .read = ram_read,
                                  .write = ram_write};
    size_t before = mm_pool_tag_bytes(FAT_TAG);
    uint8_t *disk = mm_pool_alloc(RAM_SECTORS * IO_SECTOR_SIZE, MM_TAG('T', 'f', 'a', 't'));
    KT_TRUE(disk != NULL);
    format(disk);
    dev.context = disk;
    const char *error = roundtrip(&dev);
    mm_pool_free(disk, MM_TAG('T', 'f', 'a', 't'));
    if (error)
        return error;
    KT_EQ(mm_pool_tag_bytes(FAT_TAG), before); /* everything the library allocated is back */
    return NULL;
}
