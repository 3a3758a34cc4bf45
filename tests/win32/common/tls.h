/* tests/win32/common/tls.h: implicit TLS for the test programs and DLLs without mingw's C runtime
 * (gcc's __thread is emulated on mingw): a module's TLS variables live in ".tls$B" sections, which
 * the linker puts between tls.c's start and end markers; tls.c also has the TLS directory
 * (_tls_used, which GNU ld points the image's TLS directory at) and the index the loader writes.
 * TLS callbacks go in ".CRT$XLB" sections. Each module linking tls.c has its own copy of each. */
#ifndef PAGODA_TESTS_WIN32_TLS_H
#define PAGODA_TESTS_WIN32_TLS_H

#include "pagoda/nt.h"

typedef void(NTAPI *tls_callback)(void *module, uint32_t reason, void *reserved);

#define TLS_VARIABLE    __attribute__((section(".tls$B")))
#define TLS_CALLBACK(f) __attribute__((section(".CRT$XLB"), used)) const tls_callback f##_entry = f

/* Bytes of zero fill after the template (the directory's SizeOfZeroFill). */
#define TLS_ZERO_FILL 64u

extern uint32_t _tls_index;
extern char tls_start; /* the template's first byte */
extern char tls_end; /* its last: the zero fill follows */

/* This thread's copy of a TLS variable of this module (the code a compiler would emit). */
static inline void *tls_address(const void *variable)
{
    PAGODA_TEB *teb;
    __asm__ volatile("movl %%fs:0x18, %0" : "=r"(teb));
    char **blocks = teb->ThreadLocalStoragePointer;
    return blocks[_tls_index] + ((const char *)variable - &tls_start);
}

#endif
