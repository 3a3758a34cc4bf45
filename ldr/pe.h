/* ldr/pe.h: the PE32 image format: parse and validate the headers, lay an image out by sections,
 * and walk what a loader reads from a laid-out image (imports, exports, relocations, TLS). Pure C11
 * with no library calls, compiled into the kernel (image sections), ntdll (the loader) and
 * tools/pedump.
 *
 *   file:  | DOS header (e_lfanew @0x3C) | "PE\0\0" | file header (20) |
 *          | optional header (96 + 8n) | section table (40 x count) | ... up to SizeOfHeaders |
 *          | raw data of each section ... |
 *   image: | headers: [0, ALIGN_UP(SizeOfHeaders, SectionAlignment)) | section 0 | section 1 | ...
 *          sections follow each other with no gap; each spans ALIGN_UP(VirtualSize (SizeOfRawData
 *          when 0), SectionAlignment), filled from min(SizeOfRawData, span) bytes of its raw data,
 *          zero after them; the last one ends at ALIGN_UP(SizeOfImage, SectionAlignment).
 *
 * Every function checks every field it reads from the file with overflow-safe arithmetic, allocates
 * nothing, recurses nowhere, and bounds every loop by the bytes it reads. Names and constants are
 * prefixed (LDR_PE_*) so this header can sit beside <windows.h> in ntdll. Malformed input gives
 * STATUS_INVALID_IMAGE_FORMAT, never a crash; a `why` argument or field receives a string naming
 * the broken rule, for logs (static, or image->why for the parse; NULL is allowed). The checks and
 * the reasons for them: docs/pe.md and docs/decisions.md ("PE images"). */
#ifndef PAGODA_LDR_PE_H
#define PAGODA_LDR_PE_H

#include "kernel/ndk/ntstatus.h"
#include "kernel/ndk/types.h"

#define LDR_PE_MACHINE_I386   0x014Cu
#define LDR_PE_MAX_SECTIONS   96u /* NT's limit for i386 images (Server 2003) */
#define LDR_PE_MAX_IMAGE_SIZE 0x7FFE0000u /* the largest user space an image can live in */
#define LDR_PE_MAX_LFANEW     (256u << 20) /* e_lfanew beyond this is refused, as NT does */
#define LDR_PE_MAX_NAME       4096u /* longest DLL, import or export name (NUL excluded) */
#define LDR_PE_NUMBER_OF_DIRS 16u

/* IMAGE_FILE_* (the file header's Characteristics). */
#define LDR_PE_FILE_RELOCS_STRIPPED     0x0001u
#define LDR_PE_FILE_EXECUTABLE_IMAGE    0x0002u
#define LDR_PE_FILE_LARGE_ADDRESS_AWARE 0x0020u
#define LDR_PE_FILE_32BIT_MACHINE       0x0100u
#define LDR_PE_FILE_SYSTEM              0x1000u
#define LDR_PE_FILE_DLL                 0x2000u

/* IMAGE_DLLCHARACTERISTICS_* (recorded, not interpreted). */
#define LDR_PE_DLLCHAR_DYNAMIC_BASE 0x0040u
#define LDR_PE_DLLCHAR_NX_COMPAT    0x0100u
#define LDR_PE_DLLCHAR_NO_SEH       0x0400u

/* IMAGE_SCN_* (a section's Characteristics). Only the MEM_ bits decide how a section is mapped. */
#define LDR_PE_SCN_CNT_CODE               0x00000020u
#define LDR_PE_SCN_CNT_INITIALIZED_DATA   0x00000040u
#define LDR_PE_SCN_CNT_UNINITIALIZED_DATA 0x00000080u
#define LDR_PE_SCN_MEM_DISCARDABLE        0x02000000u
#define LDR_PE_SCN_MEM_SHARED             0x10000000u
#define LDR_PE_SCN_MEM_EXECUTE            0x20000000u
#define LDR_PE_SCN_MEM_READ               0x40000000u
#define LDR_PE_SCN_MEM_WRITE              0x80000000u

