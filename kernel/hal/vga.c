/* kernel/hal/vga.c: the 80x25 VGA text console at physical 0xB8000 (virtual 0xC00B8000).
 * Scrolls, handles \n \r \t and backspace, and moves the hardware cursor. */
#include "kernel/ke/arch.h"
#include "kernel/hal/console.h"
#include "kernel/rtl/string.h"

#define VGA_TEXT   ((volatile uint16_t *)0xC00B8000)
#define VGA_COLS   80
#define VGA_ROWS   25
#define CRTC_INDEX 0x3d4
#define CRTC_DATA  0x3d5

static int cursor_row, cursor_col;

static void vga_move_cursor(void)
{
    uint16_t pos = (uint16_t)(cursor_row * VGA_COLS + cursor_col);
    outb(CRTC_INDEX, 0x0f);
    outb(CRTC_DATA, pos & 0xff);
    outb(CRTC_INDEX, 0x0e);
    outb(CRTC_DATA, pos >> 8);
}

static void vga_clear_row(int row)
{
    for (int c = 0; c < VGA_COLS; c++)
        VGA_TEXT[row * VGA_COLS + c] = (uint16_t)(VGA_GREY << 8 | ' ');
}

void hal_vga_init(void)
{
    for (int r = 0; r < VGA_ROWS; r++)
        vga_clear_row(r);
    cursor_row = cursor_col = 0;
    vga_move_cursor();
}

static void vga_newline(void)
{
    cursor_col = 0;
    if (++cursor_row < VGA_ROWS)
        return;
    for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
        VGA_TEXT[i] = VGA_TEXT[i + VGA_COLS];
    vga_clear_row(VGA_ROWS - 1);
    cursor_row = VGA_ROWS - 1;
}

static void vga_putc(char c, enum vga_color color)
{
    switch (c) {
    case '\n': vga_newline(); return;
    case '\r': cursor_col = 0; return;
    case '\t':
        do
            vga_putc(' ', color);
        while (cursor_col % 8);
        return;
    case '\b':
        if (cursor_col)
            cursor_col--;
        return;
    }
    VGA_TEXT[cursor_row * VGA_COLS + cursor_col] = (uint16_t)(color << 8 | (uint8_t)c);
    if (++cursor_col == VGA_COLS)
        vga_newline();
}

void hal_vga_write(const char *s, size_t n, enum vga_color color)
{
    for (size_t i = 0; i < n; i++)
        vga_putc(s[i], color);
    vga_move_cursor();
}
