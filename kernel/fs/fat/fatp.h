/* kernel/fs/fat/fatp.h: the FAT library's internals (kernel/fs/fat/): the volume and file
 * structures, the sector cache, FAT entries and chains, names and directory entries. Pure C11, like
 * kernel/fs/fat/fat.h. The on-disk structures are in kernel/fs/fat/ondisk.h; cluster 2 is the first
 * data cluster. */
#ifndef PAGODA_FATP_H
#define PAGODA_FATP_H

#include "kernel/fs/fat/fat.h"
#include "kernel/fs/fat/ondisk.h"
#include "kernel/rtl/list.h"

#define fatp_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define fatp_memset(d, c, n) __builtin_memset((d), (c), (n))
#define fatp_memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

#define FATP_EOC              0xFFFFFFFFu /* end of a chain, as returned by fatp_chain_next */
#define FATP_MAX_RUN_SECTORS  256u /* whole sectors moved by one data request, at most */
#define FATP_ENTRY_SIZE       ((uint32_t)sizeof(struct fatp_dirent))
#define FATP_ATTR_LFN         0x0Fu
#define FATP_ATTR_VOLUME      0x08u
#define FATP_ATTR_DIR         0x10u
#define FATP_ATTR_ARCHIVE_BIT 0x20u
#define FATP_DELETED          0xE5u
#define FATP_MAX_DIR_ENTRIES  65536u /* the specification's limit: 2 MiB of directory */

/* ---- sector cache (kernel/fs/fat/cache.c) ---- */
#define FATP_CACHE_SLOTS 32u
struct fatp_buf {
    uint32_t sector;
    bool valid, dirty;
    uint32_t stamp; /* last use, for LRU */
    uint8_t *data;
};
enum fatp_fill { FATP_FILL_READ, FATP_FILL_NONE };

struct fat_volume {
    struct io_block_device *dev;
    enum fat_type type;
    uint32_t bytes_per_sector, sector_shift;
    uint32_t dev_per_sector; /* device sectors per volume sector */
    uint32_t sectors_per_cluster, cluster_size;
    uint32_t total_sectors;
    uint32_t fat_start, fat_sectors, fat_count;
    uint32_t active_fat; /* FAT32 with mirroring off: the only FAT written */
    bool mirror;
    uint32_t root_entries, first_root_sector, root_sectors; /* FAT12/16 fixed root */
    uint32_t root_cluster; /* FAT32; 0 on FAT12/16 */
    uint32_t first_data_sector;
    uint32_t cluster_count; /* clusters 2 .. cluster_count + 1 exist */
    uint32_t fsinfo_sector; /* 0: none */
    uint32_t free_count; /* 0xFFFFFFFF: unknown */
    bool free_exact; /* free_count was counted from the FAT, not taken from FSInfo */
    uint32_t next_free;
    bool fsinfo_dirty;
    uint32_t serial;
    struct list_entry files; /* the open struct fat_file objects, one per file */
    uint32_t clock;
    struct fatp_buf cache[FATP_CACHE_SLOTS];
};

/* A directory: first cluster, or 0 for the fixed root of FAT12/16. */
struct fatp_dir_iter {
    struct fat_volume *vol;
    uint32_t first; /* first cluster, 0 = fixed root */
    uint32_t cluster; /* the cluster holding entries base .. base + per_cluster - 1 */
    uint32_t base;
};

/* One open file (its FCB): every fat_create of the same file returns this object, found on the
 * volume's list by its short entry's place (parent, entry_index), which a rename updates and
 * nothing else changes; the first cluster would not do (an empty file has none, a truncation frees
 * it). */
struct fat_file {
    struct list_entry link; /* in vol->files */
    uint32_t references; /* fat_create calls not yet matched by fat_close */
    struct fat_volume *vol;
    bool directory, deleted, root, entry_dirty;
    uint32_t first_cluster;
    uint32_t size;
    uint8_t attr;
    struct fatp_dirent entry; /* copy of the short entry: times, name, ntres */
    uint32_t parent; /* parent directory's first cluster (0: fixed root) */
    uint32_t entry_index; /* the short entry's index in the parent */
    uint32_t lfn_count; /* long-name entries before it */
    uint32_t hint_index, hint_cluster; /* a cluster of the chain and its index, for seeks */
};