/* The data directories (IMAGE_DIRECTORY_ENTRY_*). SECURITY holds a file offset, the others RVAs. */
enum ldr_pe_dir {
    LDR_PE_DIR_EXPORT = 0,
    LDR_PE_DIR_IMPORT = 1,
    LDR_PE_DIR_RESOURCE = 2,
    LDR_PE_DIR_EXCEPTION = 3,
    LDR_PE_DIR_SECURITY = 4,
    LDR_PE_DIR_BASERELOC = 5,
    LDR_PE_DIR_DEBUG = 6,
    LDR_PE_DIR_ARCHITECTURE = 7,
    LDR_PE_DIR_GLOBALPTR = 8,
    LDR_PE_DIR_TLS = 9,
    LDR_PE_DIR_LOAD_CONFIG = 10,
    LDR_PE_DIR_BOUND_IMPORT = 11,
    LDR_PE_DIR_IAT = 12,
    LDR_PE_DIR_DELAY_IMPORT = 13,
    LDR_PE_DIR_CLR = 14,
};

struct ldr_pe_dir_entry {
    uint32_t rva; /* 0: absent */
    uint32_t size;
};

struct ldr_pe_section {
    char name[9]; /* the header's 8 bytes, NUL-terminated ("/4"-style long names are kept as is) */
    uint32_t virtual_address; /* RVA, a multiple of SectionAlignment */
    uint32_t virtual_size; /* as in the header; 0 there means SizeOfRawData */
    uint32_t pointer_to_raw_data; /* file offset; meaningless when size_of_raw_data is 0 */
    uint32_t size_of_raw_data;
    uint32_t characteristics; /* LDR_PE_SCN_* */
    /* Derived by the parser: */
    uint32_t span; /* bytes of the image it covers: ALIGN_UP(virtual size, SectionAlignment) */
    uint32_t file_bytes; /* bytes filled from the file: min(size_of_raw_data, span) */
};

/* An image is "low-alignment" when SectionAlignment < PAGE_SIZE: then FileAlignment equals it,
 * every section sits at the same offset in the file as in memory, and the file is mapped as is. */
enum ldr_pe_alignment { LDR_PE_PAGE_ALIGNED, LDR_PE_LOW_ALIGNMENT };

/* The headers, as ldr_pe_parse found and checked them. About 3.6 KiB: do not put it on a kernel
 * stack. Fields keep the file's values except where a comment says otherwise. */
struct ldr_pe_image {
    uint32_t file_size; /* as given to ldr_pe_parse (0 after ldr_pe_parse_mapped) */
    uint32_t nt_headers_offset; /* e_lfanew */
    uint16_t machine;
    uint16_t characteristics; /* LDR_PE_FILE_* */
    uint32_t time_date_stamp;
    uint8_t linker_major, linker_minor;
    uint16_t os_major, os_minor, image_major, image_minor, subsystem_major, subsystem_minor;
    uint32_t entry_point; /* RVA; 0 = none (a DLL without DllMain) */
    uint32_t base_of_code, base_of_data;
    uint32_t image_base; /* preferred load address, a multiple of 64 KiB */
    uint32_t section_alignment, file_alignment;
    uint32_t size_of_image; /* the header's value rounded up to SectionAlignment */
    uint32_t size_of_headers;
    uint32_t checksum;
    uint16_t subsystem;
    uint16_t dll_characteristics; /* LDR_PE_DLLCHAR_* */
    uint32_t stack_reserve, stack_commit, heap_reserve, heap_commit;
    uint32_t loader_flags;
    uint32_t number_of_rva_and_sizes; /* as in the file; entries past 16 are ignored, as NT does */
    struct ldr_pe_dir_entry dirs[LDR_PE_NUMBER_OF_DIRS]; /* zero past NumberOfRvaAndSizes */
    enum ldr_pe_alignment alignment;
    uint32_t section_count; /* 1..LDR_PE_MAX_SECTIONS */
    /* Set only with STATUS_BUFFER_TOO_SMALL: how many bytes of the file to pass next time. */
    uint32_t headers_needed;
    char why[128]; /* the reason a parse failed, with the numbers in it */
    struct ldr_pe_section sections[LDR_PE_MAX_SECTIONS]; /* sorted by virtual_address */
};

