/* kernel/ps/flat.h: the flat user-mode image format of the test programs that run before the PE
 * loader exists (tests/user, user/rt). A flat image is linked at PAGODA_FLAT_BASE and starts with
 * this header; the kernel copies file_size bytes to the base, zero-fills up to memory_size, and
 * starts the first thread at `entry` with EAX = entry and EBX = the PEB, as NT starts
 * BaseProcessStartThunk. */
#ifndef PAGODA_FLAT_H
#define PAGODA_FLAT_H

#include <stddef.h>
#include <stdint.h>

#define PAGODA_FLAT_MAGIC    0x4C464750u /* "PGFL" */
#define PAGODA_FLAT_BASE     0x00400000u
#define PAGODA_FLAT_MAX_SIZE (16u << 20)

struct pagoda_flat_header {
    uint32_t magic;
    uint32_t header_size; /* sizeof(struct pagoda_flat_header) */
    uint32_t entry; /* absolute address, inside the image */
    uint32_t file_size; /* bytes of the image file, header included */
    uint32_t memory_size; /* bytes in memory, .bss included (>= file_size) */
    uint32_t stack_size; /* initial thread's stack commit; 0 = the default (16 KiB) */
};

/* Checks an image of `size` bytes before anything trusts its header: the magic, header_size,
 * file_size == size, file_size <= memory_size <= PAGODA_FLAT_MAX_SIZE, an entry inside the file
 * past the header, a stack of whole pages no larger than PAGODA_FLAT_MAX_SIZE. Returns NULL when
 * the image is valid, else what is wrong. Pure C (kernel/ps/flat.c): the loader, the build
 * (tools/flatcheck.c) and the tests share it. */
const char *ke_flat_check(const void *image, size_t size);

#endif
