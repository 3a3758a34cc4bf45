/* tests/user/sections.c: sections and views as NT defines them: pagefile-backed sections with
 * SEC_COMMIT and SEC_RESERVE, two views of one section aliasing, copy-on-write views, named sections
 * shared with another process, data-file sections whose views and NtReadFile/NtWriteFile see each
 * other at once, flushing, and the statuses of bad requests. Argument: the drive of the file tests,
 * then the sub-tests to run (all by default). */
#include "kernel/format.h"
#include "user/rt/rt.h"

static char drive = 'C';
static IO_STATUS_BLOCK iosb;

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
#define RW_ACCESS (FILE_READ_DATA | FILE_WRITE_DATA | SYNCHRONIZE | DELETE)

static const char *path(const char *name)
{
    static char buffer[96];
    ke_snprintf(buffer, sizeof buffer, "\\??\\%c:\\%s", drive, name);
    return buffer;
}

static HANDLE open_file(const char *name, ACCESS_MASK access, uint32_t disposition)
{
    struct rt_name n;
    HANDLE h = NULL;
    CHECK_STATUS(NtCreateFile(&h, access, rt_named(&n, path(name), 0), &iosb, NULL, 0, SHARE_ALL,
                              disposition, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0),
                 STATUS_SUCCESS);
    return h;
}

static HANDLE section(const char *name, int64_t size, uint32_t protection, uint32_t attributes,
                      HANDLE file)
{
    struct rt_name n;
    HANDLE h = NULL;
    CHECK_STATUS(NtCreateSection(&h, SECTION_ALL_ACCESS, name ? rt_named(&n, name, 0) : NULL,
                                 size ? &size : NULL, protection, attributes, file),
                 STATUS_SUCCESS);
    return h;
}

static void *map(HANDLE s, int64_t offset, size_t size, uint32_t protection)
{
    void *base = NULL;
    CHECK_STATUS(NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewUnmap,
                                    0, protection),
                 STATUS_SUCCESS);
    return base;
}

static MEMORY_BASIC_INFORMATION query(const void *address)
{
    MEMORY_BASIC_INFORMATION info;
    memset(&info, 0xcc, sizeof info);
    CHECK_STATUS(NtQueryVirtualMemory(NtCurrentProcess(), address, MemoryBasicInformation, &info,
                                      sizeof info, NULL),
                 STATUS_SUCCESS);
    return info;
}

/* Two views of one pagefile-backed section alias: a write through one is read through the other. */
static void test_alias(void)
{
    HANDLE s = section(NULL, 3 * PAGE_SIZE + 100, PAGE_READWRITE, SEC_COMMIT, NULL);
    volatile uint32_t *a = map(s, 0, 0, PAGE_READWRITE), *b = map(s, 0, 0, PAGE_READONLY);
    CHECK(a != b);
    CHECK_EQ(b[0], 0); /* demand zero */
    a[0] = 0x12345678;
    a[3 * PAGE_SIZE / 4 + 10] = 0xabcdef;
    CHECK_EQ(b[0], 0x12345678);
    CHECK_EQ(b[3 * PAGE_SIZE / 4 + 10], 0xabcdef);
    MEMORY_BASIC_INFORMATION info = query((const void *)b);
    CHECK_EQ((uintptr_t)info.BaseAddress, (uintptr_t)b);
    CHECK_EQ((uintptr_t)info.AllocationBase, (uintptr_t)b);
    CHECK_EQ(info.AllocationProtect, PAGE_READONLY);
    CHECK_EQ(info.RegionSize, 4 * PAGE_SIZE);
    CHECK_EQ(info.State, MEM_COMMIT);
    CHECK_EQ(info.Protect, PAGE_READONLY);
    CHECK_EQ(info.Type, MEM_MAPPED);
    CHECK_STATUS(NtClose(s), STATUS_SUCCESS); /* views keep the section's pages */
    CHECK_EQ(b[0], 0x12345678);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)(a + 5)), STATUS_SUCCESS);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)a), STATUS_NOT_MAPPED_VIEW);
    CHECK_EQ(b[3 * PAGE_SIZE / 4 + 10], 0xabcdef);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)b), STATUS_SUCCESS);
    CHECK_EQ(query((const void *)b).State, MEM_FREE);
}