/* Parses and validates the headers of a PE32 file. `data` holds the first `length` bytes of a file
 * of `file_size` bytes (length <= file_size); the headers must be inside it: pass at least 4 KiB or
 * the whole file, and on STATUS_BUFFER_TOO_SMALL read image->headers_needed bytes (more than
 * `length`, at most file_size) and call again. Checks (each failure is
 * STATUS_INVALID_IMAGE_FORMAT):
 *   - the MZ signature, e_lfanew < LDR_PE_MAX_LFANEW, "PE\0\0", Machine i386, EXECUTABLE_IMAGE set;
 *   - NumberOfSections 1..96; SizeOfOptionalHeader covers the PE32 fields and the directories
 *     present (NumberOfRvaAndSizes, counted up to 16); optional header magic 0x10B;
 *   - SectionAlignment a power of two; if >= PAGE_SIZE, FileAlignment a power of two 512..64K and
 *     <= SectionAlignment; if < PAGE_SIZE (low alignment), FileAlignment equal to it;
 *   - ImageBase a multiple of 64 KiB; SizeOfImage non-zero, <= LDR_PE_MAX_IMAGE_SIZE;
 *   - SizeOfHeaders covers the section table and lies in the file;
 *   - sections: VirtualAddress aligned, the first at ALIGN_UP(SizeOfHeaders, SectionAlignment),
 *     each next one where the previous ends (sorted, no overlap, no gap), none empty, the last
 *     ending at ALIGN_UP(SizeOfImage, SectionAlignment); raw data (when SizeOfRawData is not 0) at
 *     a multiple of FileAlignment and inside the file; in a low-alignment image, PointerToRawData
 *     == VirtualAddress for every section with raw data;
 *   - the entry point inside the image; every directory present inside the image (SECURITY: inside
 *     the file).
 * Returns STATUS_SUCCESS with *image filled, STATUS_BUFFER_TOO_SMALL (see above), or
 * STATUS_INVALID_IMAGE_FORMAT with *why (NULL allowed) pointing at image->why, e.g. "section 2
 * (.data) overlaps the previous section". */
NTSTATUS ldr_pe_parse(const void *data, size_t length, uint32_t file_size,
                      struct ldr_pe_image *image, const char **why);

/* The same checks on the headers of an image already laid out by sections (a mapped view of
 * `view_size` bytes at `base`, e.g. ntdll looking at a DLL the kernel mapped): everything but the
 * file offsets (raw data, SECURITY), which the kernel checked when it made the image section. */
NTSTATUS ldr_pe_parse_mapped(const void *base, uint32_t view_size, struct ldr_pe_image *image,
                             const char **why);

/* ---- layout: how an image section maps the file (ldr/pe_layout.c) ---- */

#define LDR_PE_PROT_READ          0x01u
#define LDR_PE_PROT_WRITE         0x02u
#define LDR_PE_PROT_EXECUTE       0x04u
#define LDR_PE_PROT_SHARED        0x08u /* IMAGE_SCN_MEM_SHARED: one copy for every process */
#define LDR_PE_PROT_COPY_ON_WRITE 0x10u /* writable and not shared: a write makes a private copy */

#define LDR_PE_REGION_HEADERS (-1) /* ldr_pe_region.section of the headers region */
#define LDR_PE_REGION_WHOLE   (-2) /* ... of the one region of a low-alignment image */

/* A run of pages of the image with one protection, filled from one range of the file. */
struct ldr_pe_region {
    uint32_t rva; /* a multiple of PAGE_SIZE */
    uint32_t size; /* a multiple of PAGE_SIZE */
    uint32_t file_offset; /* [file_offset, file_offset + file_size) fills [rva, rva + file_size) */
    uint32_t file_size; /* <= size; the rest of the region is zero-filled */
    uint32_t protect; /* LDR_PE_PROT_* */
    uint32_t nt_protect; /* the same as NT's PAGE_* value (PAGE_EXECUTE_WRITECOPY ...) */
    int32_t section; /* index into image->sections, or LDR_PE_REGION_HEADERS / _WHOLE */
};

