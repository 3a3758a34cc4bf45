/* mm/protect.h: NT's page-protection codes (the 5-bit MM_* values that PTEs and VADs store) and
 * their conversions from and to the Win32 PAGE_* values, and to and from valid PTE bits. Pure C,
 * also compiled for the host tests.
 *
 *    4     3     2   1   0
 *  +-----+-----+-----------+
 *  |GUARD|NOCA-|   base    |   base: 0 zero access, 1 READONLY, 2 EXECUTE, 3 EXECUTE_READ,
 *  |     | CHE |           |   4 READWRITE, 5 WRITECOPY, 6 EXECUTE_READWRITE,
 *  +-----+-----+-----------+   7 EXECUTE_WRITECOPY. GUARD with base 0 is MM_DECOMMIT;
 *                              GUARD|NOCACHE with base 0 MM_NOACCESS
 */
#ifndef PAGODA_MM_PROTECT_H
#define PAGODA_MM_PROTECT_H

#include "kernel/ndk/types.h"

#define MM_ZERO_ACCESS        0u
#define MM_READONLY           1u
#define MM_EXECUTE            2u
#define MM_EXECUTE_READ       3u
#define MM_READWRITE          4u
#define MM_WRITECOPY          5u
#define MM_EXECUTE_READWRITE  6u
#define MM_EXECUTE_WRITECOPY  7u
#define MM_NOCACHE            0x08u
#define MM_GUARD_PAGE         0x10u
#define MM_DECOMMIT           0x10u
#define MM_NOACCESS           0x18u
#define MM_BASE_MASK          0x07u
#define MM_INVALID_PROTECTION 0xFFFFFFFFu

/* The MM code for a Win32 protection: exactly one of the eight base values, optionally with
 * PAGE_GUARD or PAGE_NOCACHE (not both, and neither with PAGE_NOACCESS); MM_INVALID_PROTECTION
 * otherwise. */
uint32_t mm_protection_from_win32(uint32_t page_protection);
/* The PAGE_* value of an MM code (0 for MM_DECOMMIT and zero access). */
uint32_t mm_protection_to_win32(uint32_t mm_protection);

static inline bool mm_protection_accessible(uint32_t p)
{
    return (p & MM_BASE_MASK) != MM_ZERO_ACCESS && (p & MM_NOACCESS) != MM_NOACCESS;
}
static inline bool mm_protection_guard(uint32_t p)
{
    return (p & MM_NOACCESS) == MM_GUARD_PAGE && (p & MM_BASE_MASK) != MM_ZERO_ACCESS;
}
static inline bool mm_protection_writable(uint32_t p)
{
    uint32_t b = p & MM_BASE_MASK;
    return b == MM_READWRITE || b == MM_WRITECOPY || b == MM_EXECUTE_READWRITE ||
           b == MM_EXECUTE_WRITECOPY;
}
static inline bool mm_protection_copy_on_write(uint32_t p)
{
    uint32_t b = p & MM_BASE_MASK;
    return b == MM_WRITECOPY || b == MM_EXECUTE_WRITECOPY;
}
/* WRITECOPY becomes READWRITE once the page is private (NT's rule for queries). */
static inline uint32_t mm_protection_after_copy(uint32_t p)
{
    return mm_protection_copy_on_write(p) ? p - 1 : p;
}

/* The flags of a valid user PTE (pte.h) for an accessible, non-guard protection; a copy-on-write
 * protection maps read-only with PTE_COPY_ON_WRITE. */
uint32_t mm_protection_to_pte(uint32_t mm_protection);
/* The protection a valid PTE encodes (the inverse of mm_protection_to_pte). */
uint32_t mm_protection_from_pte(uint32_t pte);

#endif