/* A copy-on-write view: its writes are private; the page then queries as PAGE_READWRITE. */
static void test_writecopy(void)
{
    HANDLE s = section(NULL, 2 * PAGE_SIZE, PAGE_READWRITE, SEC_COMMIT, NULL);
    volatile uint32_t *shared = map(s, 0, 0, PAGE_READWRITE), *copy = map(s, 0, 0, PAGE_WRITECOPY);
    shared[0] = 1;
    shared[PAGE_SIZE / 4] = 2;
    CHECK_EQ(copy[0], 1);
    CHECK_EQ(query((const void *)copy).Protect, PAGE_WRITECOPY);
    copy[0] = 100; /* now a private page */
    CHECK_EQ(shared[0], 1);
    CHECK_EQ(copy[0], 100);
    shared[0] = 7; /* the shared page changes; the copy does not */
    CHECK_EQ(copy[0], 100);
    shared[PAGE_SIZE / 4] = 3; /* the untouched page still follows the section */
    CHECK_EQ(copy[PAGE_SIZE / 4], 3);
    MEMORY_BASIC_INFORMATION info = query((const void *)copy);
    CHECK_EQ(info.Protect, PAGE_READWRITE);
    CHECK_EQ(info.RegionSize, PAGE_SIZE);
    CHECK_EQ(info.AllocationProtect, PAGE_WRITECOPY);
    info = query((const void *)(copy + PAGE_SIZE / 4));
    CHECK_EQ(info.Protect, PAGE_WRITECOPY);
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)copy);
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)shared);
    NtClose(s);
}

/* SEC_RESERVE: pages are committed through a view with NtAllocateVirtualMemory. */
static void test_reserve(void)
{
    HANDLE s = section(NULL, 16 * PAGE_SIZE, PAGE_READWRITE, SEC_RESERVE, NULL);
    volatile uint8_t *v = map(s, 0, 0, PAGE_READWRITE);
    MEMORY_BASIC_INFORMATION info = query((const void *)v);
    CHECK_EQ(info.State, MEM_RESERVE);
    CHECK_EQ(info.RegionSize, 16 * PAGE_SIZE);
    void *base = (void *)(v + 2 * PAGE_SIZE);
    size_t size = 100;
    CHECK_STATUS(
        NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_COMMIT, PAGE_READWRITE),
        STATUS_SUCCESS);
    CHECK_EQ((uintptr_t)base, (uintptr_t)(v + 2 * PAGE_SIZE));
    CHECK_EQ(size, PAGE_SIZE);
    v[2 * PAGE_SIZE + 5] = 9;
    info = query((const void *)(v + 2 * PAGE_SIZE));
    CHECK_EQ(info.State, MEM_COMMIT);
    CHECK_EQ(info.RegionSize, PAGE_SIZE);
    CHECK_EQ(query((const void *)v).RegionSize, 2 * PAGE_SIZE);
    volatile uint8_t *again = map(s, 0, 0, PAGE_READONLY);
    CHECK_EQ(again[2 * PAGE_SIZE + 5], 9); /* committed in the section, so in every view */
    CHECK_EQ(query((const void *)(again + 2 * PAGE_SIZE)).State, MEM_COMMIT);
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)again);
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)v);
    NtClose(s);
}

/* Named sections: another process (the kernel test starts "sections named_peer") opens the same
 * section by name and sees the writes, and its writes come back. */
