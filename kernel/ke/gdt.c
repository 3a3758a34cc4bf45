/* kernel/ke/gdt.c: the GDT with NT's selector layout, the TSS that gives ring 3 its kernel stack,
 * and a second TSS for the double-fault task gate, so that a kernel stack overflow still reaches a
 * panic. */
#include "kernel/ke/boot.h"
#include "kernel/ke/arch.h"
#include "kernel/rtl/string.h"
#include "kernel/ke/trap.h"

/* Access bytes. */
#define SEG_PRESENT       0x80
#define SEG_DPL3          0x60
#define SEG_CODE_DATA     0x10
#define SEG_EXEC_READ     0x0a
#define SEG_READ_WRITE    0x02
#define SEG_TSS_AVAILABLE 0x09
/* Flags nibble: 4 KiB granularity, 32-bit. */
#define SEG_FLAGS_4K_32   0xc
#define SEG_FLAGS_BYTE_32 0x4

#define DF_STACK_SIZE 8192

static uint64_t gdt[KGDT_ENTRIES];
struct ke_task_state ke_tss; /* boot/sysenter.asm loads the kernel stack from its esp0 */
static struct ke_task_state ke_df_tss;
static uint8_t ke_df_stack[DF_STACK_SIZE] __attribute__((aligned(16)));
/* The processor control region that FS points at in kernel mode; it grows with the scheduler. */
static struct {
    uint32_t self;
} ke_pcr;

static uint64_t gdt_entry(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    uint64_t e = limit & 0xffff;
    e |= (uint64_t)(base & 0xffffff) << 16;
    e |= (uint64_t)access << 40;
    e |= (uint64_t)((limit >> 16) & 0xf) << 48;
    e |= (uint64_t)(flags & 0xf) << 52;
    e |= (uint64_t)(base >> 24) << 56;
    return e;
}

static void set_gdt(uint16_t selector, uint64_t entry) { gdt[selector >> 3] = entry; }

static void init_double_fault_tss(void)
{
    memset(&ke_df_tss, 0, sizeof ke_df_tss);
    ke_df_tss.cr3 = (uint32_t)(uintptr_t)boot_page_directory - 0xC0000000u;
    ke_df_tss.eip = (uint32_t)(uintptr_t)ke_double_fault_entry;
    ke_df_tss.eflags = 0x2;
    ke_df_tss.esp = (uint32_t)(uintptr_t)(ke_df_stack + DF_STACK_SIZE);
    ke_df_tss.esp0 = ke_df_tss.esp;
    ke_df_tss.cs = KGDT_R0_CODE;
    ke_df_tss.ss = ke_df_tss.ss0 = ke_df_tss.ds = ke_df_tss.es = ke_df_tss.gs = KGDT_R0_DATA;
    ke_df_tss.fs = KGDT_R0_PCR;
    ke_df_tss.iomap_base = sizeof ke_df_tss;
}

void ke_gdt_init(void)
{
    uint8_t ring0 = SEG_PRESENT | SEG_CODE_DATA, ring3 = ring0 | SEG_DPL3;
    ke_pcr.self = (uint32_t)(uintptr_t)&ke_pcr;
    set_gdt(KGDT_R0_CODE, gdt_entry(0, 0xfffff, ring0 | SEG_EXEC_READ, SEG_FLAGS_4K_32));
    set_gdt(KGDT_R0_DATA, gdt_entry(0, 0xfffff, ring0 | SEG_READ_WRITE, SEG_FLAGS_4K_32));
    set_gdt(KGDT_R3_CODE, gdt_entry(0, 0xfffff, ring3 | SEG_EXEC_READ, SEG_FLAGS_4K_32));
    set_gdt(KGDT_R3_DATA, gdt_entry(0, 0xfffff, ring3 | SEG_READ_WRITE, SEG_FLAGS_4K_32));
    set_gdt(KGDT_R0_PCR, gdt_entry((uint32_t)(uintptr_t)&ke_pcr, sizeof ke_pcr - 1,
                                   ring0 | SEG_READ_WRITE, SEG_FLAGS_BYTE_32));
    /* The TEB selector gets its base on every switch to a user thread (a later issue). */
    set_gdt(KGDT_R3_TEB, gdt_entry(0, 0xfff, ring3 | SEG_READ_WRITE, SEG_FLAGS_BYTE_32));

    memset(&ke_tss, 0, sizeof ke_tss);
    ke_tss.ss0 = KGDT_R0_DATA;
    ke_tss.iomap_base = sizeof ke_tss; /* no I/O permission bitmap: ring 3 gets no ports */
    set_gdt(KGDT_TSS, gdt_entry((uint32_t)(uintptr_t)&ke_tss, sizeof ke_tss - 1,
                                SEG_PRESENT | SEG_TSS_AVAILABLE, SEG_FLAGS_BYTE_32));
    init_double_fault_tss();
    set_gdt(KGDT_DF_TSS, gdt_entry((uint32_t)(uintptr_t)&ke_df_tss, sizeof ke_df_tss - 1,
                                   SEG_PRESENT | SEG_TSS_AVAILABLE, SEG_FLAGS_BYTE_32));

    static struct ke_descriptor_pointer gdtr;
    gdtr.limit = sizeof gdt - 1;
    gdtr.base = (uint32_t)(uintptr_t)gdt;
    ke_load_gdt(&gdtr);
    __asm__ volatile("ltr %w0" : : "r"(KGDT_TSS));
}

void ke_set_kernel_stack(uint32_t esp0) { ke_tss.esp0 = esp0; }

/* Points the user-mode FS selector at a thread's TEB; takes effect when FS is next loaded (on the
 * return to user mode). */
void ke_set_teb_base(uint32_t teb)
{
    set_gdt(KGDT_R3_TEB,
            gdt_entry(teb, 0xfff, SEG_PRESENT | SEG_CODE_DATA | SEG_DPL3 | SEG_READ_WRITE,
                      SEG_FLAGS_BYTE_32));
}

/* The state the double fault interrupted, which the task switch saved into the main TSS. */
void ke_get_double_fault_state(struct ke_trap_frame *tf)
{
    memset(tf, 0, sizeof *tf);
    tf->eax = ke_tss.eax, tf->ebx = ke_tss.ebx, tf->ecx = ke_tss.ecx, tf->edx = ke_tss.edx;
    tf->esi = ke_tss.esi, tf->edi = ke_tss.edi, tf->ebp = ke_tss.ebp;
    tf->eip = ke_tss.eip, tf->cs = ke_tss.cs, tf->eflags = ke_tss.eflags;
    tf->ds = ke_tss.ds, tf->es = ke_tss.es, tf->fs = ke_tss.fs, tf->gs = ke_tss.gs;
    tf->user_esp = ke_tss.esp, tf->user_ss = ke_tss.ss;
    tf->vector = TRAP_DOUBLE_FAULT;
}
