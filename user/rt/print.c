/* user/rt/print.c: console output for the programs: kernel/rtl/format.c formats, the text is
 * widened to UTF-16 and NtDisplayString prints it on the kernel console (serial and VGA). */
#include "kernel/rtl/format.h"
#include "user/rt/rt.h"

void rt_vprint(const char *fmt, va_list ap)
{
    char text[RT_PRINT_MAX + 1];
    WCHAR wide[RT_PRINT_MAX];
    int n = rtl_vsnprintf(text, sizeof text, fmt, ap);
    if (n <= 0)
        return;
    size_t len = (size_t)n < RT_PRINT_MAX ? (size_t)n : RT_PRINT_MAX;
    for (size_t i = 0; i < len; i++)
        wide[i] = (uint8_t)text[i];
    UNICODE_STRING us = {
        .Length = (uint16_t)(len * 2), .MaximumLength = (uint16_t)(len * 2), .Buffer = wide};
    NtDisplayString(&us);
}

void rt_print(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rt_vprint(fmt, ap);
    va_end(ap);
}