static void test_named(void)
{
    HANDLE s = section("\\BaseNamedObjects\\PagodaSectionTest", PAGE_SIZE, PAGE_READWRITE,
                       SEC_COMMIT, NULL);
    struct rt_name n;
    HANDLE again = NULL, collide = NULL;
    int64_t size = PAGE_SIZE;
    CHECK_STATUS(NtCreateSection(&collide, SECTION_ALL_ACCESS,
                                 rt_named(&n, "\\BaseNamedObjects\\PagodaSectionTest", 0), &size,
                                 PAGE_READWRITE, SEC_COMMIT, NULL),
                 STATUS_OBJECT_NAME_COLLISION);
    CHECK_STATUS(NtCreateSection(&again, SECTION_ALL_ACCESS,
                                 rt_named(&n, "\\BaseNamedObjects\\PagodaSectionTest", OBJ_OPENIF),
                                 &size, PAGE_READWRITE, SEC_COMMIT, NULL),
                 STATUS_OBJECT_NAME_EXISTS);
    volatile uint32_t *v = map(s, 0, 0, PAGE_READWRITE), *w = map(again, 0, 0, PAGE_READWRITE);
    v[0] = 0xfeed;
    CHECK_EQ(w[0], 0xfeed);
    NtClose(again);
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)w);
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)v);
    NtClose(s);
}

static void named_peer_side(bool first)
{
    struct rt_name n, e1, e2;
    HANDLE s = NULL, ready = NULL, done = NULL;
    CHECK_STATUS(NtCreateEvent(&ready, EVENT_ALL_ACCESS,
                               rt_named(&e1, "\\BaseNamedObjects\\PagodaPeerReady", OBJ_OPENIF),
                               NotificationEvent, 0),
                 first ? STATUS_SUCCESS : STATUS_OBJECT_NAME_EXISTS);
    CHECK_STATUS(NtCreateEvent(&done, EVENT_ALL_ACCESS,
                               rt_named(&e2, "\\BaseNamedObjects\\PagodaPeerDone", OBJ_OPENIF),
                               NotificationEvent, 0),
                 first ? STATUS_SUCCESS : STATUS_OBJECT_NAME_EXISTS);
    int64_t size = PAGE_SIZE;
    CHECK_STATUS(NtCreateSection(&s, SECTION_ALL_ACCESS,
                                 rt_named(&n, "\\BaseNamedObjects\\PagodaPeerSection", OBJ_OPENIF),
                                 &size, PAGE_READWRITE, SEC_COMMIT, NULL),
                 first ? STATUS_SUCCESS : STATUS_OBJECT_NAME_EXISTS);
    volatile uint32_t *v = map(s, 0, 0, PAGE_READWRITE);
    if (first) {
        v[0] = 0x11111111;
        NtSetEvent(ready, NULL);
        CHECK_EQ(rt_wait_ms(done, 20000), STATUS_SUCCESS);
        CHECK_EQ(v[1], 0x22222222); /* the peer's write */
    } else {
        CHECK_EQ(rt_wait_ms(ready, 20000), STATUS_SUCCESS);
        CHECK_EQ(v[0], 0x11111111);
        v[1] = 0x22222222;
        NtSetEvent(done, NULL);
    }
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)v);
    NtClose(s);
    NtClose(ready);
    NtClose(done);
}

static void test_named_first(void) { named_peer_side(true); }
static void test_named_second(void) { named_peer_side(false); }

/* A data file mapped: the view shows the file; writes through the view are seen by NtReadFile at
 * once, NtWriteFile by the view; flushed and unmapped, the file holds them. */
