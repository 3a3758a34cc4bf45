/* tests/host/test_fat.c: the FAT library (kernel/fs/fat/) on image files made by mkfs.fat, checked
 * against mtools and fsck.fat, under the sanitizers. One "ok"/"FAIL" line a case. */
#include "tests/host/fat_host.h"

static int failed;

/* ---- the cases ---- */

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

/* Issue 12, defect 5 (reproduction A): two opens of one file are one object, so truncating through
 * one and writing through the other cannot write through freed clusters or store a stale size. */
static const char *two_opens_truncate(struct fat_volume *vol)
{
    NTSTATUS s;
    uint8_t buf[8192];
    uint32_t done;
    struct fat_file *a = open_path(vol, "shared.bin", FILE_CREATE, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    fill(buf, sizeof buf, 21);
    CHECK_STATUS(fat_write(a, 0, buf, sizeof buf, &done), STATUS_SUCCESS);
    struct fat_file *b = open_path(vol, "SHARED.BIN", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    bool same = a == b;
    CHECK_STATUS(fat_set_end_of_file(a, 0), STATUS_SUCCESS);
    CHECK_STATUS(fat_write(b, 0, buf, 100, &done), STATUS_SUCCESS);
    fat_close(b);
    fat_close(a);
    TRY(lib_compare(vol, "shared.bin", 100, 21));
    CHECK(same, "two opens of one file gave two objects");
    return NULL;
}

/* Reproduction B: a file deleted through one open stays deleted when the other writes and closes,
 * and a file created meanwhile (on its entry and clusters) survives. */
static const char *two_opens_delete(struct fat_volume *vol)
{
    NTSTATUS s;
    uint8_t buf[100] = {0};
    uint32_t done;
    TRY(lib_put(vol, "doomed.bin", 3000, 22));
    struct fat_file *a = open_path(vol, "doomed.bin", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    struct fat_file *b = open_path(vol, "doomed.bin", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    CHECK_STATUS(fat_delete(a), STATUS_SUCCESS);
    fat_close(a);
    TRY(lib_put(vol, "newcomer.bin", 3000, 23));
    CHECK_STATUS(fat_write(b, 0, buf, sizeof buf, &done), STATUS_FILE_DELETED);
    fat_close(b);
    open_path(vol, "doomed.bin", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_OBJECT_NAME_NOT_FOUND);
    return lib_compare(vol, "newcomer.bin", 3000, 23);
}

/* NT's rules for renames around open files: an open target cannot be replaced, a directory with an
 * open file below it cannot be renamed (both STATUS_ACCESS_DENIED). */
static const char *renames_around_opens(struct fat_volume *vol)
{
    NTSTATUS s;
    struct fat_file *dir = open_path(vol, "Holder", FILE_CREATE, FILE_DIRECTORY_FILE, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    TRY(lib_put(vol, "Holder\\inside.txt", 10, 24));
    TRY(lib_put(vol, "other.txt", 10, 25));
    struct fat_file *inside = open_path(vol, "holder\\INSIDE.TXT", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    struct fat_file *other = open_path(vol, "other.txt", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    const WCHAR *w = W("Renamed Holder");
    CHECK_STATUS(fat_rename(dir, w, wlen(w), FAT_REPLACE_NO), STATUS_ACCESS_DENIED);
    w = W("Holder\\inside.txt");
    CHECK_STATUS(fat_rename(other, w, wlen(w), FAT_REPLACE_YES), STATUS_ACCESS_DENIED);
    fat_close(inside);
    CHECK_STATUS(fat_rename(other, w, wlen(w), FAT_REPLACE_YES), STATUS_SUCCESS);
    w = W("Renamed Holder");
    CHECK_STATUS(fat_rename(dir, w, wlen(w), FAT_REPLACE_NO), STATUS_ACCESS_DENIED);
    fat_close(other);
    CHECK_STATUS(fat_rename(dir, w, wlen(w), FAT_REPLACE_NO), STATUS_SUCCESS);
    struct fat_file *again = open_path(vol, "Renamed Holder", FILE_OPEN, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    CHECK(again == dir, "the renamed directory opened as another object");
    fat_close(again);
    fat_close(dir);
    struct fat_file *root = open_path(vol, "", FILE_OPEN, 0, &s), *root2;
    root2 = open_path(vol, "\\", FILE_OPEN, 0, &s);
    CHECK(root && root == root2, "two opens of the root gave two objects");
    fat_close(root2);
    fat_close(root);
    return NULL;
}

static const char *test_two_opens(const struct kind *k)
{
    struct image img;
    TRY(make_image(&img, k->name, k->kib, k->opts));
    TRY(mount_image(&img));
    TRY(two_opens_truncate(img.vol));
    TRY(two_opens_delete(img.vol));
    TRY(renames_around_opens(img.vol));
    TRY(unmount_image(&img));
    TRY(fsck(&img));
    TRY(mtools_compare(&img, "/shared.bin", 100, 21));
    TRY(mtools_compare(&img, "/newcomer.bin", 3000, 23));
    return mtools_compare(&img, "/Renamed Holder/inside.txt", 10, 25);
}

/* Issue 12, defect 7: a write that cannot fit fails before allocating anything (it used to take
 * every free cluster and give them all back), whether the free count must be counted first (FSInfo
 * is only a hint; FAT16 has none) or is known. */
static const char *test_huge_write(const char *opts, unsigned kib)
{
    struct image img;
    struct fat_volume_info before, after;
    NTSTATUS s;
    uint32_t done;
    TRY(make_image(&img, "huge", kib, opts));
    TRY(mount_image(&img));
    CHECK_STATUS(fat_query_volume(img.vol, &before), STATUS_SUCCESS);
    TRY(unmount_image(&img));
    TRY(mount_image(&img)); /* the free count is not known again */
    struct fat_file *f = open_path(img.vol, "huge.bin", FILE_CREATE, 0, &s);
    CHECK_STATUS(s, STATUS_SUCCESS);
    CHECK_STATUS(fat_flush(img.vol), STATUS_SUCCESS);
    long writes = io_writes;
    CHECK_STATUS(fat_write(f, 0xFFFFF000u, "x", 1, &done), STATUS_DISK_FULL);
    CHECK(io_writes == writes, "%ld device writes for a write that cannot fit", io_writes - writes);
    long reads = io_reads;
    CHECK_STATUS(fat_write(f, 0xFFFFF000u, "x", 1, &done), STATUS_DISK_FULL);
    CHECK_STATUS(fat_set_end_of_file(f, 0xFFFFFFFFu), STATUS_DISK_FULL);
    CHECK(io_reads == reads && io_writes == writes,
          "%ld reads and %ld writes once the free count is known", io_reads - reads,
          io_writes - writes);
    CHECK_STATUS(fat_query_volume(img.vol, &after), STATUS_SUCCESS);
    CHECK(after.free_clusters == before.free_clusters, "free %u, %u before", after.free_clusters,
          before.free_clusters);
    struct fat_file_info info;
    CHECK_STATUS(fat_query_info(f, &info), STATUS_SUCCESS);
    CHECK(info.size == 0 && info.allocation_size == 0, "size %llu allocation %llu",
          (unsigned long long)info.size, (unsigned long long)info.allocation_size);
    fat_close(f);
    TRY(unmount_image(&img));
    return fsck(&img);
}

/* Writes bytes into the image file at offset. */

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
        snprintf(name, sizeof name, "two_opens_%s", kinds[i].name);
        report(name, test_two_opens(&kinds[i]));
    }
    report("many_files_fat16", test_many_files(&kinds[1]));
    report("many_files_fat32", test_many_files(&kinds[2]));
    report("dispositions", test_dispositions());
    report("disk_full_fat12", test_disk_full("", 360, 40000));
    report("disk_full_fat32", test_disk_full("-F 32 -s 1", 36864, 1u << 20));
    report("huge_write_fails_at_once_fat16", test_huge_write("-F 16", 32768));
    report("huge_write_fails_at_once_fat32", test_huge_write("-F 32 -s 1", 36864));
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
