/* kernel/hal/serial.c: COM1 (0x3F8) at 115200 8N1, polled output.
 * The port is checked with the UART's loopback mode, so a machine without COM1 never waits on
 * it. */
#include "kernel/ke/arch.h"
#include "kernel/hal/console.h"

#define COM1             0x3f8
#define UART_DATA        0
#define UART_IER         1
#define UART_DIVISOR_LO  0
#define UART_DIVISOR_HI  1
#define UART_FCR         2
#define UART_LCR         3
#define UART_MCR         4
#define UART_LSR         5
#define LSR_THR_EMPTY    0x20
#define LCR_DLAB         0x80
#define LCR_8N1          0x03
#define MCR_DTR_RTS_OUT2 0x0b
#define MCR_LOOPBACK     0x10

static bool serial_ok;

bool hal_serial_present(void) { return serial_ok; }

void hal_serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DIVISOR_LO, 1); /* 115200 / 1 */
    outb(COM1 + UART_DIVISOR_HI, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, 0xc7); /* enable and clear FIFOs, 14-byte threshold */
    outb(COM1 + UART_MCR, MCR_LOOPBACK | MCR_DTR_RTS_OUT2);
    outb(COM1 + UART_DATA, 0xae);
    serial_ok = inb(COM1 + UART_DATA) == 0xae;
    outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
}

static void serial_putc(char c)
{
    /* At 115200 baud a byte takes 87 us; the bound covers a very slow machine, not a missing
     * UART. */
    for (int spin = 0; spin < 100000; spin++)
        if (inb(COM1 + UART_LSR) & LSR_THR_EMPTY)
            break;
    outb(COM1 + UART_DATA, (uint8_t)c);
}

void hal_serial_write(const char *s, size_t n)
{
    if (!serial_ok)
        return;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

void hal_console_write(const char *s, size_t n, enum vga_color color)
{
    hal_serial_write(s, n);
    hal_vga_write(s, n, color);
}
