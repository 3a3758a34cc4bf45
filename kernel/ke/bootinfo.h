/* kernel/ke/bootinfo.h: what kmain keeps of the Multiboot information: the command line, the memory
 * map and the physical ranges the loader's structures occupy (never handed out as free memory). */
#ifndef PAGODA_BOOTINFO_H
#define PAGODA_BOOTINFO_H

#include "kernel/ke/cmdline.h"
#include "mm/physmap.h"

#define KE_BOOT_MAX_EXCLUDED       24
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

struct ke_boot_info {
    char cmdline[KE_CMDLINE_MAX];
    char loader_name[64];
    int entry_count;
    struct mm_phys_entry entries[MM_PHYSMAP_MAX_ENTRIES];
    int excluded_count;
    struct mm_phys_range excluded[KE_BOOT_MAX_EXCLUDED];
};

/* Copies what the kernel needs out of the Multiboot information at physical address mbi (read
 * through hyperspace, wherever the loader put it). Returns false, with *why set, when the magic is
 * wrong or there is no memory information at all. */
bool ke_read_multiboot(uint32_t magic, uint32_t mbi, struct ke_boot_info *info, const char **why);

#endif
