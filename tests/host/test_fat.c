/* tests/host/test_fat.c: the FAT library (kernel/fat_*.c) on image files made by mkfs.fat, checked
 * against mtools and fsck.fat, under the sanitizers. One "ok"/"FAIL" line a case. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel/fat.h"

/* ---- what the library takes from its environment ---- */
static long alloc_budget = -1; /* allocations left before fat_alloc fails; -1: no limit */
void *fat_alloc(size_t size)
{
    if (alloc_budget == 0)
        return NULL;
    if (alloc_budget > 0)
        alloc_budget--;
    return malloc(size);
}
void fat_free(void *p) { free(p); }
#define FIXED_TIME 133500000000000000LL /* 2024-01-17 21:20:00 UTC */
int64_t fat_now(void) { return FIXED_TIME; }

/* ---- a file standing in for the disk ---- */
struct file_dev {
    struct io_block_device dev;
    int fd;
};

static long io_budget = -1; /* device requests left before they fail; -1: no limit */
static bool io_fails(void)
{
    if (io_budget == 0)
        return true;
    if (io_budget > 0)
        io_budget--;
    return false;
}

static NTSTATUS file_read(struct io_block_device *dev, uint64_t lba, uint32_t count, void *buf)
{
    struct file_dev *f = dev->context;
    if (io_fails())
        return STATUS_DEVICE_DATA_ERROR;
    if (lba > dev->sector_count || count > dev->sector_count - lba)
        return STATUS_INVALID_PARAMETER;
    size_t n = (size_t)count * IO_SECTOR_SIZE;
    return pread(f->fd, buf, n, (off_t)(lba * IO_SECTOR_SIZE)) == (ssize_t)n
               ? STATUS_SUCCESS
               : STATUS_DEVICE_DATA_ERROR;
}

static NTSTATUS file_write(struct io_block_device *dev, uint64_t lba, uint32_t count,
                           const void *buf)
{
    struct file_dev *f = dev->context;
    if (io_fails())
        return STATUS_DEVICE_DATA_ERROR;
    if (lba > dev->sector_count || count > dev->sector_count - lba)
        return STATUS_INVALID_PARAMETER;
    size_t n = (size_t)count * IO_SECTOR_SIZE;
    return pwrite(f->fd, buf, n, (off_t)(lba * IO_SECTOR_SIZE)) == (ssize_t)n
               ? STATUS_SUCCESS
               : STATUS_DEVICE_DATA_ERROR;
}

static bool dev_open(struct file_dev *f, const char *path)
{
    struct stat st;
    memset(f, 0, sizeof *f);
    f->fd = open(path, O_RDWR);
    if (f->fd < 0 || fstat(f->fd, &st) != 0)
        return false;
    strcpy(f->dev.name, "file");
    f->dev.sector_size = IO_SECTOR_SIZE;
    f->dev.sector_count = (uint64_t)st.st_size / IO_SECTOR_SIZE;
    f->dev.read = file_read;
    f->dev.write = file_write;
    f->dev.context = f;
    return true;
}

/* ---- helpers ---- */
static char tmpdir[64];
static char message[512];
static int failed;

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

static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/* UTF-16 from ASCII, in one of a few rotating buffers. */
static const WCHAR *W(const char *s)
{
    static WCHAR bufs[4][300];
    static int next;
    WCHAR *w = bufs[next++ % 4];
    size_t i = 0;
    for (; s[i] && i < 299; i++)
        w[i] = (unsigned char)s[i];
    w[i] = 0;
    return w;
}

static size_t wlen(const WCHAR *w)
{
    size_t n = 0;
    while (w[n])
        n++;
    return n;
}

static uint8_t pattern(size_t i, unsigned seed) { return (uint8_t)(i * 31 + (i >> 9) + seed); }

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = pattern(i, seed);
}

struct image {
    char path[128];
    struct file_dev dev;
    struct fat_volume *vol;
};

/* Makes an image of kib KiB with mkfs.fat options. */
static const char *make_image(struct image *img, const char *name, unsigned kib, const char *opts)
{
    snprintf(img->path, sizeof img->path, "%s/%s.img", tmpdir, name);
    unlink(img->path);
    CHECK(sh("mkfs.fat -C %s %s %s %u >/dev/null 2>&1", opts, "-n TEST", img->path, kib) == 0,
          "mkfs.fat %s failed", opts);
    return NULL;
}

static const char *mount_image(struct image *img)
{
    CHECK(dev_open(&img->dev, img->path), "cannot open %s", img->path);
    NTSTATUS s = fat_mount(&img->dev.dev, &img->vol);
    CHECK(NT_SUCCESS(s), "fat_mount(%s): 0x%08X", img->path, (unsigned)s);
    return NULL;
}

static const char *unmount_image(struct image *img)
{
    NTSTATUS s = fat_unmount(img->vol);
    close(img->dev.fd);
    CHECK(NT_SUCCESS(s), "fat_unmount: 0x%08X", (unsigned)s);
    return NULL;
}

static const char *fsck(struct image *img)
{
    char out[160];
    snprintf(out, sizeof out, "%s/fsck.log", tmpdir);
    int rc = sh("fsck.fat -n %s >%s 2>&1", img->path, out);
    if (rc != 0) {
        FILE *f = fopen(out, "r");
        size_t n = f ? fread(message, 1, sizeof message - 1, f) : 0;
        message[n] = 0;
        if (f)
            fclose(f);
        return message;
    }
    return NULL;
}

/* Compares what mtools reads at path with the pattern. */
static const char *mtools_compare(struct image *img, const char *path, size_t size, unsigned seed)
{
    char out[160];
    snprintf(out, sizeof out, "%s/mcopy.out", tmpdir);
    unlink(out);
    CHECK(sh("MTOOLS_SKIP_CHECK=1 mcopy -n -i %s '::%s' %s", img->path, path, out) == 0,
          "mcopy could not read %s", path);
    FILE *f = fopen(out, "rb");
    CHECK(f, "no mcopy output");
    uint8_t *buf = malloc(size + 1);
    size_t n = fread(buf, 1, size + 1, f);
    fclose(f);
    bool same = n == size;
    for (size_t i = 0; same && i < size; i++)
        same = buf[i] == pattern(i, seed);
    free(buf);
    CHECK(same, "mtools read %zu bytes of %s, expected %zu matching", n, path, size);
    return NULL;
}

