/* mm/protect.c: page-protection conversions (mm/protect.h): Win32 PAGE_* values, NT's MM_* codes
 * and valid PTE bits. Pure C, tested on the host and in the kernel
 * (tests/common/protect_cases.c). */
#include "kernel/ndk/ntmm.h"
#include "mm/protect.h"
#include "mm/pte.h"

/* PAGE_* bit i (0-7) -> the MM base code. */
static const uint8_t base_from_win32[8] = {
    MM_NOACCESS, MM_READONLY,     MM_READWRITE,         MM_WRITECOPY,
    MM_EXECUTE,  MM_EXECUTE_READ, MM_EXECUTE_READWRITE, MM_EXECUTE_WRITECOPY,
};

static const uint16_t win32_from_base[8] = {
    0,
    PAGE_READONLY,
    PAGE_EXECUTE,
    PAGE_EXECUTE_READ,
    PAGE_READWRITE,
    PAGE_WRITECOPY,
    PAGE_EXECUTE_READWRITE,
    PAGE_EXECUTE_WRITECOPY,
};

uint32_t mm_protection_from_win32(uint32_t page_protection)
{
    uint32_t base = page_protection & 0xFFu;
    uint32_t modifiers = page_protection & ~0xFFu;
    if (base == 0 || (base & (base - 1)) || (modifiers & ~(PAGE_GUARD | PAGE_NOCACHE)) ||
        modifiers == (PAGE_GUARD | PAGE_NOCACHE))
        return MM_INVALID_PROTECTION;
    uint32_t mm = base_from_win32[__builtin_ctz(base)];
    if (mm == MM_NOACCESS)
        return modifiers ? MM_INVALID_PROTECTION : MM_NOACCESS;
    if (modifiers & PAGE_GUARD)
        mm |= MM_GUARD_PAGE;
    if (modifiers & PAGE_NOCACHE)
        mm |= MM_NOCACHE;
    return mm;
}

uint32_t mm_protection_to_win32(uint32_t mm)
{
    if ((mm & MM_NOACCESS) == MM_NOACCESS)
        return (mm & MM_BASE_MASK) == MM_ZERO_ACCESS ? PAGE_NOACCESS : 0;
    uint32_t base = win32_from_base[mm & MM_BASE_MASK];
    if (!base)
        return 0;
    if (mm & MM_GUARD_PAGE)
        base |= PAGE_GUARD;
    if (mm & MM_NOCACHE)
        base |= PAGE_NOCACHE;
    return base;
}

uint32_t mm_protection_to_pte(uint32_t mm)
{
    uint32_t base = mm & MM_BASE_MASK, flags = PTE_USER;
    switch (base) {
    case MM_EXECUTE: flags |= PTE_EXECUTE | PTE_WRITE_THROUGH; break;
    case MM_EXECUTE_READ: flags |= PTE_EXECUTE; break;
    case MM_READWRITE: flags |= PTE_WRITE; break;
    case MM_WRITECOPY: flags |= PTE_COPY_ON_WRITE; break;
    case MM_EXECUTE_READWRITE: flags |= PTE_EXECUTE | PTE_WRITE; break;
    case MM_EXECUTE_WRITECOPY: flags |= PTE_EXECUTE | PTE_COPY_ON_WRITE; break;
    default: break;
    }
    if (mm & MM_NOCACHE)
        flags |= PTE_CACHE_DISABLE;
    return flags;
}

uint32_t mm_protection_from_pte(uint32_t pte)
{
    uint32_t mm;
    bool execute = pte & PTE_EXECUTE;
    if (pte & PTE_WRITE)
        mm = execute ? MM_EXECUTE_READWRITE : MM_READWRITE;
    else if (pte & PTE_COPY_ON_WRITE)
        mm = execute ? MM_EXECUTE_WRITECOPY : MM_WRITECOPY;
    else if (execute)
        mm = pte & PTE_WRITE_THROUGH ? MM_EXECUTE : MM_EXECUTE_READ;
    else
        mm = MM_READONLY;
    return pte & PTE_CACHE_DISABLE ? mm | MM_NOCACHE : mm;
}
