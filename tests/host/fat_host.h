/* tests/host/fat_host.h: what the FAT host tests share (tests/host/fat_host.c): the environment the
 * library takes (allocation with a failure budget, a fixed clock), a file standing in for the disk,
 * mkfs.fat images, and comparisons through mtools and the library. Helpers return NULL or a
 * message. */
#ifndef PAGODA_TESTS_FAT_HOST_H
#define PAGODA_TESTS_FAT_HOST_H

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel/fs/fat/fat.h"

#define FIXED_TIME 133500000000000000LL /* 2024-01-17 21:20:00 UTC */

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            snprintf(message, sizeof message, __VA_ARGS__);                                        \
            return message;                                                                        \
        }                                                                                          \
    } while (0)
#define CHECK_STATUS(expr, want)                                                                   \
    do {                                                                                           \
        NTSTATUS s_ = (expr);                                                                      \
        CHECK(s_ == (NTSTATUS)(want), "%s at line %d: status 0x%08X, expected 0x%08X", #expr,      \
              __LINE__, (unsigned)s_, (unsigned)(want));                                           \
    } while (0)
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        const char *e_ = (expr);                                                                   \
        if (e_)                                                                                    \
            return e_;                                                                             \
    } while (0)

struct file_dev {
    struct io_block_device dev;
    int fd;
};

struct image {
    char path[128];
    struct file_dev dev;
    struct fat_volume *vol;
};

struct kind {
    const char *name, *opts;
    unsigned kib;
    enum fat_type type;
    bool big; /* room for 3 MiB */
};

extern long alloc_budget,
    io_budget; /* allocations / device requests left before failing; -1: no limit */
extern long io_reads, io_writes; /* device requests so far */
extern char tmpdir[64];
extern char message[512];
extern const struct kind kinds[4];
extern const size_t sizes[7];

int sh(const char *fmt, ...);
const WCHAR *W(const char *s);
size_t wlen(const WCHAR *w);
uint8_t pattern(size_t i, unsigned seed);
void fill(uint8_t *p, size_t n, unsigned seed);
bool dev_open(struct file_dev *f, const char *path);
const char *make_image(struct image *img, const char *name, unsigned kib, const char *opts);
const char *mount_image(struct image *img);
const char *unmount_image(struct image *img);
const char *fsck(struct image *img);
const char *mtools_compare(struct image *img, const char *path, size_t size, unsigned seed);
const char *mtools_put(struct image *img, const char *path, size_t size, unsigned seed);
struct fat_file *open_path(struct fat_volume *vol, const char *path, uint32_t disp,
                           uint32_t options, NTSTATUS *status);
const char *lib_compare(struct fat_volume *vol, const char *path, size_t size, unsigned seed);
const char *lib_put(struct fat_volume *vol, const char *path, size_t size, unsigned seed);

/* The corruption, fuzz and failure-injection cases (tests/host/fat_corruption.c). */
const char *test_bad_bpb(void);
const char *test_corrupt_chains(void);
const char *test_corrupt_dirs(void);
const char *fuzz_kind(const struct kind *k, unsigned seed);
const char *test_out_of_memory(void);
const char *test_device_errors(void);

#endif