/* Puts a pattern file on the image with mcopy. */
static const char *mtools_put(struct image *img, const char *path, size_t size, unsigned seed)
{
    char in[160];
    snprintf(in, sizeof in, "%s/mcopy.in", tmpdir);
    uint8_t *buf = malloc(size ? size : 1);
    fill(buf, size, seed);
    FILE *f = fopen(in, "wb");
    fwrite(buf, 1, size, f);
    fclose(f);
    free(buf);
    CHECK(sh("MTOOLS_SKIP_CHECK=1 mcopy -o -i %s %s '::%s'", img->path, in, path) == 0,
          "mcopy could not write %s", path);
    return NULL;
}

static struct fat_file *open_path(struct fat_volume *vol, const char *path, uint32_t disp,
                                  uint32_t options, NTSTATUS *status)
{
    struct fat_file *f = NULL;
    const WCHAR *w = W(path);
    *status = fat_create(vol, w, wlen(w), disp, options, 0, &f, NULL);
    return f;
}

/* Reads the whole file through the library and compares with the pattern. */
static const char *lib_compare(struct fat_volume *vol, const char *path, size_t size, unsigned seed)
{
    NTSTATUS s;
    struct fat_file *f = open_path(vol, path, FILE_OPEN, FILE_NON_DIRECTORY_FILE, &s);
    CHECK(NT_SUCCESS(s), "open %s: 0x%08X", path, (unsigned)s);
    struct fat_file_info info;
    CHECK_STATUS(fat_query_info(f, &info), STATUS_SUCCESS);
    CHECK(info.size == size, "%s: size %llu, expected %zu", path, (unsigned long long)info.size,
          size);
    uint8_t *buf = malloc(size + 16);
    uint32_t done = 0;
    if (size) {
        /* Odd-sized pieces, to cross sector and cluster boundaries unaligned. */
        size_t pos = 0;
        while (pos < size) {
            uint32_t piece = (uint32_t)MIN(size - pos, 7777u), got;
            s = fat_read(f, pos, buf + pos, piece, &got);
            if (!NT_SUCCESS(s) || got != piece)
                break;
            pos += got;
        }
        done = (uint32_t)pos;
    }
    bool same = done == size;
    for (size_t i = 0; same && i < size; i++)
        same = buf[i] == pattern(i, seed);
    free(buf);
    CHECK(same, "%s: read %u bytes (status 0x%08X), expected %zu matching", path, done, (unsigned)s,
          size);
    uint32_t got;
    CHECK_STATUS(fat_read(f, size, &got, 1, &got), STATUS_END_OF_FILE);
    fat_close(f);
    return NULL;
}

/* Creates path with the pattern through the library. */
static const char *lib_put(struct fat_volume *vol, const char *path, size_t size, unsigned seed)
{
    NTSTATUS s;
    struct fat_file *f = open_path(vol, path, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, &s);
    CHECK(NT_SUCCESS(s), "create %s: 0x%08X", path, (unsigned)s);
    uint8_t *buf = malloc(size ? size : 1);
    fill(buf, size, seed);
    uint32_t done;
    s = fat_write(f, 0, buf, (uint32_t)size, &done);
    free(buf);
    fat_close(f);
    CHECK(NT_SUCCESS(s) && done == size, "write %s: 0x%08X, %u of %zu", path, (unsigned)s, done,
          size);
    return NULL;
}

/* ---- the cases ---- */
struct kind {
    const char *name, *opts;
    unsigned kib;
    enum fat_type type;
    bool big; /* room for 3 MiB */
};
static const struct kind kinds[] = {
    {"fat12", "", 1440, FAT_TYPE_12, false},
    {"fat16", "-F 16", 32768, FAT_TYPE_16, true},
    {"fat32", "-F 32", 65536, FAT_TYPE_32, true},
    {"fat16_4k_sectors", "-F 16 -S 4096 -s 1", 65536, FAT_TYPE_16, true},
};
static const size_t sizes[] = {0, 1, 511, 512, 513, 4096, 3u << 20};

static const char *test_mount(const struct kind *k)
{
    struct image img;
    struct fat_volume_info info;
    TRY(make_image(&img, k->name, k->kib, k->opts));
    TRY(mount_image(&img));
    CHECK_STATUS(fat_query_volume(img.vol, &info), STATUS_SUCCESS);
    CHECK(info.type == k->type, "type %d, expected %d", info.type, k->type);
    CHECK(info.free_clusters > 0 && info.free_clusters <= info.cluster_count, "free %u of %u",
          info.free_clusters, info.cluster_count);
    TRY(unmount_image(&img));
    return fsck(&img);
}

static const char *test_read_mtools(const struct kind *k)
{
    struct image img;
    char path[64], upper[64];
    TRY(make_image(&img, k->name, k->kib, k->opts));
    sh("MTOOLS_SKIP_CHECK=1 mmd -i %s '::/Sub Dir' '::/Sub Dir/Deeper Level'", img.path);
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        if (sizes[i] > (1u << 20) && !k->big)
            continue;
        snprintf(path, sizeof path, "/Sub Dir/Deeper Level/Mixed Case File %zu.bin", i);
        TRY(mtools_put(&img, path, sizes[i], (unsigned)i));
        snprintf(path, sizeof path, "/plain%zu.txt", i);
        TRY(mtools_put(&img, path, sizes[i], (unsigned)i + 50));
    }
    TRY(mount_image(&img));
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        if (sizes[i] > (1u << 20) && !k->big)
            continue;
        snprintf(path, sizeof path, "\\Sub Dir\\Deeper Level\\Mixed Case File %zu.bin", i);
        TRY(lib_compare(img.vol, path, sizes[i], (unsigned)i));
        snprintf(upper, sizeof upper, "SUB DIR\\deeper LEVEL\\mixed case FILE %zu.BIN", i);
        TRY(lib_compare(img.vol, upper, sizes[i], (unsigned)i));
        snprintf(path, sizeof path, "PLAIN%zu.TXT", i);
        TRY(lib_compare(img.vol, path, sizes[i], (unsigned)i + 50));
    }
    NTSTATUS s;
    open_path(img.vol, "Sub Dir\\nothing", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_OBJECT_NAME_NOT_FOUND);
    open_path(img.vol, "No Dir\\nothing", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_OBJECT_PATH_NOT_FOUND);
    open_path(img.vol, "plain1.txt\\x", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_OBJECT_PATH_NOT_FOUND);
    TRY(unmount_image(&img));
    return fsck(&img);
}