/* The number of regions of a parsed image: 1 + section_count for a page-aligned image (the
 * headers, read-only, then one per section, in address order, covering [0, size_of_image) without
 * gap), 1 for a low-alignment image (the whole file mapped execute-read-write, copy-on-write, as NT
 * maps it). */
uint32_t ldr_pe_region_count(const struct ldr_pe_image *image);

/* Fills *region with region `index` (< ldr_pe_region_count). The file ranges lie inside the file
 * (ldr_pe_parse checked them; after ldr_pe_parse_mapped they are not to be read). */
void ldr_pe_region_get(const struct ldr_pe_image *image, uint32_t index,
                       struct ldr_pe_region *region);

/* NT's protection for section characteristics (MEM_READ/WRITE/EXECUTE/SHARED): LDR_PE_PROT_* bits
 * and, through *nt_protect, the PAGE_* value MmImageProtectionArray gives (NULL allowed). */
uint32_t ldr_pe_section_protection(uint32_t characteristics, uint32_t *nt_protect);

/* Copies a whole file (`file`, image->file_size bytes) into `out` laid out by sections, as the
 * image section would map it: `out_size` must be >= image->size_of_image; bytes no region fills are
 * zeroed. For tools and tests; the kernel fills pages from the regions instead. */
void ldr_pe_lay_out(const struct ldr_pe_image *image, const void *file, void *out,
                    uint32_t out_size);

/* Where [rva, rva + length) of the image comes from in the file, for readers that have the file
 * and not a laid-out image (the kernel reading a directory): STATUS_SUCCESS with *offset when the
 * whole range is filled from one contiguous file range, STATUS_INVALID_IMAGE_FORMAT otherwise
 * (outside the image, across two regions, or in zero-fill). */
NTSTATUS ldr_pe_rva_to_file(const struct ldr_pe_image *image, uint32_t rva, uint32_t length,
                            uint32_t *offset);

/* ---- a laid-out image, and bound-checked access to it (ldr/pe_layout.c) ---- */

/* What the walkers below read: the image laid out by sections (byte RVA r at base[r]), the address
 * it runs at, and its parsed headers. The walkers read each field of the image once into a local
 * before checking it, so another thread writing the image cannot make them overrun. */
struct ldr_pe_view {
    uint8_t *base;
    uint32_t size; /* image->size_of_image */
    uint32_t load_base; /* the VA the image runs at; TLS addresses are judged against it */
    const struct ldr_pe_image *image;
};

void ldr_pe_view_init(struct ldr_pe_view *view, const struct ldr_pe_image *image, void *base,
                      uint32_t load_base);

/* A pointer to [rva, rva + length) when that lies inside the image, else NULL. */
void *ldr_pe_rva(const struct ldr_pe_view *view, uint32_t rva, uint32_t length);

/* The NUL-terminated string at `rva`: STATUS_SUCCESS with *string and *length (NUL excluded) when a
 * NUL comes within max_length + 1 bytes and inside the image, else STATUS_INVALID_IMAGE_FORMAT. */
NTSTATUS ldr_pe_string(const struct ldr_pe_view *view, uint32_t rva, uint32_t max_length,
                       const char **string, uint32_t *length);

/* ---- imports (ldr/pe_imports.c) ---- */

enum ldr_pe_import_table { LDR_PE_IMPORTS, LDR_PE_DELAY_IMPORTS };

/* One imported DLL: an IMAGE_IMPORT_DESCRIPTOR or a v2 (RVA-based) delay-load descriptor. */
struct ldr_pe_import_dll {
    const char *name; /* inside the image, NUL-terminated, 1..LDR_PE_MAX_NAME characters */
    uint32_t name_rva;
    uint32_t lookup_rva; /* the names: OriginalFirstThunk, or FirstThunk when that is 0 / the INT */
    uint32_t iat_rva; /* FirstThunk / the delay IAT: the slots the loader fills */
    uint32_t time_date_stamp;
    uint32_t forwarder_chain; /* imports only */
    uint32_t attributes, module_handle_rva, bound_iat_rva, unload_iat_rva; /* delay imports only */
};

