/* kernel/rtl/string.h: the freestanding C library subset the kernel uses (kernel/rtl/string.c).
 * gcc may emit calls to memcpy/memset/memmove/memcmp itself, so these keep their standard names. */
#ifndef PAGODA_STRING_H
#define PAGODA_STRING_H

#include "kernel/ndk/types.h"

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