static const char *test_write(const struct kind *k)
{
    struct image img;
    char path[80], mpath[80];
    NTSTATUS s;
    TRY(make_image(&img, k->name, k->kib, k->opts));
    TRY(mount_image(&img));
    struct fat_file *d = open_path(img.vol, "A Folder", FILE_CREATE, FILE_DIRECTORY_FILE, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    fat_close(d);
    d = open_path(img.vol, "A Folder\\Inner.Dir", FILE_CREATE, FILE_DIRECTORY_FILE, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    fat_close(d);
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        if (sizes[i] > (1u << 20) && !k->big)
            continue;
        snprintf(path, sizeof path, "A Folder\\Inner.Dir\\Written By Pagoda %zu.data", i);
        TRY(lib_put(img.vol, path, sizes[i], (unsigned)i + 7));
        snprintf(path, sizeof path, "short%zu.bin", i);
        TRY(lib_put(img.vol, path, sizes[i], (unsigned)i + 9));
    }
    /* Extend with a gap, then truncate. */
    struct fat_file *f = open_path(img.vol, "grow.bin", FILE_CREATE, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    uint8_t buf[3000];
    uint32_t done;
    fill(buf, sizeof buf, 3);
    CHECK_STATUS(fat_write(f, 10000, buf, sizeof buf, &done), STATUS_SUCCESS);
    CHECK_STATUS(fat_set_end_of_file(f, 20000), STATUS_SUCCESS);
    uint8_t back[20000];
    CHECK_STATUS(fat_read(f, 0, back, sizeof back, &done), STATUS_SUCCESS);
    CHECK(done == 20000, "read %u", done);
    for (size_t i = 0; i < 20000; i++) {
        uint8_t want = i >= 10000 && i < 13000 ? pattern(i - 10000, 3) : 0;
        CHECK(back[i] == want, "grow.bin[%zu] = %u, expected %u", i, back[i], want);
    }
    CHECK_STATUS(fat_set_end_of_file(f, 11000), STATUS_SUCCESS);
    CHECK_STATUS(fat_set_end_of_file(f, 12000), STATUS_SUCCESS); /* re-extend: zeros again */
    CHECK_STATUS(fat_read(f, 10990, back, 100, &done), STATUS_SUCCESS);
    CHECK(done == 100 && back[9] == pattern(999, 3) && back[10] == 0 && back[99] == 0,
          "after truncate and extend: %u bytes, %u %u", done, back[9], back[10]);
    struct fat_file_info info;
    CHECK_STATUS(fat_query_info(f, &info), STATUS_SUCCESS);
    CHECK(info.size == 12000 && info.last_write_time / 20000000 == FIXED_TIME / 20000000 &&
              (info.attributes & FILE_ATTRIBUTE_ARCHIVE),
          "info: size %llu time %lld attr %x", (unsigned long long)info.size,
          (long long)info.last_write_time, info.attributes);
    fat_close(f);
    /* After a flush the image is complete while still mounted. */
    CHECK_STATUS(fat_flush(img.vol), STATUS_SUCCESS);
    TRY(fsck(&img));
    TRY(mtools_compare(&img, "/SHORT5.BIN", 4096, 5 + 9));
    TRY(unmount_image(&img));
    TRY(fsck(&img));
    /* mtools reads the times the library wrote (FAT keeps them as given: UTC here). */
    CHECK(sh("MTOOLS_SKIP_CHECK=1 mdir -i %s ::/SHORT1.BIN | grep -q '2024-01-17 *21:20'",
             img.path) == 0,
          "mdir does not show 2024-01-17 21:20 for SHORT1.BIN");
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        if (sizes[i] > (1u << 20) && !k->big)
            continue;
        snprintf(mpath, sizeof mpath, "/A Folder/Inner.Dir/Written By Pagoda %zu.data", i);
        TRY(mtools_compare(&img, mpath, sizes[i], (unsigned)i + 7));
        snprintf(mpath, sizeof mpath, "/SHORT%zu.BIN", i);
        TRY(mtools_compare(&img, mpath, sizes[i], (unsigned)i + 9));
    }
    return NULL;
}

static const char *test_many_files(const struct kind *k)
{
    struct image img;
    char path[96];
    NTSTATUS s;
    TRY(make_image(&img, k->name, k->kib, k->opts));
    TRY(mount_image(&img));
    struct fat_file *d = open_path(img.vol, "Many", FILE_CREATE, FILE_DIRECTORY_FILE, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    for (int i = 0; i < 1000; i++) {
        snprintf(path, sizeof path, "Many\\A rather long file name number %04d.txt", i);
        TRY(lib_put(img.vol, path, (size_t)(i % 3) * 100, (unsigned)i));
    }
    uint32_t cursor = 0, count = 0, resume = 0;
    struct fat_dirent *de = malloc(sizeof *de);
    char want[96];
    while ((s = fat_enum_dir(d, &cursor, de)) == STATUS_SUCCESS) {
        if (count >= 2) { /* after "." and "..", in creation order */
            int i = (int)count - 2;
            snprintf(want, sizeof want, "A rather long file name number %04d.txt", i);
            bool same = de->name_len == strlen(want);
            for (uint32_t k = 0; same && k < de->name_len; k++)
                same = de->name[k] == (WCHAR)want[k];
            bool tilde = false;
            for (uint32_t k = 0; k < de->short_name_len; k++)
                tilde |= de->short_name[k] == '~';
            CHECK(same && de->info.size == (uint64_t)(i % 3) * 100 && de->short_name_len == 12 &&
                      tilde,
                  "entry %u: wrong name, size %llu or short name", count,
                  (unsigned long long)de->info.size);
            CHECK(de->info.last_write_time / 20000000 == FIXED_TIME / 20000000,
                  "entry %u: time %lld", count, (long long)de->info.last_write_time);
        } else {
            CHECK(de->name_len == count + 1 && de->name[0] == '.' &&
                      (de->info.attributes & FILE_ATTRIBUTE_DIRECTORY),
                  "entry %u is not . or ..", count);
        }
        if (count == 500)
            resume = cursor;
        count++;
    }
    CHECK_STATUS(s, STATUS_NO_MORE_FILES);
    CHECK(count == 1002, "enumerated %u entries, expected 1000 and . ..", count);
    /* The cursor survives deleting entries around it. */
    struct fat_file *victim =
        open_path(img.vol, "Many\\A rather long file name number 0498.txt", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    CHECK_STATUS(fat_delete(victim), STATUS_SUCCESS);
    fat_close(victim);
    CHECK_STATUS(fat_enum_dir(d, &resume, de), STATUS_SUCCESS);
    CHECK(de->name_len > 34 && de->name[31] == '0' && de->name[32] == '4' && de->name[33] == '9' &&
              de->name[34] == '9',
          "resumed at the wrong entry");
    free(de);
    fat_close(d);
    TRY(lib_compare(img.vol, "many\\a rather long file name number 0999.TXT", 0, 999));
    TRY(lib_compare(img.vol, "many\\A RATHER LONG FILE NAME NUMBER 0500.txt", 200, 500));
    TRY(unmount_image(&img));
    TRY(fsck(&img));
    char out[160];
    snprintf(out, sizeof out, "%s/mdir.out", tmpdir);
    CHECK(sh("MTOOLS_SKIP_CHECK=1 mdir -b -i %s ::/Many > %s", img.path, out) == 0, "mdir failed");
    FILE *f = fopen(out, "r");
    int lines = 0;
    char line[300];
    while (f && fgets(line, sizeof line, f))
        lines++;
    if (f)
        fclose(f);
    CHECK(lines == 999, "mdir lists %d files", lines);
    return mtools_compare(&img, "/Many/A rather long file name number 0743.txt", 200, 743);
}

static const char *test_rename_delete(const struct kind *k)
{
    struct image img;
    NTSTATUS s;
    TRY(make_image(&img, k->name, k->kib, k->opts));
    TRY(mount_image(&img));
    TRY(lib_put(img.vol, "first file.txt", 1000, 1));
    TRY(lib_put(img.vol, "second.txt", 2000, 2));
    struct fat_file *d = open_path(img.vol, "Dest Dir", FILE_CREATE, FILE_DIRECTORY_FILE, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    struct fat_file *sub =
        open_path(img.vol, "Dest Dir\\Sub", FILE_CREATE, FILE_DIRECTORY_FILE, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    struct fat_file *f = open_path(img.vol, "first file.txt", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    const WCHAR *w = W("SECOND.TXT");
    CHECK_STATUS(fat_rename(f, w, wlen(w), FAT_REPLACE_NO), STATUS_OBJECT_NAME_COLLISION);
    w = W("Dest Dir\\Moved Here.txt");
    CHECK_STATUS(fat_rename(f, w, wlen(w), FAT_REPLACE_NO), STATUS_SUCCESS);
    w = W("Dest Dir\\moved here.TXT"); /* case only */
    CHECK_STATUS(fat_rename(f, w, wlen(w), FAT_REPLACE_NO), STATUS_SUCCESS);
    fat_close(f);
    f = open_path(img.vol, "second.txt", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    w = W("\\Dest Dir\\moved HERE.txt");
    CHECK_STATUS(fat_rename(f, w, wlen(w), FAT_REPLACE_YES), STATUS_SUCCESS);
    fat_close(f);
    /* A directory cannot move under itself; it can move elsewhere. */
    w = W("Dest Dir\\Sub\\Loop");
    CHECK_STATUS(fat_rename(d, w, wlen(w), FAT_REPLACE_NO), STATUS_INVALID_PARAMETER);
    w = W("Top Level Sub");
    CHECK_STATUS(fat_rename(sub, w, wlen(w), FAT_REPLACE_NO), STATUS_SUCCESS);
    TRY(lib_put(img.vol, "Top Level Sub\\inside.bin", 5000, 5));
    CHECK_STATUS(fat_delete(sub), STATUS_DIRECTORY_NOT_EMPTY);
    fat_close(sub);
    TRY(lib_put(img.vol, "doomed.bin", 70000, 6));
    f = open_path(img.vol, "DOOMED.BIN", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    CHECK_STATUS(fat_delete(f), STATUS_SUCCESS);
    uint32_t got;
    CHECK_STATUS(fat_read(f, 0, &got, 4, &got), STATUS_FILE_DELETED);
    fat_close(f);
    open_path(img.vol, "doomed.bin", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_OBJECT_NAME_NOT_FOUND);
    struct fat_file *empty = open_path(img.vol, "Empty", FILE_CREATE, FILE_DIRECTORY_FILE, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    CHECK_STATUS(fat_delete(empty), STATUS_SUCCESS);
    fat_close(empty);
    fat_close(d);
    TRY(lib_compare(img.vol, "dest dir\\MOVED HERE.TXT", 2000, 2));
    TRY(unmount_image(&img));
    TRY(fsck(&img));
    TRY(mtools_compare(&img, "/Dest Dir/moved HERE.txt", 2000, 2));
    TRY(mtools_compare(&img, "/Top Level Sub/inside.bin", 5000, 5));
    CHECK(sh("MTOOLS_SKIP_CHECK=1 mdir -i %s ::/doomed.bin >/dev/null 2>&1", img.path) != 0,
          "doomed.bin still listed");
    CHECK(sh("MTOOLS_SKIP_CHECK=1 mdir -i %s '::/first file.txt' >/dev/null 2>&1", img.path) != 0,
          "first file.txt still listed");
    return NULL;
}

static const char *test_dispositions(void)
{
    struct image img;
    uint32_t action = 99;
    struct fat_file *f;
    TRY(make_image(&img, "disp", 1440, ""));
    TRY(mount_image(&img));
    TRY(lib_put(img.vol, "exists.txt", 100, 1));
    const WCHAR *w = W("exists.txt");
    CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_CREATE, 0, 0, &f, &action),
                 STATUS_OBJECT_NAME_COLLISION);
    CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_OPEN_IF, 0, 0, &f, &action), STATUS_SUCCESS);
    CHECK(action == FILE_OPENED, "action %u", action);
    fat_close(f);
    CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_OPEN, FILE_DIRECTORY_FILE, 0, &f, &action),
                 STATUS_NOT_A_DIRECTORY);
    CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_SUPERSEDE, 0, 0, &f, &action),
                 STATUS_SUCCESS);
    CHECK(action == FILE_SUPERSEDED, "action %u", action);
    struct fat_file_info info;
    fat_query_info(f, &info);
    CHECK(info.size == 0, "superseded size %llu", (unsigned long long)info.size);
    fat_close(f);
    CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_OVERWRITE, 0, 0, &f, &action),
                 STATUS_SUCCESS);
    CHECK(action == FILE_OVERWRITTEN, "action %u", action);
    fat_close(f);
    w = W("new.txt");
    CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_OVERWRITE, 0, 0, &f, &action),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_OVERWRITE_IF, 0, 0, &f, &action),
                 STATUS_SUCCESS);
    CHECK(action == FILE_CREATED, "action %u", action);
    fat_close(f);
    w = W("dir");
    CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_CREATE, FILE_DIRECTORY_FILE, 0, &f, &action),
                 STATUS_SUCCESS);
    fat_close(f);
    CHECK_STATUS(
        fat_create(img.vol, w, wlen(w), FILE_OPEN, FILE_NON_DIRECTORY_FILE, 0, &f, &action),
        STATUS_FILE_IS_A_DIRECTORY);
    CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_OPEN, 0, 0, &f, &action), STATUS_SUCCESS);
    uint32_t done;
    CHECK_STATUS(fat_read(f, 0, &done, 4, &done), STATUS_FILE_IS_A_DIRECTORY);
    fat_close(f);
    static const char *const bad[] = {"a*b", "x\\\\y", "trail.", "..", "dir\\", "q?"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        w = W(bad[i]);
        CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_OPEN_IF, 0, 0, &f, &action),
                     STATUS_OBJECT_NAME_INVALID);
    }
    CHECK_STATUS(fat_create(img.vol, W(""), 0, FILE_OPEN, 0, 0, &f, &action), STATUS_SUCCESS);
    CHECK_STATUS(fat_delete(f), STATUS_CANNOT_DELETE);
    fat_close(f);
    /* Times and attributes. */
    w = W("exists.txt");
    CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_OPEN, 0, 0, &f, &action), STATUS_SUCCESS);
    int64_t t = 130000000000000000LL; /* 2012-12-15 */
    CHECK_STATUS(fat_set_basic_info(f, t, t, t + 20000000, FILE_ATTRIBUTE_HIDDEN), STATUS_SUCCESS);
    fat_close(f);
    CHECK_STATUS(fat_create(img.vol, w, wlen(w), FILE_OPEN, 0, 0, &f, &action), STATUS_SUCCESS);
    fat_query_info(f, &info);
    CHECK(info.creation_time == t - t % 100000 &&
              info.last_write_time == t + 20000000 - t % 20000000 &&
              info.last_access_time == t - t % 864000000000LL &&
              info.attributes == FILE_ATTRIBUTE_HIDDEN,
          "times %lld %lld %lld attr %x", (long long)info.creation_time,
          (long long)info.last_write_time, (long long)info.last_access_time, info.attributes);
    CHECK_STATUS(fat_unmount(img.vol), STATUS_INVALID_PARAMETER); /* a file is open */
    fat_close(f);
    TRY(unmount_image(&img));
    return fsck(&img);
}

