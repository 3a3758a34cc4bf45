/* kernel/ke/cpu.c: CPU identification. Early i486s have no CPUID (EFLAGS.ID cannot be toggled);
 * then every optional feature is assumed absent. Enables global pages (CR4.PGE) when the CPU has
 * them. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/rtl/string.h"

static struct ke_cpu_info cpu;

const struct ke_cpu_info *ke_cpu(void) { return &cpu; }

static bool cpuid_supported(void)
{
    uint32_t before = read_eflags();
    write_eflags(before ^ EFLAGS_ID);
    uint32_t after = read_eflags();
    write_eflags(before);
    return ((before ^ after) & EFLAGS_ID) != 0;
}

void ke_cpu_init(void)
{
    memset(&cpu, 0, sizeof cpu);
    strlcpy(cpu.vendor, "unknown", sizeof cpu.vendor);
    cpu.family = 4;
    cpu.has_cpuid = cpuid_supported();
    if (cpu.has_cpuid) {
        uint32_t max, a, b, c, d;
        cpu_cpuid(0, &max, &b, &c, &d);
        memcpy(cpu.vendor, &b, 4);
        memcpy(cpu.vendor + 4, &d, 4);
        memcpy(cpu.vendor + 8, &c, 4);
        cpu.vendor[12] = 0;
        if (max >= 1) {
            cpu_cpuid(1, &a, &b, &c, &d);
            cpu.stepping = a & 0xf;
            cpu.model = (a >> 4) & 0xf;
            cpu.family = (a >> 8) & 0xf;
            cpu.features = d;
        }
    }
    if (cpu.features & CPU_FEATURE_PGE)
        write_cr4(read_cr4() | CR4_PGE);
}

uint64_t ke_read_cycles(void) { return (cpu.features & CPU_FEATURE_TSC) ? cpu_rdtsc() : 0; }
