/* tests/host/fat_corruption.c: the FAT library on damaged images and failing resources: bad boot
 * sectors, looping and out-of-range chains, broken directories, fuzzed metadata, allocations and
 * device requests that fail. Each case returns NULL or a message (tests/host/test_fat.c
 * reports). */
#include "tests/host/fat_host.h"

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

const char *test_bad_bpb(void)
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

const char *test_corrupt_chains(void)
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

const char *test_corrupt_dirs(void)
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
const char *fuzz_kind(const struct kind *k, unsigned seed)
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
const char *test_out_of_memory(void)
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
const char *test_device_errors(void)
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
