/* kernel/ke/bootinfo.c: reads the Multiboot 1 information structure. Every field the loader gives
 * is treated as untrusted: lengths are capped, entries too small to be entries end the walk. */
#include "kernel/ke/boot.h"
#include "kernel/ke/bootinfo.h"
#include "kernel/ke/ke.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

#define MBI_FLAG_MEMORY      (1u << 0)
#define MBI_FLAG_CMDLINE     (1u << 2)
#define MBI_FLAG_MODULES     (1u << 3)
#define MBI_FLAG_MMAP        (1u << 6)
#define MBI_FLAG_LOADER_NAME (1u << 9)
#define MBI_SIZE             88
#define MMAP_ENTRY_MIN       20
#define MODULE_SIZE          16

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name, apm_table;
    uint32_t vbe[6];
};

/* Copies len bytes of physical memory at pa into dst, a page at a time through hyperspace. */
static void copy_physical(void *dst, paddr_t pa, size_t len)
{
    uint8_t *out = dst;
    while (len) {
        size_t in_page = MIN(len, PAGE_SIZE - (size_t)(pa & PAGE_MASK));
        uint8_t *page = mm_map_hyperspace((pfn_t)(pa >> PAGE_SHIFT));
        memcpy(out, page + (pa & PAGE_MASK), in_page);
        mm_unmap_hyperspace(page);
        out += in_page, pa += in_page, len -= in_page;
    }
}

static void copy_physical_string(char *dst, size_t size, uint32_t pa)
{
    copy_physical(dst, pa, size - 1);
    dst[size - 1] = 0;
}

static void exclude(struct ke_boot_info *info, paddr_t base, paddr_t length)
{
    if (info->excluded_count < KE_BOOT_MAX_EXCLUDED && length)
        info->excluded[info->excluded_count++] = (struct mm_phys_range){base, base + length};
}

static void read_memory_map(const struct multiboot_info *mbi, struct ke_boot_info *info)
{
    uint32_t offset = 0, length = MIN(mbi->mmap_length, 64u * 1024);
    exclude(info, mbi->mmap_addr, length);
    while (offset + 4 + MMAP_ENTRY_MIN <= length && info->entry_count < MM_PHYSMAP_MAX_ENTRIES) {
        struct __attribute__((packed)) {
            uint32_t size;
            uint64_t base, length;
            uint32_t type;
        } e;
        copy_physical(&e, (paddr_t)mbi->mmap_addr + offset, sizeof e);
        if (e.size < MMAP_ENTRY_MIN)
            break;
        info->entries[info->entry_count++] = (struct mm_phys_entry){e.base, e.length, e.type};
        offset += e.size + 4;
    }
}

/* Without a map, mem_lower and mem_upper describe RAM at 0 and at 1 MiB. */
static void read_basic_memory(const struct multiboot_info *mbi, struct ke_boot_info *info)
{
    info->entries[0] =
        (struct mm_phys_entry){0, (uint64_t)mbi->mem_lower << 10, MM_PHYS_TYPE_USABLE};
    info->entries[1] =
        (struct mm_phys_entry){1u << 20, (uint64_t)mbi->mem_upper << 10, MM_PHYS_TYPE_USABLE};
    info->entry_count = 2;
}

static void exclude_modules(const struct multiboot_info *mbi, struct ke_boot_info *info)
{
    uint32_t count = MIN(mbi->mods_count, 16u);
    exclude(info, mbi->mods_addr, count * MODULE_SIZE);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t mod[4];
        copy_physical(mod, (paddr_t)mbi->mods_addr + i * MODULE_SIZE, sizeof mod);
        if (mod[1] > mod[0])
            exclude(info, mod[0], mod[1] - mod[0]);
    }
}

bool ke_read_multiboot(uint32_t magic, uint32_t mbi_pa, struct ke_boot_info *info, const char **why)
{
    memset(info, 0, sizeof *info);
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        *why = "not started by a Multiboot loader (bad magic in EAX)";
        return false;
    }
    struct multiboot_info mbi;
    copy_physical(&mbi, mbi_pa, sizeof mbi);
    exclude(info, 0, PAGE_SIZE); /* real-mode IVT and BIOS data area */
    exclude(info, (vaddr_t)(uintptr_t)__kernel_start - MM_KERNEL_IMAGE_BASE,
            (uint32_t)(__kernel_end - __kernel_start));
    exclude(info, mbi_pa, MBI_SIZE);
    if (mbi.flags & MBI_FLAG_CMDLINE) {
        copy_physical_string(info->cmdline, sizeof info->cmdline, mbi.cmdline);
        exclude(info, mbi.cmdline, strlen(info->cmdline) + 1);
    }
    if (mbi.flags & MBI_FLAG_LOADER_NAME)
        copy_physical_string(info->loader_name, sizeof info->loader_name, mbi.boot_loader_name);
    if (mbi.flags & MBI_FLAG_MODULES)
        exclude_modules(&mbi, info);
    if (mbi.flags & MBI_FLAG_MMAP)
        read_memory_map(&mbi, info);
    if (info->entry_count == 0 && (mbi.flags & MBI_FLAG_MEMORY))
        read_basic_memory(&mbi, info);
    if (info->entry_count == 0) {
        *why = "the boot loader gave no memory information";
        return false;
    }
    return true;
}
