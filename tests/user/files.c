/* tests/user/files.c: the NT file services on a mounted volume: NtCreateFile dispositions and their
 * actions, synchronous and explicit-offset reads and writes, end of file, append, the information
 * classes, delete on close and by disposition, the read-only attribute, access checks, and hostile
 * arguments. argv[1] is the drive letter to test on (the kernel mounts a RAM volume as R:).
 *
 * Sharing modes, delete pending and two opens of one file (issue 12) are tested too.
 *
 * Sub-tests (argv[2]): create rw info delete rename listing hostile sharing pending two_opens
 * rename_open disk_full. */
#include "kernel/rtl/format.h"
#include "user/rt/rt.h"

static char drive = 'R';
static IO_STATUS_BLOCK iosb;

#define SYNC_RW      (GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE | DELETE)
#define SYNC_OPTIONS (FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE)

static const char *path(const char *name)
{
    static char buffer[96];
    rtl_snprintf(buffer, sizeof buffer, "\\??\\%c:\\%s", drive, name);
    return buffer;
}

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

static NTSTATUS create_shared(HANDLE *h, const char *name, ACCESS_MASK access, uint32_t share,
                              uint32_t disposition, uint32_t options)
{
    struct rt_name n;
    *h = NULL;
    memset(&iosb, 0xee, sizeof iosb);
    return NtCreateFile(h, access, rt_named(&n, path(name), 0), &iosb, NULL, 0, share, disposition,
                        options, NULL, 0);
}

/* An open that lets other opens do anything (the sub-tests that are not about sharing). */
static NTSTATUS create(HANDLE *h, const char *name, ACCESS_MASK access, uint32_t disposition,
                       uint32_t options)
{
    return create_shared(h, name, access, SHARE_ALL, disposition, options);
}

static NTSTATUS write_at(HANDLE h, const char *text, const LARGE_INTEGER_QUAD *offset)
{
    return NtWriteFile(h, NULL, NULL, NULL, &iosb, text, (uint32_t)strlen(text), offset, NULL);
}

static int64_t end_of_file(HANDLE h)
{
    FILE_STANDARD_INFORMATION info;
    memset(&info, 0, sizeof info);
    CHECK_STATUS(NtQueryInformationFile(h, &iosb, &info, sizeof info, FileStandardInformation),
                 STATUS_SUCCESS);
    return info.EndOfFile;
}

