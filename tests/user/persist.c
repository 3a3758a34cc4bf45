/* tests/user/persist.c: leaves three files on C: for the host to check after the run (tests/run's
 * diskcheck entry compares them byte for byte with mtools and runs fsck.fat -n on the volume):
 * \Tests\Persist Pattern.bin, 100,000 bytes of (i * 13 + 7) & 255 written in uneven pieces,
 * \Tests\Persist Text File.txt, and \Tests\Persist Mapped.bin, 13,522 bytes of (i * 17 + 11) & 255
 * written through a mapped view (the section extends the empty file), flushed and unmapped.
 * "persist check" is the diskcheck entry's second boot on the same disk: the files must read back,
 * the mapped one through a view (page-ins from the disk) and with NtReadFile. */
#include "user/rt/rt.h"

#define PATTERN_SIZE 100000u
#define MAPPED_SIZE  (3u * PAGE_SIZE + 1234u)
#define PATTERN_PATH "\\??\\C:\\Tests\\Persist Pattern.bin"
#define TEXT_PATH    "\\??\\C:\\Tests\\Persist Text File.txt"
#define MAPPED_PATH  "\\??\\C:\\Tests\\Persist Mapped.bin"

static const char text[] = "Written by Pagoda through NtWriteFile.\r\n";
static IO_STATUS_BLOCK iosb;

static uint8_t pattern_byte(uint32_t i) { return (uint8_t)((i * 13 + 7) & 255); }
static uint8_t mapped_byte(uint32_t i) { return (uint8_t)((i * 17 + 11) & 255); }

static HANDLE open_file(const char *path, uint32_t disposition)
{
    struct rt_name n;
    HANDLE h = NULL;
    CHECK_STATUS(NtCreateFile(&h, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, rt_named(&n, path, 0),
                              &iosb, NULL, 0, FILE_SHARE_READ, disposition,
                              FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, NULL, 0),
                 STATUS_SUCCESS);
    return h;
}

static volatile uint8_t *map_file(HANDLE f, int64_t size, uint32_t protection, HANDLE *section)
{
    void *base = NULL;
    size_t view = 0;
    CHECK_STATUS(NtCreateSection(section, SECTION_ALL_ACCESS, NULL, size ? &size : NULL, protection,
                                 SEC_COMMIT, f),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtMapViewOfSection(*section, NtCurrentProcess(), &base, 0, 0, NULL, &view,
                                    ViewUnmap, 0, protection),
                 STATUS_SUCCESS);
    return base;
}

static void write_files(void)
{
    static uint8_t pattern[PATTERN_SIZE];
    for (uint32_t i = 0; i < PATTERN_SIZE; i++)
        pattern[i] = pattern_byte(i);
    HANDLE h = open_file(PATTERN_PATH, FILE_OVERWRITE_IF);
    for (uint32_t at = 0, piece = 1; at < PATTERN_SIZE; at += piece, piece = piece * 3 + 1) {
        uint32_t n = at + piece > PATTERN_SIZE ? PATTERN_SIZE - at : piece;
        CHECK_STATUS(NtWriteFile(h, NULL, NULL, NULL, &iosb, pattern + at, n, NULL, NULL),
                     STATUS_SUCCESS);
        CHECK_EQ(iosb.Information, n);
    }
    CHECK_STATUS(NtFlushBuffersFile(h, &iosb), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
    h = open_file(TEXT_PATH, FILE_OVERWRITE_IF);
    CHECK_STATUS(NtWriteFile(h, NULL, NULL, NULL, &iosb, text, sizeof text - 1, NULL, NULL),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
    /* Through a view only: the section gives the empty file its size. */
    HANDLE section = NULL;
    h = open_file(MAPPED_PATH, FILE_OVERWRITE_IF);
    volatile uint8_t *v = map_file(h, MAPPED_SIZE, PAGE_READWRITE, &section);
    for (uint32_t i = 0; i < MAPPED_SIZE; i++)
        v[i] = mapped_byte(i);
    void *base = (void *)v;
    size_t size = 0;
    CHECK_STATUS(NtFlushVirtualMemory(NtCurrentProcess(), &base, &size, &iosb), STATUS_SUCCESS);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)v), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(section), STATUS_SUCCESS);
    CHECK_STATUS(NtFlushBuffersFile(h, &iosb), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
}

/* The file at path must be `size` bytes of byte(i), read with NtReadFile. */
static void check_read(const char *path, uint32_t size, uint8_t (*byte)(uint32_t))
{
    static uint8_t data[PATTERN_SIZE + 1];
    HANDLE h = open_file(path, FILE_OPEN);
    int64_t zero = 0;
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &iosb, data, sizeof data, &zero, NULL),
                 STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, size);
    for (uint32_t i = 0; i < size; i++)
        if (data[i] != byte(i)) {
            FAIL("%s: byte %u is %02x, expected %02x", path, i, data[i], byte(i));
            break;
        }
    NtClose(h);
}

static uint8_t text_byte(uint32_t i) { return (uint8_t)text[i]; }

static void check_files(void)
{
    check_read(PATTERN_PATH, PATTERN_SIZE, pattern_byte);
    check_read(TEXT_PATH, sizeof text - 1, text_byte);
    check_read(MAPPED_PATH, MAPPED_SIZE, mapped_byte);
    HANDLE section = NULL, h = open_file(MAPPED_PATH, FILE_OPEN);
    volatile uint8_t *v = map_file(h, 0, PAGE_READONLY, &section);
    for (uint32_t i = 0; i < 4 * PAGE_SIZE; i++) {
        uint8_t expected = i < MAPPED_SIZE ? mapped_byte(i) : 0; /* zeros past the end */
        if (v[i] != expected) {
            FAIL("the view's byte %u is %02x, expected %02x", i, v[i], expected);
            break;
        }
    }
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)v);
    NtClose(section);
    NtClose(h);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "check"))
        check_files();
    else
        write_files();
    return (int)rt_failures;
}
