/* kernel/init.c: kmain, the C entry from boot/start.asm. Brings the machine up in dependency order:
 * consoles, descriptor tables, boot information and command line, CPU, memory, clock, threads, then
 * the PCI bus, ATA disks and their partitions; then runs the test suite when asked (test=) or
 * halts, since there is nothing else to run yet. */
#include "kernel/ke/boot.h"
#include "kernel/ke/arch.h"
#include "kernel/drivers/ata/ata.h"
#include "kernel/ke/bootinfo.h"
#include "kernel/ke/cmdline.h"
#include "kernel/hal/console.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/fs/fat/fsd.h"
#include "kernel/io/partition.h"
#include "kernel/drivers/pci/pci.h"
#include "kernel/hal/pic.h"
#include "kernel/ke/fpu.h"
#include "kernel/io/io.h"
#include "kernel/ob/ob.h"
#include "kernel/ke/syscall.h"
#include "kernel/ps/thread.h"
#include "kernel/rtl/string.h"
#include "kernel/ke/trap.h"
#include "kernel/ke/wait.h"
#include "mm/mm.h"
#include "mm/physmap.h"

#define PAGODA_VERSION "0.1"

struct ke_config ke_config;
static struct ke_boot_info boot_info;
static struct mm_phys_range usable_ranges[MM_PHYSMAP_MAX_RANGES];

static void print_cpu(void)
{
    const struct ke_cpu_info *c = ke_cpu();
    ke_print("cpu: %s family %u model %u stepping %u%s%s%s%s%s\n", c->vendor, c->family, c->model,
             c->stepping, c->has_cpuid ? "" : " (no CPUID)",
             ke_cpu_has(CPU_FEATURE_TSC) ? ", tsc" : "", ke_cpu_has(CPU_FEATURE_PSE) ? ", pse" : "",
             ke_cpu_has(CPU_FEATURE_PGE) ? ", pge" : "",
             ke_cpu_has(CPU_FEATURE_FPU) ? ", fpu" : "");
    ke_print("ke: system calls through %s\n", ke_fast_system_calls() ? "sysenter" : "int 0x2e");
}

static void print_memory(uint64_t ram_bytes, int range_count)
{
    struct mm_frame_stats s;
    mm_get_frame_stats(&s);
    for (int i = 0; i < range_count; i++)
        ke_debug("mm: usable %08llx-%08llx\n", usable_ranges[i].base, usable_ranges[i].end - 1);
    ke_print("mm: %llu MiB RAM found, %u KiB usable in %u frames (%u free), split=%s "
             "(user %08x-%08x)\n",
             (ram_bytes + (1 << 19)) >> 20, s.total * 4, s.total, s.free + s.zeroed,
             ke_config.split == KE_SPLIT_3G ? "3G" : "2G", MM_LOWEST_USER_ADDRESS,
             mm_split.highest_user_address);
}

static void boot_memory(void)
{
    uint64_t ram_bytes = 0;
    int count = mm_physmap_normalize(boot_info.entries, boot_info.entry_count, boot_info.excluded,
                                     boot_info.excluded_count, ke_config.mem_limit, usable_ranges,
                                     MM_PHYSMAP_MAX_RANGES, &ram_bytes);
    if (!mm_init(usable_ranges, count, ram_bytes))
        hal_power_off(KE_EXIT_BOOT_ERROR);
    print_memory(ram_bytes, count);
}

/* autorun=PROGRAM ARGS: runs a PE program from C: (\\PATH\\PROG.EXE, / or \\, or a quoted path
 * with spaces), its console on serial, prints its exit status and powers off. */
static NORETURN void autorun(const char *line)
{
    static char path[KE_AUTORUN_MAX + 8];
    const char *p = line;
    bool quoted = *p == '"';
    p += quoted;
    size_t n = 0;
    if (!(p[0] && p[1] == ':') && strncmp(p, "\\??\\", 4) != 0)
        n = strlcpy(path, "\\??\\C:", sizeof path);
    else if (p[0] && p[1] == ':')
        n = strlcpy(path, "\\??\\", sizeof path);
    while (*p && (quoted ? *p != '"' : *p != ' ') && n + 1 < sizeof path)
        path[n++] = *p++;
    path[n] = 0;
    struct ps_process *process;
    NTSTATUS status = ps_create_user_process(path, line, &process);
    if (!NT_SUCCESS(status)) {
        ke_print("autorun: cannot run %s: %08x\n", path, (uint32_t)status);
        hal_shutdown(KE_EXIT_BOOT_ERROR);
    }
    ke_wait_for_object(process, NULL);
    ke_print("exit status 0x%08x\n", (uint32_t)process->exit_status);
    ob_dereference_object(process);
    hal_shutdown(KE_EXIT_HALT);
}

NORETURN void kmain(uint32_t magic, uint32_t mbi)
{
    hal_serial_init();
    hal_vga_init();
    ke_gdt_init();
    ke_idt_init();
    hal_pic_init();

    const char *why = NULL;
    bool have_info = ke_read_multiboot(magic, mbi, &boot_info, &why);
    ke_parse_cmdline(boot_info.cmdline, &ke_config);
    ke_set_log_level((enum ke_log_level)ke_config.log_level);
    ke_print("Pagoda %s: an i386 kernel with an NT-style memory manager and image loader\n",
             PAGODA_VERSION);
    if (!have_info) {
        ke_error("boot: %s; cannot continue\n", why);
        hal_power_off(KE_EXIT_BOOT_ERROR);
    }
    ke_info("boot: loader \"%s\", command line \"%s\"\n", boot_info.loader_name, boot_info.cmdline);
    for (int i = 0; i < ke_config.warning_count; i++)
        ke_warn("cmdline: %s\n", ke_config.warnings[i]);
    if (ke_config.copy_yield)
        ke_print("ke: copyyield=1: every copy of user memory yields the processor first\n");

    ke_cpu_init();
    ke_init_system_calls(ke_config.sysenter);
    ke_fpu_init();
    print_cpu();
    boot_memory();
    ke_timer_init(ke_config.timer_hz);
    ob_init();
    ps_init();
    ke_time_init();
    ke_timer_start_scheduling();
    cpu_sti();
    io_init();
    pci_init();
    ata_init();
    io_scan_partitions();
    fat_mount_system_volume();
    ps_init_system_dll();

    if (ke_config.autorun[0])
        autorun(ke_config.autorun);
    if (ke_config.run_tests)
        ktest_run(ke_config.test_filter);
    ke_print("boot: nothing to run yet (no shell); system halted\n");
    hal_shutdown(KE_EXIT_HALT);
}
