/* kernel/ke/idt.c: the interrupt descriptor table: 32 exception gates, 16 IRQ gates (after the PIC
 * remap to 0x30-0x3F), a task gate for the double fault, and the gates user mode may use: int 3,
 * into and the int 0x2E system-service gate (NT's DPL 3 gates). */
#include "kernel/ke/boot.h"
#include "kernel/ke/trap.h"

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr;
    uint16_t offset_hi;
} __attribute__((packed));

#define GATE_INTERRUPT_32      0x8e /* present, DPL 0, 32-bit interrupt gate (IF cleared) */
#define GATE_TASK              0x85 /* present, DPL 0, task gate */
#define GATE_INTERRUPT_32_USER 0xee /* present, DPL 3: int 3, into and int 0x2E from user mode */
#define TRAP_STUB_SIZE         16
#define TRAP_STUB_COUNT        64

static struct idt_gate idt[256];

static void set_gate(unsigned vector, uint32_t offset, uint16_t selector, uint8_t type_attr)
{
    idt[vector] = (struct idt_gate){
        .offset_lo = offset & 0xffff,
        .selector = selector,
        .type_attr = type_attr,
        .offset_hi = offset >> 16,
    };
}

static uint32_t stub(unsigned vector)
{
    return (uint32_t)(uintptr_t)(ke_trap_stubs + TRAP_STUB_SIZE * vector);
}

void ke_idt_init(void)
{
    for (unsigned v = 0; v < TRAP_STUB_COUNT; v++) {
        if (v >= 32 && v < TRAP_IRQ_BASE)
            continue; /* unused vectors stay not-present */
        set_gate(v, stub(v), KGDT_R0_CODE, GATE_INTERRUPT_32);
    }
    set_gate(TRAP_DOUBLE_FAULT, 0, KGDT_DF_TSS, GATE_TASK);
    /* int3 and into belong to user mode too (STATUS_BREAKPOINT, STATUS_INTEGER_OVERFLOW); through a
     * DPL 0 gate they would be a #GP. */
    set_gate(TRAP_BREAKPOINT, stub(TRAP_BREAKPOINT), KGDT_R0_CODE, GATE_INTERRUPT_32_USER);
    set_gate(TRAP_OVERFLOW, stub(TRAP_OVERFLOW), KGDT_R0_CODE, GATE_INTERRUPT_32_USER);
    set_gate(TRAP_SYSTEM_SERVICE, (uint32_t)(uintptr_t)ke_system_service_entry, KGDT_R0_CODE,
             GATE_INTERRUPT_32_USER);

    struct ke_descriptor_pointer idtr = {sizeof idt - 1, (uint32_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr));
}
