/* tests/host/fat_host.c: the FAT host tests' environment and helpers (tests/host/fat_host.h): the
 * library's allocator and clock, the file-backed disk, images, mtools and library comparisons. */
#include "tests/host/fat_host.h"

/* ---- what the library takes from its environment ---- */
long alloc_budget = -1;
void *fat_alloc(size_t size)
{
    if (alloc_budget == 0)
        return NULL;
    if (alloc_budget > 0)
        alloc_budget--;
    return malloc(size);
}
void fat_free(void *p) { free(p); }
int64_t fat_now(void) { return FIXED_TIME; }

/* ---- a file standing in for the disk ---- */

long io_budget = -1;
long io_reads, io_writes;
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
    io_reads++;
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
    io_writes++;
    if (io_fails())
        return STATUS_DEVICE_DATA_ERROR;
    if (lba > dev->sector_count || count > dev->sector_count - lba)
        return STATUS_INVALID_PARAMETER;
    size_t n = (size_t)count * IO_SECTOR_SIZE;
    return pwrite(f->fd, buf, n, (off_t)(lba * IO_SECTOR_SIZE)) == (ssize_t)n
               ? STATUS_SUCCESS
               : STATUS_DEVICE_DATA_ERROR;
}

bool dev_open(struct file_dev *f, const char *path)
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
char tmpdir[64];
char message[512];

int sh(const char *fmt, ...)
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
const WCHAR *W(const char *s)
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

size_t wlen(const WCHAR *w)
{
    size_t n = 0;
    while (w[n])
        n++;
    return n;
}

uint8_t pattern(size_t i, unsigned seed) { return (uint8_t)(i * 31 + (i >> 9) + seed); }

void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = pattern(i, seed);
}

/* Makes an image of kib KiB with mkfs.fat options. */
const char *make_image(struct image *img, const char *name, unsigned kib, const char *opts)
{
    snprintf(img->path, sizeof img->path, "%s/%s.img", tmpdir, name);
    unlink(img->path);
    CHECK(sh("mkfs.fat -C %s %s %s %u >/dev/null 2>&1", opts, "-n TEST", img->path, kib) == 0,
          "mkfs.fat %s failed", opts);
    return NULL;
}

const char *mount_image(struct image *img)
{
    CHECK(dev_open(&img->dev, img->path), "cannot open %s", img->path);
    NTSTATUS s = fat_mount(&img->dev.dev, &img->vol);
    CHECK(NT_SUCCESS(s), "fat_mount(%s): 0x%08X", img->path, (unsigned)s);
    return NULL;
}

const char *unmount_image(struct image *img)
{
    NTSTATUS s = fat_unmount(img->vol);
    close(img->dev.fd);
    CHECK(NT_SUCCESS(s), "fat_unmount: 0x%08X", (unsigned)s);
    return NULL;
}

const char *fsck(struct image *img)
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
const char *mtools_compare(struct image *img, const char *path, size_t size, unsigned seed)
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
const char *mtools_put(struct image *img, const char *path, size_t size, unsigned seed)
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

struct fat_file *open_path(struct fat_volume *vol, const char *path, uint32_t disp,
                           uint32_t options, NTSTATUS *status)
{
    struct fat_file *f = NULL;
    const WCHAR *w = W(path);
    *status = fat_create(vol, w, wlen(w), disp, options, 0, &f, NULL);
    return f;
}

/* Reads the whole file through the library and compares with the pattern. */
const char *lib_compare(struct fat_volume *vol, const char *path, size_t size, unsigned seed)
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
const char *lib_put(struct fat_volume *vol, const char *path, size_t size, unsigned seed)
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

const struct kind kinds[] = {
    {"fat12", "", 1440, FAT_TYPE_12, false},
    {"fat16", "-F 16", 32768, FAT_TYPE_16, true},
    {"fat32", "-F 32", 65536, FAT_TYPE_32, true},
    {"fat16_4k_sectors", "-F 16 -S 4096 -s 1", 65536, FAT_TYPE_16, true},
};
const size_t sizes[] = {0, 1, 511, 512, 513, 4096, 3u << 20};
