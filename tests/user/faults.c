/* tests/user/faults.c: does one forbidden thing, chosen by argv[1], and must not survive it: the
 * kernel ends the process with the exception's status as its exit status, which the kernel-side
 * test compares (docs/user-mode.md lists the expected status of each mode). Mode "ok" exits 0; a
 * process that survives its mode reports it and exits with FAULTS_SURVIVED.
 *
 *   write_2g      write 0x80000000 (system space with split=2G; unmapped user space with 3G)
 *   write_3g      write 0xC0000000 (system space)          -> STATUS_ACCESS_VIOLATION
 *   read_kernel   read 0xC0100000 (the kernel image)
 *   null          write address 0
 *   write_shared  write KUSER_SHARED_DATA (read-only)
 *   jump_kernel   call 0xC0100000 (execute kernel code)
 *   divide        divide by zero                           -> STATUS_INTEGER_DIVIDE_BY_ZERO
 *   ud2           an undefined opcode                      -> STATUS_ILLEGAL_INSTRUCTION
 *   gp            cli at CPL 3 (a privileged instruction)  -> STATUS_PRIVILEGED_INSTRUCTION
 *   hlt           hlt at CPL 3                             -> STATUS_PRIVILEGED_INSTRUCTION
 *   sti in out mov_cr wbinvd lgdt                          -> STATUS_PRIVILEGED_INSTRUCTION
 *   prefixed_hlt  hlt behind segment, size and rep prefixes -> STATUS_PRIVILEGED_INSTRUCTION
 *   int1          int 1 (a gate user mode may not use: #GP) -> STATUS_ACCESS_VIOLATION
 *   bad_selector  load the TSS selector into DS (#GP)      -> STATUS_ACCESS_VIOLATION
 *   int3          a breakpoint, with no debugger           -> STATUS_BREAKPOINT
 *   int3_long     the two-byte int 3 (CD 03)               -> STATUS_BREAKPOINT
 *   into          into with OF set                         -> STATUS_INTEGER_OVERFLOW */
#include "user/rt/rt.h"

#define FAULTS_SURVIVED 0x5EA1

/* The address goes through a volatile so that the compiler cannot see a constant NULL or
 * out-of-object pointer and replace the access with a trap of its own (gcc turns a store to
 * address 0 into ud2, which would be STATUS_ILLEGAL_INSTRUCTION). */
static volatile uintptr_t opaque;

static void write_to(uintptr_t address)
{
    opaque = address;
    *(volatile uint32_t *)opaque = 0x0BADF00D;
}

static uint32_t read_from(uintptr_t address)
{
    opaque = address;
    return *(volatile uint32_t *)opaque;
}

static void divide_by_zero(void)
{
    uint32_t eax = 1, edx = 0, zero = 0;
    __asm__ volatile("divl %2" : "+a"(eax), "+d"(edx) : "r"(zero) : "cc");
}

static void lgdt(void)
{
    static struct __attribute__((packed)) {
        uint16_t limit;
        uint32_t base;
    } gdtr;
    __asm__ volatile("lgdt %0" : : "m"(gdtr));
}

static void into_with_overflow(void)
{
    __asm__ volatile("movb $0x7f, %%al\n\taddb $1, %%al\n\tinto" : : : "eax", "cc");
}

static void bad_selector(void)
{
    __asm__ volatile("movw $0x28, %%ax\n\tmovw %%ax, %%ds" : : : "eax", "memory");
}

static void jump_to(uintptr_t address)
{
    opaque = address;
    __asm__ volatile("call *%0" : : "r"(opaque) : "memory", "eax", "ecx", "edx");
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "ok") == 0)
        return 0;
    else if (strcmp(mode, "write_2g") == 0)
        write_to(0x80000000u);
    else if (strcmp(mode, "write_3g") == 0)
        write_to(0xC0000000u);
    else if (strcmp(mode, "read_kernel") == 0)
        read_from(0xC0100000u);
    else if (strcmp(mode, "null") == 0)
        write_to(0);
    else if (strcmp(mode, "write_shared") == 0)
        write_to(KUSER_SHARED_DATA_ADDRESS);
    else if (strcmp(mode, "jump_kernel") == 0)
        jump_to(0xC0100000u);
    else if (strcmp(mode, "divide") == 0)
        divide_by_zero();
    else if (strcmp(mode, "ud2") == 0)
        __asm__ volatile("ud2");
    else if (strcmp(mode, "gp") == 0)
        __asm__ volatile("cli");
    else if (strcmp(mode, "hlt") == 0)
        __asm__ volatile("hlt");
    else if (strcmp(mode, "int3") == 0)
        __asm__ volatile("int3");
    else if (strcmp(mode, "sti") == 0)
        __asm__ volatile("sti");
    else if (strcmp(mode, "in") == 0)
        __asm__ volatile("inb %%dx, %%al" : : "d"(0x80) : "eax");
    else if (strcmp(mode, "out") == 0)
        __asm__ volatile("outb %%al, $0x80" : : "a"(0));
    else if (strcmp(mode, "mov_cr") == 0)
        __asm__ volatile("movl %%cr0, %%eax" : : : "eax");
    else if (strcmp(mode, "wbinvd") == 0)
        __asm__ volatile("wbinvd");
    else if (strcmp(mode, "prefixed_hlt") == 0)
        __asm__ volatile(".byte 0x2e, 0x66, 0xf3, 0xf4"); /* cs: data16 rep hlt */
    else if (strcmp(mode, "int1") == 0)
        __asm__ volatile("int $1");
    else if (strcmp(mode, "int3_long") == 0)
        __asm__ volatile(".byte 0xcd, 0x03"); /* int 3 in its two-byte form */
    else if (strcmp(mode, "lgdt") == 0)
        lgdt();
    else if (strcmp(mode, "bad_selector") == 0)
        bad_selector();
    else if (strcmp(mode, "into") == 0)
        into_with_overflow();
    else {
        rt_print("  faults: unknown mode \"%s\"\n", mode);
        return FAULTS_SURVIVED;
    }
    rt_print("  faults: %s: the process survived\n", mode);
    return FAULTS_SURVIVED;
}