static void test_create(void)
{
    HANDLE h, again;
    CHECK_STATUS(create(&h, "Created File.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_EQ(iosb.Status, STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, FILE_CREATED);
    CHECK_STATUS(create(&again, "CREATED FILE.TXT", SYNC_RW, FILE_CREATE, SYNC_OPTIONS),
                 STATUS_OBJECT_NAME_COLLISION);
    CHECK_STATUS(create(&again, "created file.txt", SYNC_RW, FILE_OPEN_IF, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, FILE_OPENED);
    CHECK_STATUS(write_at(again, "12345", NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(again), STATUS_SUCCESS);
    CHECK_STATUS(create(&again, "Created File.txt", SYNC_RW, FILE_OVERWRITE_IF, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, FILE_OVERWRITTEN);
    CHECK_EQ(end_of_file(again), 0);
    CHECK_STATUS(NtClose(again), STATUS_SUCCESS);
    CHECK_STATUS(create(&again, "Created File.txt", SYNC_RW, FILE_SUPERSEDE, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, FILE_SUPERSEDED);
    CHECK_STATUS(NtClose(again), STATUS_SUCCESS);
    CHECK_STATUS(create(&again, "missing.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_STATUS(create(&again, "missing.txt", SYNC_RW, FILE_OVERWRITE, SYNC_OPTIONS),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_STATUS(create(&again, "no such dir\\x.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_OBJECT_PATH_NOT_FOUND);
    struct rt_name n;
    CHECK_STATUS(NtCreateFile(&again, SYNC_RW, rt_named(&n, "\\??\\Q:\\x.txt", 0), &iosb, NULL, 0,
                              0, FILE_OPEN, SYNC_OPTIONS, NULL, 0),
                 STATUS_OBJECT_PATH_NOT_FOUND);
    CHECK_STATUS(NtCreateFile(&again, SYNC_RW, rt_named(&n, "relative.txt", 0), &iosb, NULL, 0, 0,
                              FILE_OPEN, SYNC_OPTIONS, NULL, 0),
                 STATUS_OBJECT_PATH_SYNTAX_BAD);
    /* The root directory opens as a directory, and refuses data transfers. */
    HANDLE root;
    char byte;
    CHECK_STATUS(create(&root, "", GENERIC_READ | SYNCHRONIZE, FILE_OPEN,
                        FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtReadFile(root, NULL, NULL, NULL, &iosb, &byte, 1, NULL, NULL),
                 STATUS_INVALID_DEVICE_REQUEST);
    CHECK_STATUS(NtClose(root), STATUS_SUCCESS);
    CHECK_STATUS(create(&root, "", SYNC_RW, FILE_OVERWRITE_IF, FILE_SYNCHRONOUS_IO_NONALERT),
                 STATUS_ACCESS_DENIED); /* the root cannot be replaced */
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
}

static void test_rw(void)
{
    HANDLE h;
    char buffer[64];
    FILE_POSITION_INFORMATION position;
    CHECK_STATUS(create(&h, "rw.bin", SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(write_at(h, "hello, world", NULL), STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, 12);
    CHECK_STATUS(
        NtQueryInformationFile(h, &iosb, &position, sizeof position, FilePositionInformation),
        STATUS_SUCCESS);
    CHECK_EQ(position.CurrentByteOffset, 12);
    /* At the position (the end): STATUS_END_OF_FILE with nothing read. */
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &iosb, buffer, sizeof buffer, NULL, NULL),
                 STATUS_END_OF_FILE);
    CHECK_EQ(iosb.Information, 0);
    LARGE_INTEGER_QUAD zero = 0, seven = 7;
    memset(buffer, 0, sizeof buffer);
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &iosb, buffer, sizeof buffer, &zero, NULL),
                 STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, 12);
    CHECK(!memcmp(buffer, "hello, world", 12));
    CHECK_STATUS(write_at(h, "W", &seven), STATUS_SUCCESS);
    /* Appending through FILE_WRITE_TO_END_OF_FILE. */
    LARGE_INTEGER_QUAD to_end = (LARGE_INTEGER_QUAD)(int64_t)-1;
    CHECK_STATUS(write_at(h, "!", &to_end), STATUS_SUCCESS);
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &iosb, buffer, 13, &zero, NULL), STATUS_SUCCESS);
    CHECK(!memcmp(buffer, "hello, World!", 13));
    /* End of file: truncate, then extend with zeros. */
    FILE_END_OF_FILE_INFORMATION eof = {5};
    CHECK_STATUS(NtSetInformationFile(h, &iosb, &eof, sizeof eof, FileEndOfFileInformation),
                 STATUS_SUCCESS);
    CHECK_EQ(end_of_file(h), 5);
    eof.EndOfFile = 40;
    CHECK_STATUS(NtSetInformationFile(h, &iosb, &eof, sizeof eof, FileEndOfFileInformation),
                 STATUS_SUCCESS);
    memset(buffer, 0x55, sizeof buffer);
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &iosb, buffer, sizeof buffer, &zero, NULL),
                 STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, 40);
    CHECK(!memcmp(buffer, "hello", 5) && buffer[5] == 0 && buffer[39] == 0);
    /* The event is signalled when the (synchronous) I/O completes. */
    HANDLE event = rt_new_event(NotificationEvent, 0);
    CHECK_STATUS(NtReadFile(h, event, NULL, NULL, &iosb, buffer, 1, &zero, NULL), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(event), STATUS_SUCCESS);
    CHECK_STATUS(NtFlushBuffersFile(h, &iosb), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(event), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
}

static void test_info(void)
{
    HANDLE h, reader;
    FILE_BASIC_INFORMATION basic;
    CHECK_STATUS(create(&h, "info.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(NtQueryInformationFile(h, &iosb, &basic, sizeof basic, FileBasicInformation),
                 STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, sizeof basic);
    /* FAT keeps the write time to 2 s and the creation time to 10 ms: written >= created - 2 s. */
    CHECK(basic.CreationTime > 0 && basic.LastWriteTime + 20000000 >= basic.CreationTime);
    CHECK_EQ(basic.FileAttributes & FILE_ATTRIBUTE_DIRECTORY, 0);
    CHECK_STATUS(NtQueryInformationFile(h, &iosb, &basic, sizeof basic - 1, FileBasicInformation),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtQueryInformationFile(h, &iosb, &basic, sizeof basic, (FILE_INFORMATION_CLASS)99),
                 STATUS_INVALID_INFO_CLASS);
    /* Read-only: then no open for writing succeeds. */
    memset(&basic, 0, sizeof basic);
    basic.FileAttributes = FILE_ATTRIBUTE_READONLY;
    CHECK_STATUS(NtSetInformationFile(h, &iosb, &basic, sizeof basic, FileBasicInformation),
                 STATUS_SUCCESS);
    CHECK_STATUS(create(&reader, "info.txt", GENERIC_WRITE | SYNCHRONIZE, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_ACCESS_DENIED);
    CHECK_STATUS(create(&reader, "info.txt", GENERIC_READ | SYNCHRONIZE, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    char byte = 'x';
    CHECK_STATUS(NtWriteFile(reader, NULL, NULL, NULL, &iosb, &byte, 1, NULL, NULL),
                 STATUS_ACCESS_DENIED);
    CHECK_STATUS(NtClose(reader), STATUS_SUCCESS);
    basic.FileAttributes = FILE_ATTRIBUTE_NORMAL;
    CHECK_STATUS(NtSetInformationFile(h, &iosb, &basic, sizeof basic, FileBasicInformation),
                 STATUS_SUCCESS);
    /* A handle without FILE_READ_ATTRIBUTES cannot query the basic information. */
    CHECK_STATUS(create(&reader, "info.txt", FILE_READ_DATA | SYNCHRONIZE, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtQueryInformationFile(reader, &iosb, &basic, sizeof basic, FileBasicInformation),
                 STATUS_ACCESS_DENIED);
    CHECK_STATUS(NtClose(reader), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
}

static void test_delete(void)
{
    HANDLE h;
    CHECK_STATUS(create(&h, "doomed.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
    FILE_DISPOSITION_INFORMATION d = {1};
    CHECK_STATUS(NtSetInformationFile(h, &iosb, &d, sizeof d, FileDispositionInformation),
                 STATUS_SUCCESS);
    FILE_STANDARD_INFORMATION standard;
    CHECK_STATUS(
        NtQueryInformationFile(h, &iosb, &standard, sizeof standard, FileStandardInformation),
        STATUS_SUCCESS);
    CHECK_EQ(standard.DeletePending, 1);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
    CHECK_STATUS(create(&h, "doomed.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_STATUS(create(&h, "temp.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS | FILE_DELETE_ON_CLOSE),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
    CHECK_STATUS(create(&h, "temp.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_OBJECT_NAME_NOT_FOUND);
}

union rename_buffer {
    FILE_RENAME_INFORMATION info;
    uint8_t bytes[256];
};

/* FileRenameInformation for the full path of name; returns its size. */
static uint32_t rename_info(union rename_buffer *r, const char *name, bool replace)
{
    const char *target = path(name);
    memset(r, 0, sizeof *r);
    r->info.ReplaceIfExists = replace;
    r->info.FileNameLength = (uint32_t)strlen(target) * 2;
    for (size_t i = 0; target[i]; i++)
        r->info.FileName[i] = (WCHAR)target[i];
    return (uint32_t)offsetof(FILE_RENAME_INFORMATION, FileName) + r->info.FileNameLength;
}

static NTSTATUS rename_to(HANDLE h, const char *name, bool replace)
{
    union rename_buffer r;
    uint32_t size = rename_info(&r, name, replace);
    return NtSetInformationFile(h, &iosb, &r, size, FileRenameInformation);
}

static NTSTATUS set_delete(HANDLE h, bool delete)
{
    FILE_DISPOSITION_INFORMATION d = {delete};
    return NtSetInformationFile(h, &iosb, &d, sizeof d, FileDispositionInformation);
}

static void test_rename(void)
{
    HANDLE a, b;
    char buffer[8];
    LARGE_INTEGER_QUAD zero = 0;
    CHECK_STATUS(create(&a, "before.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(write_at(a, "moved", NULL), STATUS_SUCCESS);
    CHECK_STATUS(create(&b, "taken.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(b), STATUS_SUCCESS);
    union rename_buffer r;
    uint32_t size = rename_info(&r, "taken.txt", false);
    CHECK_STATUS(NtSetInformationFile(a, &iosb, &r, size, FileRenameInformation),
                 STATUS_OBJECT_NAME_COLLISION);
    r.info.ReplaceIfExists = 1;
    CHECK_STATUS(NtSetInformationFile(a, &iosb, &r, size, FileRenameInformation), STATUS_SUCCESS);
    CHECK_STATUS(NtSetInformationFile(a, &iosb, &r, size - 2, FileRenameInformation),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    CHECK_STATUS(create(&a, "before.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_STATUS(create(&a, "taken.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(NtReadFile(a, NULL, NULL, NULL, &iosb, buffer, sizeof buffer, &zero, NULL),
                 STATUS_SUCCESS);
    CHECK(iosb.Information == 5 && !memcmp(buffer, "moved", 5));
    /* Another volume is another device. */
    r.info.FileName[4] = (WCHAR)(drive == 'Q' ? 'P' : 'Q');
    CHECK_STATUS(NtSetInformationFile(a, &iosb, &r, size, FileRenameInformation),
                 STATUS_NOT_SAME_DEVICE);
    FILE_DISPOSITION_INFORMATION d = {1};
    CHECK_STATUS(NtSetInformationFile(a, &iosb, &d, sizeof d, FileDispositionInformation),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
}

/* Counts the entries of a listing and whether `name` is among them. */
static int count_entries(const uint8_t *buffer, uint32_t used, const char *name, bool *found)
{
    int count = 0;
    for (uint32_t at = 0; used && at < used;) {
        const FILE_DIRECTORY_INFORMATION *e = (const void *)(buffer + at);
        count++;
        size_t chars = e->FileNameLength / 2, k = 0;
        while (k < chars && name[k] && e->FileName[k] == (WCHAR)name[k])
            k++;
        if (k == chars && !name[k])
            *found = true;
        if (!e->NextEntryOffset)
            break;
        at += e->NextEntryOffset;
    }
    return count;
}

static void test_listing(void)
{
    static const char *const names[] = {"alpha.lst", "beta.lst", "gamma.log"};
    HANDLE h, dir;
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(create(&h, names[i], SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
        CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
    }
    CHECK_STATUS(create(&dir, "", FILE_LIST_DIRECTORY | SYNCHRONIZE, FILE_OPEN,
                        FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT),
                 STATUS_SUCCESS);
    static uint8_t buffer[4096];
    struct rt_name pattern;
    rt_named(&pattern, "*.LST", 0);
    bool found = false;
    CHECK_STATUS(NtQueryDirectoryFile(dir, NULL, NULL, NULL, &iosb, buffer, sizeof buffer,
                                      FileDirectoryInformation, 0, &pattern.string, 1),
                 STATUS_SUCCESS);
    CHECK_EQ(count_entries(buffer, (uint32_t)iosb.Information, "beta.lst", &found), 2);
    CHECK(found);
    CHECK_STATUS(NtQueryDirectoryFile(dir, NULL, NULL, NULL, &iosb, buffer, sizeof buffer,
                                      FileDirectoryInformation, 0, NULL, 0),
                 STATUS_NO_MORE_FILES);
    /* One at a time, restarting, with the pattern of the first query kept. */
    int singles = 0;
    NTSTATUS status = NtQueryDirectoryFile(dir, NULL, NULL, NULL, &iosb, buffer, sizeof buffer,
                                           FileNamesInformation, 1, NULL, 1);
    while (status == STATUS_SUCCESS && singles < 10) {
        singles++;
        status = NtQueryDirectoryFile(dir, NULL, NULL, NULL, &iosb, buffer, sizeof buffer,
                                      FileNamesInformation, 1, NULL, 0);
    }
    CHECK_STATUS(status, STATUS_NO_MORE_FILES);
    CHECK_EQ(singles, 2);
    rt_named(&pattern, "g?mma.*", 0);
    CHECK_STATUS(NtQueryDirectoryFile(dir, NULL, NULL, NULL, &iosb, buffer, sizeof buffer,
                                      FileBothDirectoryInformation, 0, &pattern.string, 1),
                 STATUS_SUCCESS);
    found = false;
    CHECK_EQ(count_entries(buffer, (uint32_t)iosb.Information, "gamma.log", &found), 1);
    rt_named(&pattern, "nothing*", 0);
    CHECK_STATUS(NtQueryDirectoryFile(dir, NULL, NULL, NULL, &iosb, buffer, sizeof buffer,
                                      FileDirectoryInformation, 0, &pattern.string, 1),
                 STATUS_NO_SUCH_FILE);
    rt_named(&pattern, "*", 0); /* a restart keeps the last pattern unless given a new one */
    CHECK_STATUS(NtQueryDirectoryFile(dir, NULL, NULL, NULL, &iosb, buffer, 8,
                                      FileDirectoryInformation, 0, &pattern.string, 1),
                 STATUS_BUFFER_TOO_SMALL);
    CHECK_STATUS(NtQueryDirectoryFile(dir, NULL, NULL, NULL, &iosb, buffer, sizeof buffer,
                                      FilePositionInformation, 0, NULL, 1),
                 STATUS_INVALID_INFO_CLASS);
    CHECK_STATUS(create(&h, "alpha.lst", SYNC_RW, FILE_OPEN, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(NtQueryDirectoryFile(h, NULL, NULL, NULL, &iosb, buffer, sizeof buffer,
                                      FileDirectoryInformation, 0, NULL, 1),
                 STATUS_INVALID_PARAMETER); /* not a directory */
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(dir), STATUS_SUCCESS);
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(create(&h, names[i], SYNC_RW, FILE_OPEN, SYNC_OPTIONS | FILE_DELETE_ON_CLOSE),
                     STATUS_SUCCESS);
        CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
    }
}

static void test_hostile(void)
{
    HANDLE h, event = rt_new_event(NotificationEvent, 0);
    char buffer[8];
    struct rt_name n;
    CHECK_STATUS(create(&h, "hostile.txt", SYNC_RW, 6, SYNC_OPTIONS), STATUS_INVALID_PARAMETER);
    CHECK_STATUS(create(&h, "hostile.txt", SYNC_RW, FILE_CREATE,
                        FILE_DIRECTORY_FILE | FILE_NON_DIRECTORY_FILE),
                 STATUS_INVALID_PARAMETER);
    CHECK_STATUS(create(&h, "hostile.txt", GENERIC_READ, FILE_CREATE, SYNC_OPTIONS),
                 STATUS_INVALID_PARAMETER); /* synchronous I/O needs SYNCHRONIZE */
    CHECK_STATUS(
        NtCreateFile(&h, SYNC_RW, NULL, &iosb, NULL, 0, 0, FILE_CREATE, SYNC_OPTIONS, NULL, 0),
        STATUS_INVALID_PARAMETER);
    CHECK_STATUS(NtCreateFile((HANDLE *)0xC0100000u, SYNC_RW, rt_named(&n, path("h.txt"), 0), &iosb,
                              NULL, 0, 0, FILE_CREATE, SYNC_OPTIONS, NULL, 0),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtCreateFile(&h, SYNC_RW, rt_named(&n, path("h.txt"), 0), NULL, NULL, 0, 0,
                              FILE_CREATE, SYNC_OPTIONS, NULL, 0),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(create(&h, "hostile.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &iosb, (void *)0xC0100000u, 8, NULL, NULL),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, &iosb, (void *)0x00001000u, 8, NULL, NULL),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtReadFile(h, NULL, NULL, NULL, NULL, buffer, 8, NULL, NULL),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtWriteFile(h, NULL, NULL, NULL, &iosb, (void *)0x00001000u, 8, NULL, NULL),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(NtReadFile(event, NULL, NULL, NULL, &iosb, buffer, 8, NULL, NULL),
                 STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtReadFile((HANDLE)0x1234, NULL, NULL, NULL, &iosb, buffer, 8, NULL, NULL),
                 STATUS_INVALID_HANDLE);
    HANDLE async;
    CHECK_STATUS(create(&async, "hostile.txt", GENERIC_READ, FILE_OPEN, FILE_NON_DIRECTORY_FILE),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtReadFile(async, NULL, NULL, NULL, &iosb, buffer, 8, NULL, NULL),
                 STATUS_INVALID_PARAMETER); /* no offset and no file position to use */
    CHECK_STATUS(NtClose(async), STATUS_SUCCESS);
    FILE_DISPOSITION_INFORMATION d = {1};
    CHECK_STATUS(NtSetInformationFile(h, &iosb, &d, sizeof d, FileDispositionInformation),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(event), STATUS_SUCCESS);
}

/* NtCreateFile's ShareAccess, IoCheckShareAccess's rules: an open is refused an access that an
 * existing open does not share, or a share mode that leaves out an access an open has; opens for
 * the attributes alone take part in neither. */
static void test_sharing(void)
{
    HANDLE a, b;
    const ACCESS_MASK read = FILE_READ_DATA | SYNCHRONIZE, write = FILE_WRITE_DATA | SYNCHRONIZE;
    CHECK_STATUS(create_shared(&a, "shared.txt", read, FILE_SHARE_READ, FILE_CREATE, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_STATUS(create_shared(&b, "shared.txt", write, SHARE_ALL, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_SHARING_VIOLATION);
    CHECK_STATUS(create_shared(&b, "shared.txt", read, FILE_SHARE_READ, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(b), STATUS_SUCCESS);
    CHECK_STATUS(create_shared(&b, "shared.txt", read, FILE_SHARE_WRITE, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_SHARING_VIOLATION); /* a reads, b would not let it */
    CHECK_STATUS(
        create_shared(&b, "shared.txt", DELETE | SYNCHRONIZE, SHARE_ALL, FILE_OPEN, SYNC_OPTIONS),
        STATUS_SHARING_VIOLATION);
    CHECK_STATUS(create_shared(&b, "shared.txt", FILE_READ_ATTRIBUTES | SYNCHRONIZE, 0, FILE_OPEN,
                               SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_EQ(end_of_file(b), 0);
    CHECK_STATUS(NtClose(b), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    /* Exclusive: nothing else reads or writes until it closes. */
    CHECK_STATUS(create_shared(&a, "shared.txt", SYNC_RW, 0, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_STATUS(write_at(a, "keep", NULL), STATUS_SUCCESS);
    CHECK_STATUS(create_shared(&b, "shared.txt", read, SHARE_ALL, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_SHARING_VIOLATION);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    /* Overwriting counts as writing: refused while an open does not share writes, data kept. */
    CHECK_STATUS(create_shared(&a, "shared.txt", read, FILE_SHARE_READ, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_STATUS(create_shared(&b, "shared.txt", read, SHARE_ALL, FILE_OVERWRITE, SYNC_OPTIONS),
                 STATUS_SHARING_VIOLATION);
    CHECK_STATUS(create_shared(&b, "shared.txt", read, SHARE_ALL, FILE_SUPERSEDE, SYNC_OPTIONS),
                 STATUS_SHARING_VIOLATION);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    CHECK_STATUS(create_shared(&a, "shared.txt", SYNC_RW, FILE_SHARE_READ, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_EQ(end_of_file(a), 4);
    /* The overwriting open itself only reads: it does not keep writers out afterwards. */
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    CHECK_STATUS(create_shared(&a, "shared.txt", read, FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                               FILE_OVERWRITE, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, FILE_OVERWRITTEN);
    CHECK_STATUS(create_shared(&b, "shared.txt", write, SHARE_ALL, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(b), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    CHECK_STATUS(create_shared(&a, "shared.txt", read, 0x8, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_INVALID_PARAMETER);
    CHECK_STATUS(create(&a, "shared.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS | FILE_DELETE_ON_CLOSE),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
}

static bool delete_pending(HANDLE h)
{
    FILE_STANDARD_INFORMATION info;
    memset(&info, 0, sizeof info);
    CHECK_STATUS(NtQueryInformationFile(h, &iosb, &info, sizeof info, FileStandardInformation),
                 STATUS_SUCCESS);
    return info.DeletePending;
}

/* Delete pending: the file goes at the last close of any handle; meanwhile new opens get
 * STATUS_DELETE_PENDING. FILE_DELETE_ON_CLOSE makes the file delete-pending when that open
 * closes. */
static void test_pending(void)
{
    HANDLE a, b, c;
    CHECK_STATUS(create(&a, "pending.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(create(&b, "pending.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(set_delete(a, true), STATUS_SUCCESS);
    CHECK(delete_pending(b));
    CHECK_STATUS(create(&c, "pending.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_DELETE_PENDING);
    CHECK_STATUS(create(&c, "pending.txt", SYNC_RW, FILE_OVERWRITE_IF, SYNC_OPTIONS),
                 STATUS_DELETE_PENDING);
    CHECK_STATUS(set_delete(b, false), STATUS_SUCCESS); /* any handle can take it back */
    CHECK(!delete_pending(a));
    CHECK_STATUS(create(&c, "pending.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(c), STATUS_SUCCESS);
    CHECK_STATUS(set_delete(b, true), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    CHECK_STATUS(create(&c, "pending.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_DELETE_PENDING); /* b still has it */
    CHECK_STATUS(write_at(b, "still writable", NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(b), STATUS_SUCCESS);
    CHECK_STATUS(create(&c, "pending.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    /* Delete on close: other opens go on until that handle closes, then the file is pending. */
    CHECK_STATUS(
        create(&a, "on close.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS | FILE_DELETE_ON_CLOSE),
        STATUS_SUCCESS);
    CHECK_STATUS(create(&b, "on close.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    CHECK(delete_pending(b));
    CHECK_STATUS(create(&c, "on close.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_DELETE_PENDING);
    CHECK_STATUS(NtClose(b), STATUS_SUCCESS);
    CHECK_STATUS(create(&c, "on close.txt", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    /* A read-only file cannot be made delete-pending (NT: STATUS_CANNOT_DELETE). */
    FILE_BASIC_INFORMATION basic;
    memset(&basic, 0, sizeof basic);
    basic.FileAttributes = FILE_ATTRIBUTE_READONLY;
    CHECK_STATUS(create(&a, "read only.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(NtSetInformationFile(a, &iosb, &basic, sizeof basic, FileBasicInformation),
                 STATUS_SUCCESS);
    CHECK_STATUS(set_delete(a, true), STATUS_CANNOT_DELETE);
    basic.FileAttributes = FILE_ATTRIBUTE_NORMAL;
    CHECK_STATUS(NtSetInformationFile(a, &iosb, &basic, sizeof basic, FileBasicInformation),
                 STATUS_SUCCESS);
    CHECK_STATUS(set_delete(a, true), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
}

/* Issue 12, defect 5: two handles to one file share one FCB. Reproduction A: truncating through
 * one and writing through the other left a chain shorter than the size (the next open failed with
 * STATUS_FILE_CORRUPT_ERROR). Reproduction B: a file deleted through one handle came back when the
 * other wrote and closed, over a file created meanwhile. */
static void test_two_opens(void)
{
    static char block[8192], back[200];
    HANDLE a, b, c;
    LARGE_INTEGER_QUAD zero = 0;
    memset(block, 'A', sizeof block);
    CHECK_STATUS(create(&a, "two opens.bin", SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(NtWriteFile(a, NULL, NULL, NULL, &iosb, block, sizeof block, &zero, NULL),
                 STATUS_SUCCESS);
    CHECK_STATUS(create(&b, "two opens.bin", SYNC_RW, FILE_OPEN, SYNC_OPTIONS), STATUS_SUCCESS);
    FILE_END_OF_FILE_INFORMATION eof = {0};
    CHECK_STATUS(NtSetInformationFile(a, &iosb, &eof, sizeof eof, FileEndOfFileInformation),
                 STATUS_SUCCESS);
    memset(block, 'B', 100);
    CHECK_STATUS(NtWriteFile(b, NULL, NULL, NULL, &iosb, block, 100, &zero, NULL), STATUS_SUCCESS);
    CHECK_EQ(end_of_file(a), 100);
    CHECK_STATUS(NtClose(b), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    CHECK_STATUS(create(&a, "two opens.bin", SYNC_RW, FILE_OPEN, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_EQ(end_of_file(a), 100);
    CHECK_STATUS(NtReadFile(a, NULL, NULL, NULL, &iosb, back, sizeof back, &zero, NULL),
                 STATUS_SUCCESS);
    CHECK(iosb.Information == 100 && back[0] == 'B' && back[99] == 'B');
    CHECK_STATUS(set_delete(a, true), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    /* Reproduction B. */
    CHECK_STATUS(create(&a, "deleted twice.bin", SYNC_RW, FILE_CREATE, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtWriteFile(a, NULL, NULL, NULL, &iosb, block, 3000, &zero, NULL), STATUS_SUCCESS);
    CHECK_STATUS(create(&b, "deleted twice.bin", SYNC_RW, FILE_OPEN, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(set_delete(a, true), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    CHECK_STATUS(create(&c, "deleted twice.bin", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_DELETE_PENDING);
    CHECK_STATUS(create(&c, "newcomer.bin", SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(write_at(c, "the newcomer", &zero), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(c), STATUS_SUCCESS);
    CHECK_STATUS(NtWriteFile(b, NULL, NULL, NULL, &iosb, block, 5000, &zero, NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(b), STATUS_SUCCESS);
    CHECK_STATUS(create(&a, "deleted twice.bin", SYNC_RW, FILE_OPEN, SYNC_OPTIONS),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_STATUS(
        create(&c, "newcomer.bin", SYNC_RW, FILE_OPEN, SYNC_OPTIONS | FILE_DELETE_ON_CLOSE),
        STATUS_SUCCESS);
    memset(back, 0, sizeof back);
    CHECK_STATUS(NtReadFile(c, NULL, NULL, NULL, &iosb, back, sizeof back, &zero, NULL),
                 STATUS_SUCCESS);
    CHECK(iosb.Information == 12 && !memcmp(back, "the newcomer", 12));
    CHECK_STATUS(NtClose(c), STATUS_SUCCESS);
}

/* NT's rules for renames around open files: an open target cannot be replaced, and a directory
 * cannot be renamed while a file below it is open (both STATUS_ACCESS_DENIED). */
static void test_rename_open(void)
{
    HANDLE a, b, dir;
    CHECK_STATUS(create(&a, "rename source.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_STATUS(create(&b, "rename target.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_STATUS(rename_to(a, "rename target.txt", true), STATUS_ACCESS_DENIED);
    CHECK_STATUS(NtClose(b), STATUS_SUCCESS);
    CHECK_STATUS(rename_to(a, "rename target.txt", true), STATUS_SUCCESS);
    CHECK_STATUS(set_delete(a, true), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    if (drive == 'R')
        return; /* the RAM volume has no directories */
    CHECK_STATUS(create(&dir, "Busy Dir", SYNC_RW, FILE_CREATE,
                        FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT),
                 STATUS_SUCCESS);
    CHECK_STATUS(create(&a, "Busy Dir\\inside.txt", SYNC_RW, FILE_CREATE, SYNC_OPTIONS),
                 STATUS_SUCCESS);
    CHECK_STATUS(rename_to(dir, "Renamed Dir", false), STATUS_ACCESS_DENIED);
    CHECK_STATUS(set_delete(dir, true), STATUS_DIRECTORY_NOT_EMPTY);
    HANDLE again;
    CHECK_STATUS(create(&again, "Busy Dir", SYNC_RW, FILE_SUPERSEDE, FILE_SYNCHRONOUS_IO_NONALERT),
                 STATUS_FILE_IS_A_DIRECTORY);
    CHECK_STATUS(set_delete(a, true), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    CHECK_STATUS(rename_to(dir, "Renamed Dir", false), STATUS_SUCCESS);
    CHECK_STATUS(set_delete(dir, true), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(dir), STATUS_SUCCESS);
    CHECK_STATUS(create(&dir, "Renamed Dir", SYNC_RW, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT),
                 STATUS_OBJECT_NAME_NOT_FOUND);
}

/* Issue 12, defect 7: a write that cannot fit fails at once with STATUS_DISK_FULL and leaves the
 * volume's free space as it was (it used to take every free cluster first, for seconds). */
static void test_disk_full(void)
{
    HANDLE h;
    FILE_FS_SIZE_INFORMATION before, after;
    LARGE_INTEGER_QUAD far = 0xFFFFF000ll;
    CHECK_STATUS(create(&h, "huge.bin", SYNC_RW, FILE_CREATE, SYNC_OPTIONS), STATUS_SUCCESS);
    CHECK_STATUS(
        NtQueryVolumeInformationFile(h, &iosb, &before, sizeof before, FileFsSizeInformation),
        STATUS_SUCCESS);
    CHECK_EQ(iosb.Information, sizeof before);
    CHECK(before.AvailableAllocationUnits > 0 &&
          before.AvailableAllocationUnits <= before.TotalAllocationUnits);
    CHECK(before.BytesPerSector == 512 && before.SectorsPerAllocationUnit > 0);
    CHECK_STATUS(write_at(h, "x", &far), STATUS_DISK_FULL);
    CHECK_EQ(iosb.Information, 0);
    CHECK_STATUS(
        NtQueryVolumeInformationFile(h, &iosb, &after, sizeof after, FileFsSizeInformation),
        STATUS_SUCCESS);
    CHECK_EQ(after.AvailableAllocationUnits, before.AvailableAllocationUnits);
    CHECK_EQ(end_of_file(h), 0);
    CHECK_STATUS(
        NtQueryVolumeInformationFile(h, &iosb, &after, sizeof after - 1, FileFsSizeInformation),
        STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(
        NtQueryVolumeInformationFile(h, &iosb, &after, sizeof after, (FS_INFORMATION_CLASS)1),
        STATUS_INVALID_INFO_CLASS);
    CHECK_STATUS(set_delete(h, true), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(h), STATUS_SUCCESS);
}

int main(int argc, char **argv)
{
    static const struct rt_subtest tests[] = {
        {"create", test_create},
        {"rw", test_rw},
        {"info", test_info},
        {"delete", test_delete},
        {"rename", test_rename},
        {"listing", test_listing},
        {"hostile", test_hostile},
        {"sharing", test_sharing},
        {"pending", test_pending},
        {"two_opens", test_two_opens},
        {"rename_open", test_rename_open},
        {"disk_full", test_disk_full},
    };
    if (argc > 1 && argv[1][0])
        drive = argv[1][0];
    return rt_run_subtests(argc > 1 ? argc - 1 : argc, argc > 1 ? argv + 1 : argv, tests,
                           sizeof tests / sizeof tests[0]);
}
