/* kernel/rtl/format.h: printf-style formatting into a buffer (kernel/rtl/format.c).
 * Pure C: the kernel's log and panic paths and the host tests use the same code. */
#ifndef PAGODA_FORMAT_H
#define PAGODA_FORMAT_H

#include <stdarg.h>
#include "kernel/ndk/types.h"

/* Formats like C's vsnprintf for %d %i %u %x %X %o %p %s %c %%, the flags - 0 + space #, width and
 * precision (also as *), and the length modifiers hh h l ll z. Always terminates the buffer when
 * size > 0; returns the length the full output would have had. */
int rtl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int rtl_snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif
