/* kernel/ndk/ntmm.h: the NT memory-management API that crosses the user/kernel boundary: page
 * protections, allocation types, section attributes, MEMORY_BASIC_INFORMATION and the information
 * classes, with the values and layouts of the mingw-w64 headers (winnt.h, winternl.h, ddk/ntifs.h).
 * Pure C: the kernel and user-mode programs include it. */
#ifndef PAGODA_NTMM_H
#define PAGODA_NTMM_H

#include <stddef.h>
#include <stdint.h>

/* ---- page protections (flProtect) ---- */
#define PAGE_NOACCESS          0x001u
#define PAGE_READONLY          0x002u
#define PAGE_READWRITE         0x004u
#define PAGE_WRITECOPY         0x008u
#define PAGE_EXECUTE           0x010u
#define PAGE_EXECUTE_READ      0x020u
#define PAGE_EXECUTE_READWRITE 0x040u
#define PAGE_EXECUTE_WRITECOPY 0x080u
#define PAGE_GUARD             0x100u
#define PAGE_NOCACHE           0x200u
#define PAGE_WRITECOMBINE      0x400u

/* ---- allocation types and states ---- */
#define MEM_COMMIT      0x00001000u
#define MEM_RESERVE     0x00002000u
#define MEM_DECOMMIT    0x00004000u
#define MEM_RELEASE     0x00008000u
#define MEM_FREE        0x00010000u
#define MEM_PRIVATE     0x00020000u
#define MEM_MAPPED      0x00040000u
#define MEM_RESET       0x00080000u
#define MEM_TOP_DOWN    0x00100000u
#define MEM_WRITE_WATCH 0x00200000u
#define MEM_PHYSICAL    0x00400000u
#define MEM_LARGE_PAGES 0x20000000u
#define MEM_IMAGE       0x01000000u

/* ---- sections ---- */
#define SEC_FILE        0x00800000u
#define SEC_IMAGE       0x01000000u
#define SEC_RESERVE     0x04000000u
#define SEC_COMMIT      0x08000000u
#define SEC_NOCACHE     0x10000000u
#define SEC_LARGE_PAGES 0x80000000u

#define SECTION_QUERY                0x0001u
#define SECTION_MAP_WRITE            0x0002u
#define SECTION_MAP_READ             0x0004u
#define SECTION_MAP_EXECUTE          0x0008u
#define SECTION_EXTEND_SIZE          0x0010u
#define SECTION_MAP_EXECUTE_EXPLICIT 0x0020u
#define SECTION_ALL_ACCESS           (0x000F0000u | 0x1Fu)

typedef enum _SECTION_INHERIT { ViewShare = 1, ViewUnmap = 2 } SECTION_INHERIT;

/* ---- NtQueryVirtualMemory ---- */
typedef enum _MEMORY_INFORMATION_CLASS {
    MemoryBasicInformation = 0,
} MEMORY_INFORMATION_CLASS;

typedef struct _MEMORY_BASIC_INFORMATION {
    void *BaseAddress;
    void *AllocationBase;
    uint32_t AllocationProtect;
    size_t RegionSize;
    uint32_t State;
    uint32_t Protect;
    uint32_t Type;
} MEMORY_BASIC_INFORMATION;

#if defined(__i386__) || defined(_M_IX86)
_Static_assert(sizeof(MEMORY_BASIC_INFORMATION) == 28, "MEMORY_BASIC_INFORMATION is 28 bytes");
#endif

#endif