struct ldr_pe_import_iter {
    const struct ldr_pe_view *view;
    enum ldr_pe_import_table table;
    uint32_t next; /* RVA of the next descriptor; 0 when the walk is over */
    uint32_t dir_end; /* delay imports: the end of the directory (0: none declared) */
    uint32_t index; /* descriptors returned so far */
    const char *why; /* after STATUS_INVALID_IMAGE_FORMAT: what was wrong */
};

/* Starts a walk of the import (or delay-import) descriptors. Never fails: an absent directory
 * walks as empty; a directory's start is checked by ldr_pe_parse. */
void ldr_pe_imports_begin(struct ldr_pe_import_iter *it, const struct ldr_pe_view *view,
                          enum ldr_pe_import_table table);

/* The next imported DLL. Imports end, as in NT's loader, at a descriptor whose Name or FirstThunk
 * is 0; delay imports at an all-zero descriptor or the end of the directory. Returns
 * STATUS_SUCCESS, STATUS_NO_MORE_ENTRIES at the end, or STATUS_INVALID_IMAGE_FORMAT for a
 * descriptor past the image, a name that is outside, empty or too long, a table RVA outside the
 * image, or a delay descriptor in the old VA format (Attributes bit 0 clear). Cycles (a DLL
 * importing itself or one that imports it) are the loader's business: this only reads one image. */
NTSTATUS ldr_pe_imports_next(struct ldr_pe_import_iter *it, struct ldr_pe_import_dll *dll);

enum ldr_pe_import_by { LDR_PE_BY_NAME, LDR_PE_BY_ORDINAL };

/* One imported function. */
struct ldr_pe_import_ref {
    uint32_t index; /* position in the DLL's lookup table */
    uint32_t iat_rva; /* the IAT slot to write: iat_rva + 4 * index, inside the image */
    enum ldr_pe_import_by by;
    uint16_t ordinal; /* LDR_PE_BY_ORDINAL: IMAGE_ORDINAL32 of the thunk */
    uint16_t hint; /* LDR_PE_BY_NAME: the index into the exporter's name table to try first */
    const char *name; /* LDR_PE_BY_NAME: inside the image, NUL-terminated, else NULL */
};

struct ldr_pe_thunk_iter {
    const struct ldr_pe_view *view;
    uint32_t lookup_rva, iat_rva;
    uint32_t index;
    const char *why; /* after STATUS_INVALID_IMAGE_FORMAT: what was wrong */
};

void ldr_pe_thunks_begin(struct ldr_pe_thunk_iter *it, const struct ldr_pe_view *view,
                         const struct ldr_pe_import_dll *dll);

/* The next function imported from the DLL; the table ends at a zero entry. Returns STATUS_SUCCESS,
 * STATUS_NO_MORE_ENTRIES, or STATUS_INVALID_IMAGE_FORMAT for a lookup or IAT slot outside the
 * image, or a hint/name entry outside it, empty, too long or unterminated. */
NTSTATUS ldr_pe_thunks_next(struct ldr_pe_thunk_iter *it, struct ldr_pe_import_ref *ref);

/* ---- exports (ldr/pe_exports.c) ---- */

/* The export directory, checked by ldr_pe_exports_open. */
struct ldr_pe_exports {
    const struct ldr_pe_view *view;
    uint32_t dir_rva, dir_size; /* an export RVA inside this range is a forwarder string */
    const char *dll_name; /* the directory's Name, or NULL when it has none */
    uint32_t ordinal_base;
    uint32_t function_count, name_count;
    uint32_t functions_rva, names_rva, name_ordinals_rva;
};

enum ldr_pe_export_kind { LDR_PE_EXPORT_RVA, LDR_PE_EXPORT_FORWARDER };

