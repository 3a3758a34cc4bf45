/* kernel/ke/trap.h: the trap frame that boot/trap.asm builds on every interrupt and exception,
 * and the segment selectors (NT's GDT layout, so KGDT_* values match what readers know). */
#ifndef PAGODA_TRAP_H
#define PAGODA_TRAP_H

#include "kernel/ndk/types.h"

/* The selectors, vectors and frame offsets the boot/ NASM files use reach them from here through
 * boot/asmdefs.c (the generated build/gen/asmdefs.inc). */
#define KGDT_R0_CODE 0x08
#define KGDT_R0_DATA 0x10
#define KGDT_R3_CODE 0x18
#define KGDT_R3_DATA 0x20
#define KGDT_TSS     0x28
#define KGDT_R0_PCR  0x30
#define KGDT_R3_TEB  0x38
#define KGDT_DF_TSS  0x50
#define KGDT_ENTRIES 11
#define RPL_USER     3

#define TRAP_DIVIDE_ERROR         0
#define TRAP_DEBUG                1
#define TRAP_NMI                  2
#define TRAP_BREAKPOINT           3
#define TRAP_OVERFLOW             4
#define TRAP_DEVICE_NOT_AVAILABLE 7
#define TRAP_INVALID_OPCODE       6
#define TRAP_DOUBLE_FAULT         8
#define TRAP_GENERAL_PROTECTION   13
#define TRAP_PAGE_FAULT           14
#define TRAP_IRQ_BASE             0x30 /* as NT: clear of the exceptions and of int 0x2A-0x2E */
#define TRAP_SYSTEM_SERVICE       0x2e
#define TRAP_FAST_SYSTEM_CALL     0x2f /* not a vector: the frame boot/sysenter.asm builds */

/* Page-fault error code bits. */
#define PF_PRESENT 0x1
#define PF_WRITE   0x2
#define PF_USER    0x4

/*
 * The stack at the call to ke_dispatch_trap, lowest address first:
 *
 *   gs fs es ds | edi esi ebp esp* ebx edx ecx eax (pusha) | vector error | eip cs eflags | esp ss
 *   <-- pushed by trap_common ------------------------------------------> <-- by the CPU --------->
 *
 * esp* is pusha's copy and is ignored on return. esp/ss at the end exist only when the trap came
 * from user mode (cs & 3); for a kernel-mode trap the interrupted ESP is &frame->user_esp.
 */
struct ke_trap_frame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
    uint32_t user_esp, user_ss;
};

static inline bool ke_trap_from_user(const struct ke_trap_frame *tf)
{
    return (tf->cs & 3) == RPL_USER;
}
/* The ESP the interrupted code had. */
static inline uint32_t ke_trap_esp(const struct ke_trap_frame *tf)
{
    return ke_trap_from_user(tf) ? tf->user_esp : (uint32_t)(uintptr_t)&tf->user_esp;
}

/* The 32-bit task-state segment: the main one gives ring 3 its kernel stack (esp0, which
 * boot/sysenter.asm also reads), a second one is the double-fault task (kernel/ke/gdt.c). */
struct ke_task_state {
    uint16_t link, link_hi;
    uint32_t esp0;
    uint16_t ss0, ss0_hi;
    uint32_t esp1;
    uint16_t ss1, ss1_hi;
    uint32_t esp2;
    uint16_t ss2, ss2_hi;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, es_hi, cs, cs_hi, ss, ss_hi, ds, ds_hi, fs, fs_hi, gs, gs_hi, ldt, ldt_hi;
    uint16_t trap, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct ke_task_state) == 104, "the processor's 32-bit TSS");

typedef void (*ke_irq_handler)(struct ke_trap_frame *tf);

void ke_gdt_init(void);
void ke_idt_init(void);
void ke_set_kernel_stack(uint32_t esp0);
void ke_set_teb_base(uint32_t teb);
/* Fills tf with the state a double fault interrupted (saved by the task switch into the main
 * TSS). */
void ke_get_double_fault_state(struct ke_trap_frame *tf);
void ke_register_irq(unsigned irq, ke_irq_handler handler);
void ke_dispatch_trap(struct ke_trap_frame *tf);
const char *ke_trap_name(uint32_t vector);

/* Does code[0..length) start with an instruction that faults at CPL 3 only for being privileged
 * (hlt, cli, sti, in, out, lgdt, mov to CR0, ...)? Prefixes are skipped. NEED_MORE: the bytes end
 * before the answer, so a caller can read an instruction a byte at a time and read no further than
 * the decoding needs. kernel/ke/privileged.c. */
#define KE_MAX_INSTRUCTION_LENGTH 15
enum ke_instruction_class {
    KE_INSTRUCTION_NEED_MORE,
    KE_INSTRUCTION_PRIVILEGED,
    KE_INSTRUCTION_OTHER,
};
enum ke_instruction_class ke_classify_instruction(const uint8_t *code, size_t length);

/* Fault-safe copy: returns STATUS_SUCCESS, or the fault's status (STATUS_ACCESS_VIOLATION,
 * STATUS_IN_PAGE_ERROR ...) when a page fault hit either buffer and could not be resolved; part of
 * dst may have been written then. A copy that touches user memory may wait (a page-in), so its
 * caller must be able to (kernel/ke/probe.c checks; with copyyield=1 it yields first). */
NTSTATUS ke_copy_safe(void *dst, const void *src, size_t n);
/* The copy itself (boot/copy.asm), without the checks: for the panic's backtrace, and for
 * kernel/ke/probe.c's copies once it has checked. */
NTSTATUS ke_copy_safe_raw(void *dst, const void *src, size_t n);
/* Finds the recovery address for a fault at eip in a fault-safe routine, or 0. */
uint32_t ke_find_fixup(uint32_t eip);

#endif
