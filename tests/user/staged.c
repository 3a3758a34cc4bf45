/* tests/user/staged.c: reads, through NtCreateFile and NtReadFile, the files tools/mkdisk.sh put on
 * the disk image: \Tests\Sizes\size-N.bin for N = 0, 1, 511, 512, 513, 4096 and 3 MiB (byte i is
 * (i * 31 + N) & 255), a long name with spaces opened in another case, and a file three directories
 * down. Exit status: failed checks. */
#include "kernel/rtl/format.h"
#include "user/rt/rt.h"

static IO_STATUS_BLOCK iosb;
static uint8_t chunk[65536];

static HANDLE open_file(const char *path)
{
    struct rt_name n;
    HANDLE h = NULL;
    CHECK_STATUS(NtCreateFile(&h, GENERIC_READ | SYNCHRONIZE, rt_named(&n, path, 0), &iosb, NULL, 0,
                              0, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE,
                              NULL, 0),
                 STATUS_SUCCESS);
    return h;
}

static void check_size_file(uint32_t size)
{
    char path[64];
    rtl_snprintf(path, sizeof path, "\\??\\C:\\Tests\\Sizes\\size-%u.bin", size);
    HANDLE h = open_file(path);
    if (!h)
        return;
    FILE_STANDARD_INFORMATION info;
    CHECK_STATUS(NtQueryInformationFile(h, &iosb, &info, sizeof info, FileStandardInformation),
                 STATUS_SUCCESS);
    CHECK_EQ(info.EndOfFile, size);
    uint32_t total = 0, bad = 0;
    for (;;) {
        NTSTATUS status = NtReadFile(h, NULL, NULL, NULL, &iosb, chunk, sizeof chunk, NULL, NULL);
        if (status == STATUS_END_OF_FILE)
            break;
        if (!CHECK_STATUS(status, STATUS_SUCCESS) || iosb.Information == 0)
            break;
        for (uint32_t i = 0; i < iosb.Information; i++)
            bad += chunk[i] != (uint8_t)(((total + i) * 31 + size) & 255);
        total += (uint32_t)iosb.Information;
    }
    CHECK_EQ(total, size);
    CHECK_EQ(bad, 0);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
}

static void check_text(const char *path, const char *expected)
{
    HANDLE h = open_file(path);
    if (!h)
        return;
    LARGE_INTEGER_QUAD zero = 0;
    memset(chunk, 0, 128);
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &iosb, chunk, 128, &zero, NULL), STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, strlen(expected));
    CHECK(!memcmp(chunk, expected, strlen(expected)));
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    static const uint32_t sizes[] = {0, 1, 511, 512, 513, 4096, 3u << 20};
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
        check_size_file(sizes[i]);
    check_text("\\??\\C:\\TESTS\\a long name with spaces and mixedcase.TXT",
               "A file with a long name.\r\n");
    check_text("\\??\\c:\\Tests\\Nested\\Deeper\\Deepest\\leaf.txt", "Three directories down.\r\n");
    return (int)rt_failures;
}