static const char *test_disk_full(const char *opts, unsigned kib, uint32_t chunk_size)
{
    struct image img;
    NTSTATUS s;
    TRY(make_image(&img, "full", kib, opts));
    TRY(mount_image(&img));
    struct fat_volume_info before, after;
    CHECK_STATUS(fat_query_volume(img.vol, &before), STATUS_SUCCESS);
    TRY(lib_put(img.vol, "keep.bin", 50000, 4));
    struct fat_file *f = open_path(img.vol, "filler.bin", FILE_CREATE, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    uint8_t *chunk = calloc(1, chunk_size);
    uint32_t done;
    uint64_t pos = 0;
    while ((s = fat_write(f, pos, chunk, chunk_size, &done)) == STATUS_SUCCESS)
        pos += done;
    free(chunk);
    CHECK_STATUS(s, STATUS_DISK_FULL);
    CHECK(done == 0, "done %u after DISK_FULL", done);
    struct fat_file_info info;
    fat_query_info(f, &info);
    CHECK(info.size == pos, "size %llu after a failed write at %llu", (unsigned long long)info.size,
          (unsigned long long)pos);
    CHECK_STATUS(fat_set_end_of_file(f, 100u << 20), STATUS_DISK_FULL);
    CHECK_STATUS(fat_query_volume(img.vol, &after), STATUS_SUCCESS);
    CHECK(after.free_clusters < chunk_size / after.cluster_size + 1,
          "%u clusters free after DISK_FULL", after.free_clusters);
    /* Freeing it all gives every cluster back. */
    uint32_t keep = (50000 + after.cluster_size - 1) / after.cluster_size;
    CHECK_STATUS(fat_set_end_of_file(f, 0), STATUS_SUCCESS);
    CHECK_STATUS(fat_query_volume(img.vol, &after), STATUS_SUCCESS);
    CHECK(after.free_clusters == before.free_clusters - keep, "free %u, %u before",
          after.free_clusters, before.free_clusters);
    CHECK_STATUS(fat_set_end_of_file(f, pos), STATUS_SUCCESS); /* and fill it again */
    fat_close(f);
    /* A directory that cannot grow. */
    f = open_path(img.vol, "newdir", FILE_CREATE, FILE_DIRECTORY_FILE, &s);
    if (NT_SUCCESS(s))
        fat_close(f);
    else
        CHECK_STATUS(s, STATUS_DISK_FULL);
    TRY(unmount_image(&img));
    TRY(fsck(&img));
    return mtools_compare(&img, "/keep.bin", 50000, 4);
}

/* Writes bytes into the image file at offset. */
static void poke(const char *path, long offset, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "r+b");
    fseek(f, offset, SEEK_SET);
    fwrite(bytes, 1, n, f);
    fclose(f);
}

