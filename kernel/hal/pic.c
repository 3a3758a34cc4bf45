/* kernel/hal/pic.c: the 8259A pair in cascade. Remapped so IRQs 0-15 arrive on vectors 0x30-0x3F,
 * clear of the CPU exceptions; every line starts masked and is unmasked by its driver. */
#include "kernel/ke/arch.h"
#include "kernel/hal/pic.h"
#include "kernel/ke/trap.h"

#define PIC1_CMD       0x20
#define PIC1_DATA      0x21
#define PIC2_CMD       0xa0
#define PIC2_DATA      0xa1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086      0x01
#define OCW2_EOI       0x20
#define OCW3_READ_ISR  0x0b
#define CASCADE_IRQ    2

void hal_pic_init(void)
{
    outb(PIC1_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(PIC2_CMD, ICW1_INIT_ICW4);
    io_wait();
    outb(PIC1_DATA, TRAP_IRQ_BASE); /* ICW2: vector base */
    io_wait();
    outb(PIC2_DATA, TRAP_IRQ_BASE + 8);
    io_wait();
    outb(PIC1_DATA, 1 << CASCADE_IRQ); /* ICW3: slave on IRQ 2 */
    io_wait();
    outb(PIC2_DATA, CASCADE_IRQ);
    io_wait();
    outb(PIC1_DATA, ICW4_8086);
    io_wait();
    outb(PIC2_DATA, ICW4_8086);
    io_wait();
    outb(PIC1_DATA, (uint8_t) ~(1 << CASCADE_IRQ));
    outb(PIC2_DATA, 0xff);
}

void hal_pic_unmask(unsigned irq)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
    outb(port, inb(port) & (uint8_t) ~(1 << (irq & 7)));
}

void hal_pic_mask(unsigned irq)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
    outb(port, inb(port) | (uint8_t)(1 << (irq & 7)));
}

void hal_pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, OCW2_EOI);
    outb(PIC1_CMD, OCW2_EOI);
}

bool hal_pic_spurious(unsigned irq)
{
    if (irq != 7 && irq != 15)
        return false;
    uint16_t cmd = irq == 7 ? PIC1_CMD : PIC2_CMD;
    outb(cmd, OCW3_READ_ISR);
    if (inb(cmd) & 0x80)
        return false;
    if (irq == 15)
        outb(PIC1_CMD, OCW2_EOI);
    return true;
}