/* A forwarder "DLL.Name" or "DLL.#ordinal", split at the last dot. */
struct ldr_pe_forwarder {
    const char *string; /* the whole string, inside the image */
    const char *dll; /* not NUL-terminated: dll_length characters, at least 1 */
    uint32_t dll_length;
    enum ldr_pe_import_by by;
    const char *name; /* LDR_PE_BY_NAME: NUL-terminated, at least 1 character */
    uint16_t ordinal; /* LDR_PE_BY_ORDINAL: 0..65535 */
};

struct ldr_pe_export {
    uint32_t ordinal; /* biased: ordinal_base + index into the functions */
    enum ldr_pe_export_kind kind;
    uint32_t rva; /* LDR_PE_EXPORT_RVA: inside the image, non-zero */
    struct ldr_pe_forwarder forwarder; /* LDR_PE_EXPORT_FORWARDER */
};

/* Checks the export directory: the directory, the three tables (counts bounded by the image) and
 * the name, inside the image. An image without one has no exports (counts 0, STATUS_SUCCESS).
 * Returns STATUS_SUCCESS or STATUS_INVALID_IMAGE_FORMAT (with *why, NULL allowed). Entries of the
 * tables are checked when a lookup reads them. Enumerate with ldr_pe_export_by_ordinal from
 * ordinal_base and ldr_pe_export_name. */
NTSTATUS ldr_pe_exports_open(struct ldr_pe_exports *exports, const struct ldr_pe_view *view,
                             const char **why);

/* Finds an export by name, as NT binds: names[hint] first, then a binary search of the name table
 * (byte order; an unsorted table may miss names but stays in bounds). Returns STATUS_SUCCESS,
 * STATUS_ENTRYPOINT_NOT_FOUND (no such name, or the name's function slot is 0), or
 * STATUS_INVALID_IMAGE_FORMAT (a name outside the image or unterminated, a name ordinal past the
 * function table, an RVA outside the image, a malformed forwarder). */
NTSTATUS ldr_pe_export_by_name(const struct ldr_pe_exports *exports, const char *name,
                               uint16_t hint, struct ldr_pe_export *export);

/* Finds an export by (biased) ordinal. Returns STATUS_SUCCESS, STATUS_ORDINAL_NOT_FOUND (below the
 * base, past the table, or an empty slot) or STATUS_INVALID_IMAGE_FORMAT (as above). */
NTSTATUS ldr_pe_export_by_ordinal(const struct ldr_pe_exports *exports, uint32_t ordinal,
                                  struct ldr_pe_export *export);

/* Name `index` (< name_count) of the name table and the biased ordinal it names, for listing.
 * Returns STATUS_SUCCESS or STATUS_INVALID_IMAGE_FORMAT. */
NTSTATUS ldr_pe_export_name(const struct ldr_pe_exports *exports, uint32_t index, const char **name,
                            uint32_t *ordinal);

/* ---- base relocations (ldr/pe_reloc.c) ---- */

#define LDR_PE_REL_ABSOLUTE 0u /* padding: skipped */
#define LDR_PE_REL_HIGHLOW  3u /* add the delta to the 32-bit word */

/* One block of the relocation directory: fixups for one 4 KiB page. */
struct ldr_pe_reloc_block {
    uint32_t page_rva;
    uint32_t count; /* entries: (SizeOfBlock - 8) / 2 */
    const uint8_t *entries; /* count little-endian 16-bit entries: type << 12 | offset */
};

struct ldr_pe_reloc_iter {
    const uint8_t *data;
    uint32_t size, pos;
    const char *why; /* after STATUS_INVALID_IMAGE_FORMAT: what was wrong */
};

/* Walks relocation blocks in `data` (the directory's `size` bytes: from a laid-out image or read
 * from the file through ldr_pe_rva_to_file). */
void ldr_pe_relocs_begin(struct ldr_pe_reloc_iter *it, const void *data, uint32_t size);

/* The next block. Returns STATUS_SUCCESS, STATUS_NO_MORE_ENTRIES after the last one, or
 * STATUS_INVALID_IMAGE_FORMAT for a block smaller than 8 bytes, of odd size, or past the end. */