static const char *expect_mount(struct image *img, NTSTATUS want)
{
    CHECK(dev_open(&img->dev, img->path), "open");
    struct fat_volume *vol = NULL;
    NTSTATUS s = fat_mount(&img->dev.dev, &vol);
    if (NT_SUCCESS(s))
        fat_unmount(vol);
    close(img->dev.fd);
    CHECK(s == want, "mount: 0x%08X, expected 0x%08X", (unsigned)s, (unsigned)want);
    return NULL;
}

static const char *test_bad_bpb(void)
{
    struct image img;
    struct {
        long offset;
        uint8_t bytes[4];
        size_t n;
        NTSTATUS want;
    } cases[] = {
        {11, {0x2C, 0x01}, 2, STATUS_UNRECOGNIZED_VOLUME}, /* 300 bytes per sector */
        {11, {0x00, 0x20}, 2, STATUS_UNRECOGNIZED_VOLUME}, /* 8192 */
        {13, {0}, 1, STATUS_UNRECOGNIZED_VOLUME}, /* 0 sectors per cluster */
        {13, {3}, 1, STATUS_UNRECOGNIZED_VOLUME}, /* 3 */
        {16, {0}, 1, STATUS_UNRECOGNIZED_VOLUME}, /* no FAT */
        {0, {0}, 1, STATUS_UNRECOGNIZED_VOLUME}, /* no jump */
        {19, {0xFF, 0xFF}, 2, STATUS_DISK_CORRUPT_ERROR}, /* more sectors than the device */
        {22, {0xFF, 0x7F}, 2, STATUS_DISK_CORRUPT_ERROR}, /* FATs past the end */
        {22, {0x01, 0x00}, 2, STATUS_DISK_CORRUPT_ERROR}, /* FAT too small for the clusters */
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        TRY(make_image(&img, "bpb", 1440, ""));
        poke(img.path, cases[i].offset, cases[i].bytes, cases[i].n);
        TRY(expect_mount(&img, cases[i].want));
    }
    TRY(make_image(&img, "bpb32", 65536, "-F 32"));
    uint8_t root[4] = {0xFF, 0xFF, 0xFF, 0x00};
    poke(img.path, 44, root, 4);
    TRY(expect_mount(&img, STATUS_DISK_CORRUPT_ERROR));
    /* A device too small to hold the boot sector's volume. */
    TRY(make_image(&img, "bpbtrunc", 1440, ""));
    CHECK(truncate(img.path, 512 * 100) == 0, "truncate");
    TRY(expect_mount(&img, STATUS_DISK_CORRUPT_ERROR));
    TRY(make_image(&img, "empty", 1440, ""));
    CHECK(truncate(img.path, 0) == 0, "truncate");
    return expect_mount(&img, STATUS_UNRECOGNIZED_VOLUME);
}

