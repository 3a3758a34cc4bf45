/* kernel/fs/fat/fsd.h: the FAT file system driver's entry for kmain (kernel/fs/fat/fsd.c); the
 * library itself is kernel/fs/fat/fat.h, which the host tests build too. */
#ifndef PAGODA_FAT_FSD_H
#define PAGODA_FAT_FSD_H

/* Mounts the first FAT partition as C:, through the I/O manager; logs when there is none. */
void fat_mount_system_volume(void);

#endif
