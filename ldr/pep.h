/* ldr/pep.h: the PE32 library's internals (ldr/pe*.c): the on-disk structures as packed structs
 * with their sizes asserted, and the small checked-arithmetic helpers every file shares. */
#ifndef PAGODA_LDR_PEP_H
#define PAGODA_LDR_PEP_H

#include "ldr/pe.h"

/* Pure code has no panic: a broken precondition (a caller's bug, never a file's) traps. */
#ifndef NDEBUG
#define LDRP_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)
#else
#define LDRP_ASSERT(cond) ((void)0)
#endif

#define LDRP_PACKED __attribute__((packed))

#define LDRP_MZ_SIGNATURE      0x5A4Du /* "MZ" */
#define LDRP_PE_SIGNATURE      0x00004550u /* "PE\0\0" */
#define LDRP_PE32_MAGIC        0x010Bu
#define LDRP_ORDINAL_FLAG      0x80000000u /* IMAGE_ORDINAL_FLAG32 */
#define LDRP_DELAY_RVA_BASED   0x1u /* dlattrRva: the v2 delay descriptor holds RVAs */
#define LDRP_IMAGE_BASE_ALIGN  0x10000u
#define LDRP_MIN_FILE_ALIGN    512u
#define LDRP_MAX_FILE_ALIGN    0x10000u
#define LDRP_MAX_SECTION_ALIGN 0x40000000u /* any larger leaves no room for a section */

struct ldrp_dos_header {
    uint16_t e_magic;
    uint8_t unused[58];
    uint32_t e_lfanew;
} LDRP_PACKED;

struct ldrp_file_header {
    uint16_t machine;
    uint16_t number_of_sections;
    uint32_t time_date_stamp;
    uint32_t pointer_to_symbol_table;
    uint32_t number_of_symbols;
    uint16_t size_of_optional_header;
    uint16_t characteristics;
} LDRP_PACKED;

/* IMAGE_OPTIONAL_HEADER32 up to NumberOfRvaAndSizes; the directories follow. */
struct ldrp_optional_header {
    uint16_t magic;
    uint8_t linker_major, linker_minor;
    uint32_t size_of_code, size_of_initialized_data, size_of_uninitialized_data;
    uint32_t address_of_entry_point, base_of_code, base_of_data;
    uint32_t image_base, section_alignment, file_alignment;
    uint16_t os_major, os_minor, image_major, image_minor, subsystem_major, subsystem_minor;
    uint32_t win32_version_value;
    uint32_t size_of_image, size_of_headers, checksum;
    uint16_t subsystem, dll_characteristics;
    uint32_t stack_reserve, stack_commit, heap_reserve, heap_commit;
    uint32_t loader_flags;
    uint32_t number_of_rva_and_sizes;
} LDRP_PACKED;

/* "PE\0\0", the file header, the optional header: what sits at e_lfanew. */
struct ldrp_nt_headers {
    uint32_t signature;
    struct ldrp_file_header file;
    struct ldrp_optional_header optional;
} LDRP_PACKED;

struct ldrp_section_header {
    uint8_t name[8];
    uint32_t virtual_size;
    uint32_t virtual_address;
    uint32_t size_of_raw_data;
    uint32_t pointer_to_raw_data;
    uint32_t pointer_to_relocations, pointer_to_linenumbers;
    uint16_t number_of_relocations, number_of_linenumbers;
    uint32_t characteristics;
} LDRP_PACKED;

struct ldrp_import_descriptor {
    uint32_t original_first_thunk;
    uint32_t time_date_stamp;
    uint32_t forwarder_chain;
    uint32_t name;
    uint32_t first_thunk;
} LDRP_PACKED;

/* ImgDelayDescr, version 2 (every field an RVA when attributes has bit 0). */
struct ldrp_delay_descriptor {
    uint32_t attributes;
    uint32_t dll_name;
    uint32_t module_handle;
    uint32_t iat;
    uint32_t int_;
    uint32_t bound_iat;
    uint32_t unload_iat;
    uint32_t time_date_stamp;
} LDRP_PACKED;

struct ldrp_export_directory {
    uint32_t characteristics, time_date_stamp;
    uint16_t major_version, minor_version;
    uint32_t name;
    uint32_t base;
    uint32_t number_of_functions, number_of_names;
    uint32_t address_of_functions, address_of_names, address_of_name_ordinals;
} LDRP_PACKED;

struct ldrp_reloc_block_header {
    uint32_t page_rva;
    uint32_t size_of_block;
} LDRP_PACKED;

struct ldrp_tls_directory {
    uint32_t start_address_of_raw_data, end_address_of_raw_data;
    uint32_t address_of_index, address_of_callbacks;
    uint32_t size_of_zero_fill, characteristics;
} LDRP_PACKED;

_Static_assert(sizeof(struct ldrp_dos_header) == 64, "IMAGE_DOS_HEADER");
_Static_assert(sizeof(struct ldrp_file_header) == 20, "IMAGE_FILE_HEADER");
_Static_assert(sizeof(struct ldrp_optional_header) == 96, "IMAGE_OPTIONAL_HEADER32 before dirs");
_Static_assert(sizeof(struct ldrp_nt_headers) == 120, "signature + file + optional header");
_Static_assert(sizeof(struct ldrp_section_header) == 40, "IMAGE_SECTION_HEADER");
_Static_assert(sizeof(struct ldrp_import_descriptor) == 20, "IMAGE_IMPORT_DESCRIPTOR");
_Static_assert(sizeof(struct ldrp_delay_descriptor) == 32, "ImgDelayDescr");
_Static_assert(sizeof(struct ldrp_export_directory) == 40, "IMAGE_EXPORT_DIRECTORY");
_Static_assert(sizeof(struct ldrp_reloc_block_header) == 8, "IMAGE_BASE_RELOCATION");
_Static_assert(sizeof(struct ldrp_tls_directory) == 24, "IMAGE_TLS_DIRECTORY32");
_Static_assert(sizeof(struct ldr_pe_dir_entry) == 8, "IMAGE_DATA_DIRECTORY");

/* True when [offset, offset + length) lies inside [0, size): the one overflow-safe range check. */
static inline bool ldrp_in_range(uint32_t offset, uint32_t length, uint32_t size)
{
    return offset <= size && length <= size - offset;
}

static inline bool ldrp_is_power_of_two(uint32_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* x rounded up to the power of two `align`, in 64 bits so that it cannot wrap. */
static inline uint64_t ldrp_align_up(uint32_t x, uint32_t align)
{
    LDRP_ASSERT(ldrp_is_power_of_two(align));
    return ((uint64_t)x + align - 1) & ~(uint64_t)(align - 1);
}

static inline uint16_t ldrp_load16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static inline uint32_t ldrp_load32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void ldrp_store32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Sets *why (when the caller wants it) and returns STATUS_INVALID_IMAGE_FORMAT. */
static inline NTSTATUS ldrp_invalid(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return STATUS_INVALID_IMAGE_FORMAT;
}

/* Byte loops in place of memcpy/memset: ldr/ includes no string header, so one source builds
 * unchanged in the kernel, in ntdll and on the host. */
void ldrp_copy(void *dst, const void *src, uint32_t n);
void ldrp_zero(void *dst, uint32_t n);

#endif