NTSTATUS fatp_cache_get(struct fat_volume *vol, uint32_t sector, enum fatp_fill fill,
                        struct fatp_buf **out);
void fatp_cache_dirty(struct fatp_buf *buf);
NTSTATUS fatp_cache_flush(struct fat_volume *vol);
/* File data: whole sectors straight to/from the device unless they are cached. */
NTSTATUS fatp_data_read(struct fat_volume *vol, uint32_t sector, uint32_t count, void *buffer);
NTSTATUS fatp_data_write(struct fat_volume *vol, uint32_t sector, uint32_t count,
                         const void *buffer);
NTSTATUS fatp_cache_init(struct fat_volume *vol);
void fatp_cache_free(struct fat_volume *vol);

/* ---- FAT entries and chains (kernel/fs/fat/table.c) ---- */
static inline bool fatp_cluster_valid(const struct fat_volume *vol, uint32_t c)
{
    return c >= 2 && c - 2 < vol->cluster_count;
}
static inline uint32_t fatp_cluster_sector(const struct fat_volume *vol, uint32_t c)
{
    return vol->first_data_sector + (c - 2) * vol->sectors_per_cluster;
}
NTSTATUS fatp_fat_get(struct fat_volume *vol, uint32_t cluster, uint32_t *value);
NTSTATUS fatp_fat_set(struct fat_volume *vol, uint32_t cluster, uint32_t value);
/* *next = the following cluster or FATP_EOC; STATUS_FILE_CORRUPT_ERROR for free, bad or out of
 * range links. */
NTSTATUS fatp_chain_next(struct fat_volume *vol, uint32_t cluster, uint32_t *next);
/* Allocates a cluster marked end-of-chain, zeroed when zero is true, linked after prev (0: none).
 * STATUS_DISK_FULL. */
NTSTATUS fatp_alloc_cluster(struct fat_volume *vol, uint32_t prev, bool zero, uint32_t *out);
/* Frees first and everything after it (bounded by the cluster count). */
NTSTATUS fatp_free_chain(struct fat_volume *vol, uint32_t first);
/* Walks n links from cluster (bounded); STATUS_FILE_CORRUPT_ERROR if the chain ends early. */
NTSTATUS fatp_chain_seek(struct fat_volume *vol, uint32_t cluster, uint32_t n, uint32_t *out);
NTSTATUS fatp_zero_cluster(struct fat_volume *vol, uint32_t cluster);
uint32_t fatp_eoc_value(const struct fat_volume *vol);

/* ---- names (kernel/fs/fat/name.c) ---- */
WCHAR fatp_upcase(WCHAR c);
bool fatp_names_equal(const WCHAR *a, uint32_t alen, const WCHAR *b, uint32_t blen);
/* STATUS_OBJECT_NAME_INVALID for empty, too long, ".", "..", bad characters, trailing dot/space. */
NTSTATUS fatp_check_long_name(const WCHAR *name, uint32_t len);
uint8_t fatp_lfn_checksum(const uint8_t short_name[11]);
/* The 8.3 short entry name for name if it is one as is (upper case or with the NT lower-case bits
 * for an all-lower base/extension): true, with *ntres. */
bool fatp_exact_short_name(const WCHAR *name, uint32_t len, uint8_t out[11], uint8_t *ntres);
/* The specification's basis name (upper case, invalid characters as '_') for a name that needs a
 * long-name entry. */
void fatp_basis_name(const WCHAR *name, uint32_t len, uint8_t out[11]);
/* Applies the numeric tail ~n to a basis name. */
void fatp_tail_name(const uint8_t basis[11], uint32_t n, uint8_t out[11]);
/* The display form of a short entry ("NAME.EXT", lower-cased per ntres); returns the length. */
uint32_t fatp_short_to_wide(const struct fatp_dirent *entry, WCHAR out[13]);

/* ---- time (kernel/fs/fat/name.c) ---- */
void fatp_time_to_fat(int64_t nt, uint16_t *date, uint16_t *time, uint8_t *tenth);
int64_t fatp_time_from_fat(uint16_t date, uint16_t time, uint8_t tenth);

