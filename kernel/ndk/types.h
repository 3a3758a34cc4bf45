/* kernel/ndk/types.h: the scalar types every part of Pagoda uses.
 * Pure C11: also compiled into the host tests (tests/host). */
#ifndef PAGODA_TYPES_H
#define PAGODA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t vaddr_t; /* a virtual address */
typedef uint64_t paddr_t; /* a physical address (the Multiboot map is 64-bit) */
typedef uint32_t pfn_t; /* a physical frame number */
typedef uint32_t pte_t; /* a page-table or page-directory entry */
typedef int32_t NTSTATUS;

#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096u
#define PAGE_MASK  (PAGE_SIZE - 1)

#define NORETURN          __attribute__((noreturn))
#define NOINLINE          __attribute__((noinline))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define UNUSED            __attribute__((unused))

#endif