static void test_file_view(void)
{
    HANDLE f = open_file("Tests\\SectionData.bin", RW_ACCESS, FILE_OVERWRITE_IF);
    static uint8_t data[3 * PAGE_SIZE];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    int64_t zero = 0;
    CHECK_STATUS(NtWriteFile(f, NULL, NULL, NULL, &iosb, data, sizeof data, &zero, NULL),
                 STATUS_SUCCESS);
    HANDLE s = section(NULL, 0, PAGE_READWRITE, SEC_COMMIT, f);
    volatile uint8_t *v = map(s, 0, 0, PAGE_READWRITE);
    CHECK_EQ(query((const void *)v).RegionSize, sizeof data);
    CHECK_EQ(v[0], data[0]);
    CHECK_EQ(v[PAGE_SIZE + 3], data[PAGE_SIZE + 3]);
    CHECK_EQ(v[sizeof data - 1], data[sizeof data - 1]);
    v[10] = 0xAA; /* a view's write: NtReadFile sees it at once */
    uint8_t back[16];
    int64_t at = 8;
    CHECK_STATUS(NtReadFile(f, NULL, NULL, NULL, &iosb, back, 4, &at, NULL), STATUS_SUCCESS);
    CHECK_EQ(back[2], 0xAA);
    static const uint8_t patch[3] = {0x55, 0x66, 0x77}; /* NtWriteFile: the view sees it */
    at = PAGE_SIZE + 100;
    CHECK_STATUS(NtWriteFile(f, NULL, NULL, NULL, &iosb, patch, sizeof patch, &at, NULL),
                 STATUS_SUCCESS);
    CHECK_EQ(v[PAGE_SIZE + 101], 0x66);
    void *base = (void *)v;
    size_t size = 0;
    CHECK_STATUS(NtFlushVirtualMemory(NtCurrentProcess(), &base, &size, &iosb), STATUS_SUCCESS);
    CHECK_EQ(size, sizeof data);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)v), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(s), STATUS_SUCCESS);
    at = 8;
    CHECK_STATUS(NtReadFile(f, NULL, NULL, NULL, &iosb, back, 4, &at, NULL), STATUS_SUCCESS);
    CHECK_EQ(back[2], 0xAA); /* on the disk now: the segment is gone */
    NtClose(f);
}

/* A writable section larger than its file extends the file; a read-only one may not. */
static void test_file_extend(void)
{
    HANDLE f = open_file("Tests\\SectionGrow.bin", RW_ACCESS, FILE_OVERWRITE_IF);
    int64_t zero = 0;
    CHECK_STATUS(NtWriteFile(f, NULL, NULL, NULL, &iosb, "abc", 3, &zero, NULL), STATUS_SUCCESS);
    HANDLE s = NULL;
    int64_t size = 2 * PAGE_SIZE + 1;
    CHECK_STATUS(NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &size, PAGE_READONLY, SEC_COMMIT, f),
                 STATUS_SECTION_TOO_BIG);
    s = section(NULL, size, PAGE_READWRITE, SEC_COMMIT, f);
    FILE_STANDARD_INFORMATION info;
    CHECK_STATUS(NtQueryInformationFile(f, &iosb, &info, sizeof info, FileStandardInformation),
                 STATUS_SUCCESS);
    CHECK_EQ((uint32_t)info.EndOfFile, 2 * PAGE_SIZE + 1);
    volatile uint8_t *v = map(s, 0, 0, PAGE_READWRITE);
    CHECK_EQ(v[0], 'a');
    CHECK_EQ(v[2 * PAGE_SIZE], 0);
    v[2 * PAGE_SIZE] = 'z';
    /* A mapped file can be neither deleted nor truncated. */
    FILE_DISPOSITION_INFORMATION del = {1};
    CHECK_STATUS(NtSetInformationFile(f, &iosb, &del, sizeof del, FileDispositionInformation),
                 STATUS_CANNOT_DELETE);
    FILE_END_OF_FILE_INFORMATION eof = {1};
    CHECK_STATUS(NtSetInformationFile(f, &iosb, &eof, sizeof eof, FileEndOfFileInformation),
                 STATUS_USER_MAPPED_FILE);
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)v);
    NtClose(s);
    uint8_t c = 0;
    int64_t at = 2 * PAGE_SIZE;
    CHECK_STATUS(NtReadFile(f, NULL, NULL, NULL, &iosb, &c, 1, &at, NULL), STATUS_SUCCESS);
    CHECK_EQ(c, 'z');
    CHECK_STATUS(NtSetInformationFile(f, &iosb, &del, sizeof del, FileDispositionInformation),
                 STATUS_SUCCESS);
    NtClose(f);
}

