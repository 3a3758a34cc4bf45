/* boot/asmdefs.c: the constants the boot/ NASM files share with the C headers, written once, in C.
 * Never linked: the Makefile compiles it to assembly and turns each "#ASMDEF NAME value" line into
 * a NASM equ of build/gen/asmdefs.inc, which the boot files %include. */
#include "kernel/ke/arch.h"
#include "kernel/ke/trap.h"
#include "mm/mm.h"
#include "mm/pte.h"

/* "%c0": the bare number, without the '$' of an immediate; 64 bits wide, so that 0xC0000000 is not
 * printed as a negative number. The line is an assembler comment. */
#define ASMDEF(name, value)                                                                        \
    __asm__ volatile("\n#ASMDEF " #name " %c0\n" : : "i"((long long)(uint32_t)(value)))

void asmdefs(void);
void asmdefs(void)
{
    /* NT's GDT layout (kernel/ke/gdt.c builds it). */
    ASMDEF(KGDT_R0_CODE, KGDT_R0_CODE);
    ASMDEF(KGDT_R0_DATA, KGDT_R0_DATA);
    ASMDEF(KGDT_R0_PCR, KGDT_R0_PCR);
    ASMDEF(USER_CS, KGDT_R3_CODE | RPL_USER);
    ASMDEF(USER_SS, KGDT_R3_DATA | RPL_USER);

    ASMDEF(TRAP_SYSTEM_SERVICE, TRAP_SYSTEM_SERVICE);
    ASMDEF(TRAP_FAST_SYSTEM_CALL, TRAP_FAST_SYSTEM_CALL);
    ASMDEF(FRAME_VECTOR, offsetof(struct ke_trap_frame, vector));
    ASMDEF(FRAME_EFLAGS, offsetof(struct ke_trap_frame, eflags));
    ASMDEF(TSS_ESP0, offsetof(struct ke_task_state, esp0));

    ASMDEF(EFLAGS_ALWAYS_ONE, EFLAGS_ALWAYS_ONE);
    ASMDEF(EFLAGS_TF, EFLAGS_TF);
    ASMDEF(EFLAGS_IF, EFLAGS_IF);
    ASMDEF(EFLAGS_NT, EFLAGS_NT);
    ASMDEF(EFLAGS_AC, EFLAGS_AC);

    /* The early paging of boot/start.asm. */
    ASMDEF(KERNEL_VIRTUAL_BASE, MM_KERNEL_IMAGE_BASE);
    ASMDEF(PTE_PRESENT_RW, PTE_PRESENT | PTE_WRITE);
    ASMDEF(CR0_PG_WP, CR0_PG | CR0_WP);
}