NTSTATUS ldr_pe_relocs_next(struct ldr_pe_reloc_iter *it, struct ldr_pe_reloc_block *block);

/* Entry i (< block->count) of a block: type in the top 4 bits, offset in the low 12. */
uint16_t ldr_pe_reloc_entry(const struct ldr_pe_reloc_block *block, uint32_t i);

struct ldr_pe_reloc_stats {
    uint32_t blocks;
    uint32_t fixups; /* HIGHLOW entries */
    uint32_t absolute; /* ABSOLUTE (padding) entries */
};

/* Validates every block of a relocation directory of `size` bytes at `data` for an image of
 * `image_size` bytes whose directory sits at [dir_rva, dir_rva + size): only ABSOLUTE and HIGHLOW
 * entries, each HIGHLOW's 4 bytes inside the image and outside the directory itself. When
 * `pages` is not NULL, also sets bit (rva / PAGE_SIZE) of the bitmap `pages` (pages_bytes long, at
 * least ALIGN_UP(image_size, PAGE_SIZE) / PAGE_SIZE bits) for every page a fixup writes (a fixup
 * may straddle two). Fills *stats (NULL allowed). Returns STATUS_SUCCESS or
 * STATUS_INVALID_IMAGE_FORMAT with *why (NULL allowed); then *stats and the bitmap are partial. */
NTSTATUS ldr_pe_relocs_scan(const void *data, uint32_t size, uint32_t dir_rva, uint32_t image_size,
                            struct ldr_pe_reloc_stats *stats, uint8_t *pages, uint32_t pages_bytes,
                            const char **why);

/* Applies the relocation directory of a laid-out image: adds `delta` (new base - the base the
 * image was linked or last relocated for, mod 2^32) to every HIGHLOW word. All or nothing: every
 * block is validated (ldr_pe_relocs_scan) before the first write, so on STATUS_INVALID_IMAGE_FORMAT
 * the image is untouched. An image without relocations succeeds with nothing done (whether it may
 * then load elsewhere is the caller's decision: LDR_PE_FILE_RELOCS_STRIPPED). */
NTSTATUS ldr_pe_relocs_apply(const struct ldr_pe_view *view, uint32_t delta,
                             struct ldr_pe_reloc_stats *stats, const char **why);

/* ---- TLS (ldr/pe_tls.c) ---- */

/* IMAGE_TLS_DIRECTORY32, checked against the image at view->load_base (so read it after
 * relocation, or from an image at its preferred base). */
struct ldr_pe_tls {
    bool present; /* false: the image has no TLS directory (the rest is zero) */
    uint32_t raw_start, raw_end; /* VAs: the template, inside the image, start <= end */
    uint32_t index_va; /* VA of the DWORD that receives the TLS index, inside the image */
    uint32_t callbacks_va; /* VA of the NULL-terminated callback array, or 0 */
    uint32_t zero_fill; /* SizeOfZeroFill; (raw_end - raw_start) + zero_fill <= MAX_IMAGE_SIZE */
    uint32_t characteristics;
    uint32_t callback_count; /* callbacks before the NULL */
};

/* Reads and validates the TLS directory (the directory's size is ignored, as NT does). Returns
 * STATUS_SUCCESS (with tls->present false when the image has none) or STATUS_INVALID_IMAGE_FORMAT
 * with *why (NULL allowed): the structure outside the image, the template or index slot outside
 * it, the template ending before it starts, template + zero fill over LDR_PE_MAX_IMAGE_SIZE, the
 * callback array unterminated inside the image or naming a function outside it. */
NTSTATUS ldr_pe_tls_read(const struct ldr_pe_view *view, struct ldr_pe_tls *tls, const char **why);

/* The VA of callback i (< tls->callback_count), checked inside the image again. */
NTSTATUS ldr_pe_tls_callback(const struct ldr_pe_view *view, const struct ldr_pe_tls *tls,
                             uint32_t i, uint32_t *va);

#endif