/* ---- directories (kernel/fs/fat/dir.c) ---- */
void fatp_dir_iter_init(struct fatp_dir_iter *it, struct fat_volume *vol, uint32_t first);
/* The sector and byte offset of entry index; STATUS_NO_MORE_FILES past the end of the directory. */
NTSTATUS fatp_dir_locate(struct fatp_dir_iter *it, uint32_t index, struct fatp_buf **buf,
                         struct fatp_dirent **entry);

struct fatp_found {
    uint32_t index, lfn_count;
    struct fatp_dirent entry;
    WCHAR name[FAT_NAME_MAX + 1];
    uint32_t name_len;
};
/* The next live entry (short entry and its valid long name) at or after *cursor;
 * STATUS_NO_MORE_FILES. */
NTSTATUS fatp_dir_next(struct fatp_dir_iter *it, uint32_t *cursor, struct fatp_found *out);
/* Case-insensitive lookup by long or short name; STATUS_OBJECT_NAME_NOT_FOUND. */
NTSTATUS fatp_dir_find(struct fat_volume *vol, uint32_t dir, const WCHAR *name, uint32_t len,
                       struct fatp_found *out);
/* Adds entries for name with the short entry template (name and ntres are filled in); returns the
 * short entry's index and the number of long-name entries. STATUS_DISK_FULL. */
NTSTATUS fatp_dir_add(struct fat_volume *vol, uint32_t dir, const WCHAR *name, uint32_t len,
                      struct fatp_dirent *entry, uint32_t *index, uint32_t *lfn_count);
/* Marks entries index - lfn_count .. index deleted. */
NTSTATUS fatp_dir_remove(struct fat_volume *vol, uint32_t dir, uint32_t index, uint32_t lfn_count);
/* Rewrites the short entry at index. */
NTSTATUS fatp_dir_write_entry(struct fat_volume *vol, uint32_t dir, uint32_t index,
                              const struct fatp_dirent *entry);
/* True when the directory holds nothing but "." and "..". */
NTSTATUS fatp_dir_is_empty(struct fat_volume *vol, uint32_t dir, bool *empty);

static inline uint16_t fatp_get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t fatp_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void fatp_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void fatp_put32(uint8_t *p, uint32_t v)
{
    fatp_put16(p, (uint16_t)v);
    fatp_put16(p + 2, (uint16_t)(v >> 16));
}
static inline uint32_t fatp_entry_cluster(const struct fat_volume *vol, const struct fatp_dirent *e)
{
    uint32_t hi = vol->type == FAT_TYPE_32 ? (uint32_t)e->cluster_hi << 16 : 0;
    return hi | e->cluster_lo;
}
static inline void fatp_entry_set_cluster(struct fatp_dirent *e, uint32_t c)
{
    e->cluster_hi = (uint16_t)(c >> 16);
    e->cluster_lo = (uint16_t)c;
}
static inline bool fatp_entry_is_lfn(const struct fatp_dirent *e)
{
    return (e->attr & 0x3F) == FATP_ATTR_LFN;
}

/* ---- files (kernel/fs/fat/file.c, fat_create.c) ---- */
/* Writes file->entry back to its directory if entry_dirty. */
NTSTATUS fatp_file_store(struct fat_file *file);
/* The directory cluster a directory entry designates (the FAT32 root for cluster 0). */
uint32_t fatp_dir_cluster_of(const struct fat_volume *vol, const struct fatp_dirent *entry);
/* Resolves all but the last component of path: *dir, and the last component in *name and *len. */
NTSTATUS fatp_walk_parent(struct fat_volume *vol, const WCHAR *path, size_t chars, uint32_t *dir,
                          const WCHAR **name, uint32_t *len);
/* The open file whose short entry is entry `index` of directory `dir` (first cluster, 0 for the
 * fixed root), or NULL; deleted files are no longer there (a new entry may take their place). */
struct fat_file *fatp_open_file(struct fat_volume *vol, uint32_t dir, uint32_t index);
/* Counts the free clusters from the FAT (once a mount: allocation and freeing keep the count). */
NTSTATUS fatp_count_free(struct fat_volume *vol);
/* Frees the clusters past size and sets the size (no entry write). */
NTSTATUS fatp_file_truncate(struct fat_file *file, uint32_t size);

#endif
