/* tests/user/persist.c: leaves two files on C: for the host to check after the run (tests/run's
 * diskcheck entry compares them byte for byte with mtools and runs fsck.fat -n on the volume):
 * \Tests\Persist Pattern.bin, 100,000 bytes of (i * 13 + 7) & 255 written in uneven pieces, and
 * \Tests\Persist Text File.txt. */
#include "user/rt/rt.h"

#define PATTERN_SIZE 100000u

static HANDLE create(const char *path)
{
    struct rt_name n;
    IO_STATUS_BLOCK iosb;
    HANDLE h = NULL;
    CHECK_STATUS(NtCreateFile(&h, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, rt_named(&n, path, 0),
                              &iosb, NULL, 0, 0, FILE_OVERWRITE_IF,
                              FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, NULL, 0),
                 STATUS_SUCCESS);
    return h;
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    static uint8_t pattern[PATTERN_SIZE];
    IO_STATUS_BLOCK iosb;
    for (uint32_t i = 0; i < PATTERN_SIZE; i++)
        pattern[i] = (uint8_t)((i * 13 + 7) & 255);
    HANDLE h = create("\\??\\C:\\Tests\\Persist Pattern.bin");
    for (uint32_t at = 0, piece = 1; at < PATTERN_SIZE; at += piece, piece = piece * 3 + 1) {
        uint32_t n = at + piece > PATTERN_SIZE ? PATTERN_SIZE - at : piece;
        CHECK_STATUS(NtWriteFile(h, NULL, NULL, NULL, &iosb, pattern + at, n, NULL, NULL),
                     STATUS_SUCCESS);
        CHECK_EQ(iosb.Information, n);
    }
    CHECK_STATUS(NtFlushBuffersFile(h, &iosb), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
    static const char text[] = "Written by Pagoda through NtWriteFile.\r\n";
    h = create("\\??\\C:\\Tests\\Persist Text File.txt");
    CHECK_STATUS(NtWriteFile(h, NULL, NULL, NULL, &iosb, text, sizeof text - 1, NULL, NULL),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
    return (int)rt_failures;
}