static void test_statuses(void)
{
    HANDLE s = section(NULL, 4 * PAGE_SIZE, PAGE_READONLY, SEC_COMMIT, NULL), bad = NULL;
    void *base = NULL;
    size_t size = 0;
    int64_t offset = PAGE_SIZE, size64 = PAGE_SIZE;
    CHECK_STATUS(NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewUnmap,
                                    0, PAGE_READONLY),
                 STATUS_MAPPED_ALIGNMENT);
    offset = 0;
    size = 5 * PAGE_SIZE;
    CHECK_STATUS(NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewUnmap,
                                    0, PAGE_READONLY),
                 STATUS_INVALID_VIEW_SIZE);
    size = 0;
    CHECK_STATUS(NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewUnmap,
                                    0, PAGE_READWRITE),
                 STATUS_SECTION_PROTECTION);
    CHECK_STATUS(
        NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, &offset, &size, 3, 0, PAGE_READONLY),
        STATUS_INVALID_PARAMETER_8);
    base = (void *)0x12345000;
    CHECK_STATUS(NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewUnmap,
                                    0, PAGE_READONLY),
                 STATUS_MAPPED_ALIGNMENT);
    base = (void *)0xC0000000u;
    CHECK_STATUS(NtMapViewOfSection(s, NtCurrentProcess(), (void **)0xC0000000u, 0, 0, &offset,
                                    &size, ViewUnmap, 0, PAGE_READONLY),
                 STATUS_ACCESS_VIOLATION);
    CHECK_STATUS(
        NtCreateSection(&bad, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READWRITE, SEC_COMMIT, NULL),
        STATUS_INVALID_PARAMETER_4);
    CHECK_STATUS(NtCreateSection(&bad, SECTION_ALL_ACCESS, NULL, &size64, PAGE_READWRITE,
                                 SEC_COMMIT | SEC_RESERVE, NULL),
                 STATUS_INVALID_PARAMETER_6);
    CHECK_STATUS(NtCreateSection(&bad, SECTION_ALL_ACCESS, NULL, &size64, PAGE_READWRITE, 0, NULL),
                 STATUS_INVALID_PARAMETER_6);
    CHECK_STATUS(NtCreateSection(&bad, SECTION_ALL_ACCESS, NULL, &size64, 0x3, SEC_COMMIT, NULL),
                 STATUS_INVALID_PAGE_PROTECTION);
    size_t small = PAGE_SIZE;
    void *private = NULL;
    CHECK_STATUS(NtAllocateVirtualMemory(NtCurrentProcess(), &private, 0, &small,
                                         MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), private), STATUS_NOT_MAPPED_VIEW);
    small = 0;
    CHECK_STATUS(NtFlushVirtualMemory(NtCurrentProcess(), &private, &small, &iosb),
                 STATUS_NOT_MAPPED_DATA);
    small = 0;
    CHECK_STATUS(NtFreeVirtualMemory(NtCurrentProcess(), &private, &small, MEM_RELEASE),
                 STATUS_SUCCESS);
    HANDLE f = open_file("Tests\\SectionEmpty.bin", RW_ACCESS, FILE_OVERWRITE_IF);
    CHECK_STATUS(
        NtCreateSection(&bad, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READONLY, SEC_COMMIT, f),
        STATUS_MAPPED_FILE_SIZE_ZERO);
    FILE_DISPOSITION_INFORMATION del = {1};
    NtSetInformationFile(f, &iosb, &del, sizeof del, FileDispositionInformation);
    NtClose(f);
    NtClose(s);
}

int main(int argc, char **argv)
{
    static const struct rt_subtest tests[] = {
        {"alias", test_alias},
        {"writecopy", test_writecopy},
        {"reserve", test_reserve},
        {"named", test_named},
        {"file_view", test_file_view},
        {"file_extend", test_file_extend},
        {"statuses", test_statuses},
        {"named_first", test_named_first},
        {"named_second", test_named_second},
    };
    if (argc > 1 && argv[1][0])
        drive = argv[1][0];
    return rt_run_subtests(argc > 1 ? argc - 1 : argc, argc > 1 ? argv + 1 : argv, tests,
                           sizeof tests / sizeof tests[0]);
}