/* FAT16 image layout numbers for the corruption cases. */
struct layout {
    uint32_t bps, spc, reserved, fats, fat_size, root_entries;
};
static struct layout read_layout(const char *path)
{
    uint8_t bs[64];
    FILE *f = fopen(path, "rb");
    size_t n = fread(bs, 1, sizeof bs, f);
    fclose(f);
    struct layout l = {0};
    if (n == sizeof bs) {
        l.bps = bs[11] | bs[12] << 8;
        l.spc = bs[13];
        l.reserved = bs[14] | bs[15] << 8;
        l.fats = bs[16];
        l.root_entries = bs[17] | bs[18] << 8;
        l.fat_size = bs[22] | bs[23] << 8;
    }
    return l;
}

static void poke_fat16(const char *path, const struct layout *l, uint32_t cluster, uint16_t value)
{
    uint8_t v[2] = {(uint8_t)value, (uint8_t)(value >> 8)};
    for (uint32_t i = 0; i < l->fats; i++)
        poke(path, (long)((l->reserved + i * l->fat_size) * l->bps + cluster * 2), v, 2);
}

/* The offset in the image of the first root entry with attribute attr (the label is one too). */
static long find_root_entry(const char *path, const struct layout *l, uint8_t attr)
{
    long root = (long)((l->reserved + l->fats * l->fat_size) * l->bps);
    uint8_t e[32];
    FILE *f = fopen(path, "rb");
    for (uint32_t i = 0; i < l->root_entries; i++) {
        fseek(f, root + (long)i * 32, SEEK_SET);
        if (fread(e, 1, 32, f) != 32 || e[0] == 0)
            break;
        if (e[0] != 0xE5 && e[11] == attr) {
            fclose(f);
            return root + (long)i * 32;
        }
    }
    fclose(f);
    return -1;
}

static uint32_t entry_cluster_at(const char *path, long offset)
{
    uint8_t e[32];
    FILE *f = fopen(path, "rb");
    fseek(f, offset, SEEK_SET);
    size_t n = fread(e, 1, 32, f);
    fclose(f);
    return n == 32 ? (uint32_t)(e[26] | e[27] << 8) : 0;
}

static const char *expect_read(struct image *img, const char *path, NTSTATUS want)
{
    TRY(mount_image(img));
    NTSTATUS s;
    struct fat_file *f = open_path(img->vol, path, FILE_OPEN, 0, &s);
    if (NT_SUCCESS(s)) { /* a broken chain is found when opening or when reading */
        static uint8_t buf[200000];
        uint32_t done;
        s = fat_read(f, 0, buf, sizeof buf, &done);
        fat_close(f);
    }
    TRY(unmount_image(img));
    CHECK(s == want, "read %s: 0x%08X, expected 0x%08X", path, (unsigned)s, (unsigned)want);
    return NULL;
}

static const char *test_corrupt_chains(void)
{
    struct image img;
    TRY(make_image(&img, "chain", 32768, "-F 16"));
    TRY(mtools_put(&img, "/victim.bin", 100000, 1));
    struct layout l = read_layout(img.path);
    CHECK(l.fat_size != 0, "layout");
    long entry = find_root_entry(img.path, &l, 0x20);
    uint32_t c = entry_cluster_at(img.path, entry);
    CHECK(entry > 0 && c >= 2, "no victim entry");
    TRY(expect_read(&img, "victim.bin", STATUS_SUCCESS));
    poke_fat16(img.path, &l, c + 1, (uint16_t)c); /* c -> c+1 -> c ... a loop */
    TRY(expect_read(&img, "victim.bin", STATUS_FILE_CORRUPT_ERROR));
    poke_fat16(img.path, &l, c + 1, 0xFFF0); /* a link past the volume */
    TRY(expect_read(&img, "victim.bin", STATUS_FILE_CORRUPT_ERROR));
    poke_fat16(img.path, &l, c + 1, 0); /* a link to a free cluster */
    TRY(expect_read(&img, "victim.bin", STATUS_FILE_CORRUPT_ERROR));
    /* A first cluster past the volume. */
    uint8_t big[2] = {0xF0, 0xFF};
    poke(img.path, entry + 26, big, 2);
    TRY(mount_image(&img));
    NTSTATUS s;
    open_path(img.vol, "victim.bin", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_FILE_CORRUPT_ERROR);
    TRY(unmount_image(&img));
    /* Deleting a file whose chain loops must end, not hang. */
    TRY(make_image(&img, "chain2", 32768, "-F 16"));
    TRY(mtools_put(&img, "/loop.bin", 100000, 1));
    c = entry_cluster_at(img.path, find_root_entry(img.path, &l, 0x20));
    poke_fat16(img.path, &l, c + 2, (uint16_t)c);
    TRY(mount_image(&img));
    struct fat_file *f = open_path(img.vol, "loop.bin", FILE_OPEN, 0, &s);
    if (NT_SUCCESS(s)) {
        s = fat_delete(f);
        fat_close(f);
    }
    CHECK(s == STATUS_FILE_CORRUPT_ERROR, "delete of a loop: 0x%08X", (unsigned)s);
    return unmount_image(&img);
}

