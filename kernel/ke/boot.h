/* kernel/ke/boot.h: what linker.ld and the assembly in boot/ define for C, and the C functions the
 * assembly calls: the kernel image's bounds, the boot stack and page tables, the trap, system-call
 * and GDT stubs. One place, so that no C file declares them itself. */
#ifndef PAGODA_KE_BOOT_H
#define PAGODA_KE_BOOT_H

#include "kernel/ndk/types.h"

/* ---- linker.ld: the kernel image (virtual addresses) ---- */
extern uint8_t __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];
/* The .extable section: where a fault-safe copy may fault, and where it then resumes
 * (boot/copy.asm; ke_find_fixup). */
struct ke_extable_entry {
    uint32_t fault_eip;
    uint32_t fixup_eip;
};
extern const struct ke_extable_entry __extable_start[], __extable_end[];

/* ---- boot/start.asm: the boot stack (kmain's, then the boot thread's) and the page tables ---- */
extern uint8_t boot_stack_guard[], boot_stack_top[]; /* the unmapped page below it; its top */
extern pte_t boot_page_directory[];
extern pte_t boot_hyperspace_table[]; /* PDE 1022's table: hyperspace and fixed mappings */

/* ---- boot/trap.asm ---- */
/* lgdt's and lidt's operand. */
struct ke_descriptor_pointer {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));
/* Loads the GDT and reloads every segment register. */
void ke_load_gdt(const struct ke_descriptor_pointer *gdtr);
extern uint8_t ke_trap_stubs[]; /* 64 stubs of 16 bytes, one per vector from 0 */
extern uint8_t ke_system_service_entry[]; /* int 0x2E */
void ke_double_fault_entry(void); /* the double-fault task's EIP */

/* ---- boot/sysenter.asm and boot/service.asm ---- */
void ke_fast_system_call_entry(void), ke_fast_system_call_stepping_entry(void);
/* Calls handler with argc 32-bit arguments copied from args (cdecl); returns its NTSTATUS. */
NTSTATUS ke_call_service(const void *handler, const uint32_t *args, uint32_t argc);

/* ---- C called from the assembly ---- */
/* boot/start.asm, on the boot stack with paging on (kernel/init.c). */
NORETURN void kmain(uint32_t magic, uint32_t mbi);
/* The double-fault task (kernel/ke/panic.c). */
NORETURN void ke_double_fault(void);

#endif
