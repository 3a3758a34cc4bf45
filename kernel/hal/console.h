/* kernel/hal/console.h: the two output devices every message goes to, COM1 and VGA text mode.
 * Both are polled and usable from the first instruction of kmain, before interrupts are on. */
#ifndef PAGODA_CONSOLE_H
#define PAGODA_CONSOLE_H

#include "kernel/ndk/types.h"

void hal_serial_init(void);
void hal_serial_write(const char *s, size_t n);
bool hal_serial_present(void);

enum vga_color {
    VGA_GREY = 0x07,
    VGA_WHITE = 0x0f,
    VGA_YELLOW = 0x0e,
    VGA_RED = 0x0c,
    VGA_CYAN = 0x0b
};
void hal_vga_init(void);
void hal_vga_write(const char *s, size_t n, enum vga_color color);

/* Writes to both devices. */
void hal_console_write(const char *s, size_t n, enum vga_color color);

#endif