static const char *test_corrupt_dirs(void)
{
    struct image img;
    NTSTATUS s;
    /* A full FAT12 root with no end marker: a lookup stops at the root's end. */
    TRY(make_image(&img, "rootfull", 1440, "-r 16"));
    struct layout l = read_layout(img.path);
    long root = (long)((l.reserved + l.fats * l.fat_size) * l.bps);
    uint8_t e[32];
    for (uint32_t i = 0; i < l.root_entries; i++) {
        memset(e, 0, sizeof e);
        snprintf((char *)e, 12, "F%07u", i);
        memcpy(e + 8, "TXT", 3);
        e[11] = 0x20;
        poke(img.path, root + (long)i * 32, e, 32);
    }
    TRY(mount_image(&img));
    open_path(img.vol, "nothere.txt", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_OBJECT_NAME_NOT_FOUND);
    open_path(img.vol, "nothere.txt", FILE_CREATE, 0, &s);
    CHECK_STATUS(s, STATUS_DISK_FULL);
    TRY(unmount_image(&img));
    /* A subdirectory whose chain leaves the volume, and long names with a bad checksum/ordinal. */
    TRY(make_image(&img, "dirs", 32768, "-F 16"));
    sh("MTOOLS_SKIP_CHECK=1 mmd -i %s '::/A Long Directory Name'", img.path);
    TRY(mtools_put(&img, "/A Long Directory Name/x.txt", 10, 1));
    l = read_layout(img.path);
    long lfn = find_root_entry(img.path, &l, 0x0F);
    uint32_t dir_cluster = entry_cluster_at(img.path, find_root_entry(img.path, &l, 0x10));
    CHECK(lfn > 0 && dir_cluster >= 2, "no long-name entry or directory");
    uint8_t first[32];
    FILE *f = fopen(img.path, "rb");
    fseek(f, lfn, SEEK_SET);
    CHECK(fread(first, 1, 32, f) == 32, "read root");
    fclose(f);
    long dir_entry = find_root_entry(img.path, &l, 0x10);
    uint8_t out_of_range[2] = {0xF0, 0xFF},
            orig[2] = {(uint8_t)dir_cluster, (uint8_t)(dir_cluster >> 8)};
    poke(img.path, dir_entry + 26, out_of_range, 2); /* the directory starts past the volume */
    TRY(mount_image(&img));
    open_path(img.vol, "A Long Directory Name\\nothing", FILE_OPEN, 0, &s);
    CHECK(s == STATUS_FILE_CORRUPT_ERROR, "lookup in a broken directory: 0x%08X", (unsigned)s);
    TRY(unmount_image(&img));
    poke(img.path, dir_entry + 26, orig, 2);
    /* Zeros instead of 0xFFFF after the terminator: accepted, as other implementations do. */
    static const uint8_t zero2[2] = {0, 0};
    static const int padding[] = {22, 24, 28, 30};
    for (size_t i = 0; i < ARRAY_SIZE(padding); i++)
        poke(img.path, lfn + padding[i], zero2, 2);
    TRY(mount_image(&img));
    struct fat_file *d = open_path(img.vol, "a long directory name", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    fat_close(d);
    TRY(unmount_image(&img));
    uint8_t bad_sum = (uint8_t)(first[13] + 1);
    poke(img.path, lfn + 13, &bad_sum, 1);
    TRY(mount_image(&img));
    open_path(img.vol, "A Long Directory Name", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_OBJECT_NAME_NOT_FOUND); /* the long name is ignored ... */
    d = open_path(img.vol, "ALONGD~1", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS); /* ... the short name still works */
    fat_close(d);
    return unmount_image(&img);
}

/* The metadata regions of an image: boot sector and FSInfo, the start of each FAT, the start of the
 * root directory and of the data area. */
static int metadata_regions(const char *path, long starts[8], long lens[8])
{
    uint8_t bs[64];
    FILE *f = fopen(path, "rb");
    size_t got = fread(bs, 1, sizeof bs, f);
    fclose(f);
    if (got != sizeof bs)
        return 0;
    long bps = bs[11] | bs[12] << 8, reserved = bs[14] | bs[15] << 8, fats = bs[16];
    long root_entries = bs[17] | bs[18] << 8;
    long fat_size = bs[22] | bs[23] << 8;
    if (!fat_size)
        fat_size = (long)(bs[36] | bs[37] << 8 | bs[38] << 16 | (uint32_t)bs[39] << 24);
    long root = (reserved + fats * fat_size) * bps;
    int n = 0;
    starts[n] = 0, lens[n++] = 3 * bps;
    for (long i = 0; i < fats && n < 6; i++)
        starts[n] = (reserved + i * fat_size) * bps, lens[n++] = 2 * bps;
    starts[n] = root, lens[n++] = root_entries * 32 + 8 * bps;
    return n;
}

/* Random bytes over the metadata of an image, then every operation: whatever happens, no crash
 * and no hang (the sanitizers and the harness's timeout watch). */
static const char *fuzz_kind(const struct kind *k, unsigned seed)
{
    struct image img;
    char base[160];
    long starts[8], lens[8];
    TRY(make_image(&img, "fuzzbase", k->kib, k->opts));
    sh("MTOOLS_SKIP_CHECK=1 mmd -i %s ::/Dir ::/Dir/Sub", img.path);
    TRY(mtools_put(&img, "/Dir/Some File.txt", 3000, 1));
    TRY(mtools_put(&img, "/Dir/Sub/Other Long Name.bin", 9000, 2));
    snprintf(base, sizeof base, "%s", img.path);
    int regions = metadata_regions(base, starts, lens);
    CHECK(regions > 0, "no layout");
    snprintf(img.path, sizeof img.path, "%s/fuzz.img", tmpdir);
    srand(seed);
    for (int round = 0; round < 40; round++) {
        CHECK(sh("cp %s %s", base, img.path) == 0, "cp");
        for (int i = 0; i < 12; i++) {
            int r = rand() % regions;
            uint8_t b = (uint8_t)rand();
            poke(img.path, starts[r] + rand() % lens[r], &b, 1);
        }
        CHECK(dev_open(&img.dev, img.path), "open");
        if (!NT_SUCCESS(fat_mount(&img.dev.dev, &img.vol))) {
            close(img.dev.fd);
            continue;
        }
        static const char *const paths[] = {"Dir\\Some File.txt", "DIR\\SUB", "new.txt",
                                            "Dir\\Sub\\Other Long Name.bin", "Dir\\Sub\\new2"};
        for (size_t p = 0; p < ARRAY_SIZE(paths); p++) {
            NTSTATUS s;
            struct fat_file *f = open_path(img.vol, paths[p], FILE_OPEN_IF, 0, &s);
            if (!NT_SUCCESS(s))
                continue;
            static uint8_t buf[12000];
            uint32_t done, cursor = 0;
            struct fat_dirent de;
            struct fat_file_info info;
            fat_read(f, 0, buf, sizeof buf, &done);
            fat_write(f, 100, buf, 5000, &done);
            fat_set_end_of_file(f, 700);
            fat_query_info(f, &info);
            while (fat_enum_dir(f, &cursor, &de) == STATUS_SUCCESS)
                ;
            const WCHAR *w = W("Dir\\Renamed");
            fat_rename(f, w, wlen(w), FAT_REPLACE_YES);
            if (p % 2)
                fat_delete(f);
            fat_close(f);
        }
        struct fat_volume_info vinfo;
        fat_query_volume(img.vol, &vinfo);
        fat_unmount(img.vol);
        close(img.dev.fd);
    }
    return NULL;
}

/* After the out-of-memory rounds the rename happened exactly once. */
static const char *lib_check_moved(struct image *img)
{
    TRY(mount_image(img));
    TRY(lib_compare(img->vol, "New Directory\\Moved Long Name.txt", 3000, 1));
    NTSTATUS s;
    open_path(img->vol, "Existing Long Name.txt", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_OBJECT_NAME_NOT_FOUND);
    return unmount_image(img);
}

/* Every allocation of a scenario fails in turn: the statuses say so, nothing leaks (LeakSanitizer)
 * and the volume stays consistent. */
static const char *test_out_of_memory(void)
{
    struct image img;
    TRY(make_image(&img, "oom", 1440, ""));
    TRY(mtools_put(&img, "/Existing Long Name.txt", 3000, 1));
    for (long budget = 0; budget < 60; budget++) {
        CHECK(dev_open(&img.dev, img.path), "open");
        alloc_budget = budget;
        NTSTATUS s = fat_mount(&img.dev.dev, &img.vol);
        if (!NT_SUCCESS(s)) {
            alloc_budget = -1;
            close(img.dev.fd);
            CHECK_STATUS(s, STATUS_NO_MEMORY);
            continue;
        }
        static const char *const dirs[] = {"New Directory", "New Directory\\Inner"};
        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
            struct fat_file *d = open_path(img.vol, dirs[i], FILE_OPEN_IF, FILE_DIRECTORY_FILE, &s);
            if (NT_SUCCESS(s))
                fat_close(d);
        }
        struct fat_file *f = open_path(img.vol, "existing long name.TXT", FILE_OPEN, 0, &s);
        if (NT_SUCCESS(s)) {
            const WCHAR *w = W("New Directory\\Moved Long Name.txt");
            fat_rename(f, w, wlen(w), FAT_REPLACE_YES);
            struct fat_dirent *de = malloc(sizeof *de);
            uint32_t cursor = 0;
            struct fat_file *root = open_path(img.vol, "", FILE_OPEN, 0, &s);
            if (NT_SUCCESS(s)) {
                while (fat_enum_dir(root, &cursor, de) == STATUS_SUCCESS)
                    ;
                fat_close(root);
            }
            free(de);
            fat_close(f);
        }
        alloc_budget = -1;
        TRY(unmount_image(&img));
        TRY(fsck(&img));
    }
    return lib_check_moved(&img);
}

