/* mm/init.c: bringing the memory manager up: the split, the boot-time frame allocator (frames taken
 * from the top of the usable ranges before the PFN database exists), the database itself, and the
 * kernel image's final mappings (code read-only, the boot window and the stack guard unmapped). */
#include "kernel/ke/boot.h"
#include "kernel/ke/cmdline.h"
#include "kernel/rtl/string.h"
#include "mm/mi.h"
#include "mm/physmap.h"

#define MM_MIN_USABLE_BYTES (2u << 20)
#define BOOT_WINDOW_END     0xC0800000u /* boot/start.asm maps physical 0-8 MiB here */

struct mm_split_info mm_split;

static struct boot_range {
    pfn_t first, end; /* the usable range [first, end) */
    pfn_t taken; /* frames from here to end were handed out by the boot allocator */
} boot_ranges[MM_PHYSMAP_MAX_RANGES];
static int boot_range_count;

pfn_t mi_boot_alloc_frame(void)
{
    for (int i = boot_range_count - 1; i >= 0; i--) {
        struct boot_range *r = &boot_ranges[i];
        if (r->taken > r->first)
            return --r->taken;
    }
    ke_panic("mm: out of memory while building the PFN database");
}

bool mi_boot_frame_taken(pfn_t pfn)
{
    for (int i = 0; i < boot_range_count; i++)
        if (pfn >= boot_ranges[i].taken && pfn < boot_ranges[i].end)
            return true;
    return false;
}

void mm_compute_split(unsigned user_gigabytes, struct mm_split_info *info)
{
    ASSERT(user_gigabytes == 2 || user_gigabytes == 3);
    bool three = user_gigabytes == 3;
    info->highest_user_address = three ? 0xBFFEFFFFu : 0x7FFEFFFFu;
    info->user_probe_address = three ? 0xBFFF0000u : 0x7FFF0000u;
    info->system_range_start = three ? 0xC0000000u : 0x80000000u;
}

/* Maps the PFN database at MM_PFN_DATABASE_BASE with frames from the boot allocator. */
/* Maps boot frames at [va, va + bytes): the tables sized by the machine, made before there is a
 * frame allocator (and kept out of the kernel image's .bss, which GRUB must find room for: a 4 MiB
 * machine has little). */
static void map_boot_region(vaddr_t va, uint32_t bytes, const char *what)
{
    uint32_t pages = (bytes + PAGE_MASK) / PAGE_SIZE;
    for (uint32_t i = 0; i < pages; i++, va += PAGE_SIZE) {
        NTSTATUS status = mm_map_kernel_page(va, mi_boot_alloc_frame(), MM_MAP_WRITE);
        if (!NT_SUCCESS(status))
            ke_panic("mm: cannot map the %s at %08x: %08x", what, va, (uint32_t)status);
    }
}

static void map_pfn_database(pfn_t highest)
{
    map_boot_region(MM_PFN_DATABASE_BASE, (highest + 1) * (uint32_t)sizeof(struct mi_pfn),
                    "PFN database");
    map_boot_region(MM_SYSVA_BITMAP_BASE, MM_SYSVA_BITMAP_BYTES, "system VA bitmap");
}

static void unmap_range(vaddr_t start, vaddr_t end)
{
    for (vaddr_t va = start; va < end; va += PAGE_SIZE)
        *mi_pte_address(va) = 0;
}

/* Code and read-only data become read-only (CR0.WP makes that bind the kernel too); everything the
 * boot window mapped beyond the image, below the VGA window, and the stack guard is unmapped. */
static void finish_kernel_mappings(void)
{
    for (vaddr_t va = (vaddr_t)(uintptr_t)__kernel_start; va < (vaddr_t)(uintptr_t)__kernel_end;
         va += PAGE_SIZE) {
        pte_t *pte = mi_pte_address(va);
        *pte |= mi_global_bit;
        if (va < (vaddr_t)(uintptr_t)__rodata_end)
            *pte &= ~PTE_WRITE;
    }
    unmap_range(MM_KERNEL_IMAGE_BASE, MM_LOW_WINDOW_BASE);
    unmap_range((vaddr_t)(uintptr_t)__kernel_end, BOOT_WINDOW_END);
    unmap_range((vaddr_t)(uintptr_t)boot_stack_guard,
                (vaddr_t)(uintptr_t)boot_stack_guard + PAGE_SIZE);
    mi_flush_tlb_all();
}

static void init_boot_allocator(const struct mm_phys_range *usable, int count)
{
    boot_range_count = count;
    for (int i = 0; i < count; i++) {
        boot_ranges[i].first = (pfn_t)(usable[i].base >> PAGE_SHIFT);
        boot_ranges[i].end = boot_ranges[i].taken = (pfn_t)(usable[i].end >> PAGE_SHIFT);
    }
}

bool mm_init(const struct mm_phys_range *usable, int count, uint64_t ram_bytes)
{
    mm_compute_split(ke_config.split, &mm_split);
    mm_trace_faults = ke_config.trace_faults;
    mi_global_bit = ke_cpu_has(CPU_FEATURE_PGE) ? PTE_GLOBAL : 0;
    mm_system_address_space.directory =
        ((vaddr_t)(uintptr_t)boot_page_directory - MM_KERNEL_IMAGE_BASE) >> PAGE_SHIFT;

    uint64_t usable_bytes = 0;
    for (int i = 0; i < count; i++)
        usable_bytes += usable[i].end - usable[i].base;
    if (usable_bytes < MM_MIN_USABLE_BYTES) {
        ke_error("mm: not enough memory: %llu KiB usable of %llu KiB RAM; Pagoda needs at least "
                 "%u KiB\n",
                 usable_bytes >> 10, ram_bytes >> 10, MM_MIN_USABLE_BYTES >> 10);
        return false;
    }
    pfn_t highest = (pfn_t)((usable[count - 1].end >> PAGE_SHIFT) - 1);

    init_boot_allocator(usable, count);
    map_pfn_database(highest);
    mi_init_pfn_database(usable, count, highest);
    finish_kernel_mappings();
    mi_init_system_va();
    mi_init_pool();
    mi_init_commit();
    mi_init_sections();
    return true;
}
