/* kernel/ke/log.c: leveled kernel messages to serial and VGA.
 * A message is formatted into one buffer and written with interrupts off, so lines never
 * interleave. That is synchronization with interrupt handlers (which log too) and with a panic, not
 * a spin lock (kernel/ke/lock.h): a panic inside a write must still be able to print. */
#include <stdarg.h>
#include "kernel/ke/arch.h"
#include "kernel/hal/console.h"
#include "kernel/rtl/format.h"
#include "kernel/ke/ke.h"

#define LOG_LINE_MAX 512

enum ke_log_level ke_log_level = KE_LOG_INFO;

void ke_set_log_level(enum ke_log_level level) { ke_log_level = level; }

static void log_write(const char *prefix, enum vga_color color, const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    int n = rtl_snprintf(line, sizeof line, "%s", prefix);
    int m = rtl_vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    size_t len = (size_t)n + (size_t)m;
    if (len >= sizeof line)
        len = sizeof line - 1;
    uint32_t irq = ke_disable_interrupts();
    hal_console_write(line, len, color);
    ke_restore_interrupts(irq);
}

void ke_log(enum ke_log_level level, const char *fmt, ...)
{
    static const char *const prefixes[] = {"error: ", "warning: ", "", "debug: ", "trace: "};
    static const enum vga_color colors[] = {VGA_RED, VGA_YELLOW, VGA_GREY, VGA_CYAN, VGA_CYAN};
    if (level > ke_log_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_write(prefixes[level], colors[level], fmt, ap);
    va_end(ap);
}

void ke_print(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_write("", VGA_WHITE, fmt, ap);
    va_end(ap);
}