/* The device fails from the n-th request on, for each n: every call returns (the device's status
 * or another error), nothing leaks, nothing crashes. */
static const char *test_device_errors(void)
{
    struct image img;
    TRY(make_image(&img, "ioerr", 1440, ""));
    TRY(mtools_put(&img, "/Existing Long Name.txt", 3000, 1));
    char base[160];
    snprintf(base, sizeof base, "%s", img.path);
    snprintf(img.path, sizeof img.path, "%s/ioerr-copy.img", tmpdir);
    for (long budget = 0; budget < 80; budget++) {
        CHECK(sh("cp %s %s", base, img.path) == 0, "cp");
        CHECK(dev_open(&img.dev, img.path), "open");
        io_budget = budget;
        NTSTATUS s = fat_mount(&img.dev.dev, &img.vol);
        if (NT_SUCCESS(s)) {
            struct fat_file *d = open_path(img.vol, "Dir", FILE_OPEN_IF, FILE_DIRECTORY_FILE, &s);
            if (NT_SUCCESS(s))
                fat_close(d);
            struct fat_file *f = open_path(img.vol, "existing long name.txt", FILE_OPEN, 0, &s);
            if (NT_SUCCESS(s)) {
                static uint8_t buf[8000];
                uint32_t done;
                fat_read(f, 0, buf, sizeof buf, &done);
                fat_write(f, 2000, buf, sizeof buf, &done);
                const WCHAR *w = W("Dir\\Moved.txt");
                fat_rename(f, w, wlen(w), FAT_REPLACE_NO);
                fat_close(f);
            }
            fat_unmount(img.vol);
        } else {
            CHECK_STATUS(s, STATUS_DEVICE_DATA_ERROR);
        }
        io_budget = -1;
        close(img.dev.fd);
    }
    return NULL;
}

static void report(const char *name, const char *error)
{
    if (error) {
        printf("FAIL host.fat_%s: %s\n", name, error);
        failed++;
    } else {
        printf("ok host.fat_%s\n", name);
    }
    fflush(stdout);
}

int main(void)
{
    char name[64];
    strcpy(tmpdir, "/tmp/pagoda-fat.XXXXXX");
    if (!mkdtemp(tmpdir) || sh("command -v mkfs.fat mcopy fsck.fat >/dev/null") != 0) {
        printf("FAIL host.fat_setup: needs a temporary directory, dosfstools and mtools\n");
        return 1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        snprintf(name, sizeof name, "mount_%s", kinds[i].name);
        report(name, test_mount(&kinds[i]));
        snprintf(name, sizeof name, "read_mtools_%s", kinds[i].name);
        report(name, test_read_mtools(&kinds[i]));
        snprintf(name, sizeof name, "write_%s", kinds[i].name);
        report(name, test_write(&kinds[i]));
        snprintf(name, sizeof name, "rename_delete_%s", kinds[i].name);
        report(name, test_rename_delete(&kinds[i]));
    }
    report("many_files_fat16", test_many_files(&kinds[1]));
    report("many_files_fat32", test_many_files(&kinds[2]));
    report("dispositions", test_dispositions());
    report("disk_full_fat12", test_disk_full("", 360, 40000));
    report("disk_full_fat32", test_disk_full("-F 32 -s 1", 36864, 1u << 20));
    report("out_of_memory", test_out_of_memory());
    report("device_errors", test_device_errors());
    report("bad_bpb", test_bad_bpb());
    report("corrupt_chains", test_corrupt_chains());
    report("corrupt_dirs", test_corrupt_dirs());
    report("fuzz_fat12", fuzz_kind(&kinds[0], 1));
    report("fuzz_fat16", fuzz_kind(&kinds[1], 2));
    report("fuzz_fat32", fuzz_kind(&kinds[2], 3));
    sh("rm -rf %s", tmpdir);
    return failed ? 1 : 0;
}
