/* tests/user/sections.c: sections and views as NT defines them: pagefile-backed sections with
 * SEC_COMMIT and SEC_RESERVE, two views of one section aliasing, copy-on-write views, named
 * sections shared with another process, data-file sections whose views and NtReadFile/NtWriteFile
 * see each other at once, flushing, and the statuses of bad requests. Argument: the drive of the
 * file tests, then the sub-tests to run (all by default). */
#include "kernel/rtl/format.h"
#include "user/rt/rt.h"

static char drive = 'C';
static IO_STATUS_BLOCK iosb;

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
#define RW_ACCESS (FILE_READ_DATA | FILE_WRITE_DATA | SYNCHRONIZE | DELETE)

static const char *path(const char *name)
{
    static char buffer[96];
    rtl_snprintf(buffer, sizeof buffer, "\\??\\%c:\\%s", drive, name);
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

/* ---- two processes, one shared and one copy-on-write (the kernel test starts "cow_first" and
 * "cow_second" together) ---- */

static HANDLE step_event(int step)
{
    char name[64];
    struct rt_name n;
    HANDLE h = NULL;
    rtl_snprintf(name, sizeof name, "\\BaseNamedObjects\\PagodaCowStep%d", step);
    CHECK(NT_SUCCESS(
        NtCreateEvent(&h, EVENT_ALL_ACCESS, rt_named(&n, name, OBJ_OPENIF), NotificationEvent, 0)));
    return h;
}

static void signal_step(HANDLE *steps, int step) { NtSetEvent(steps[step], NULL); }
static void await_step(HANDLE *steps, int step) { CHECK_EQ(rt_wait_ms(steps[step], 20000), 0); }

#define COW_SECTION "\\BaseNamedObjects\\PagodaCowSection"

/* The first process maps a file's named section shared and writes it; the second maps it
 * copy-on-write (and shared). The second's copies stay its own, its untouched copy-on-write page
 * follows the first's writes, and only the first's writes reach the file. */
static void test_cow_first(void)
{
    HANDLE steps[5];
    for (int i = 1; i <= 4; i++)
        steps[i] = step_event(i);
    HANDLE f = open_file("Tests\\SectionCow.bin", RW_ACCESS, FILE_OVERWRITE_IF);
    static uint8_t data[2 * PAGE_SIZE];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 3 + 1);
    int64_t zero = 0;
    CHECK_STATUS(NtWriteFile(f, NULL, NULL, NULL, &iosb, data, sizeof data, &zero, NULL),
                 STATUS_SUCCESS);
    HANDLE s = section(COW_SECTION, 0, PAGE_READWRITE, SEC_COMMIT, f);
    volatile uint8_t *v = map(s, 0, 0, PAGE_READWRITE);
    v[0] = 0x11;
    signal_step(steps, 1);
    await_step(steps, 2); /* the second process has written its copy of page 0 */
    CHECK_EQ(v[0], 0x11);
    v[0] = 0x33;
    v[PAGE_SIZE + 1] = 0x44;
    signal_step(steps, 3);
    await_step(steps, 4); /* the second process has checked and unmapped */
    CHECK_EQ(v[PAGE_SIZE + 1], 0x44);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)v), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(s), STATUS_SUCCESS);
    uint8_t back[PAGE_SIZE + 2];
    CHECK_STATUS(NtReadFile(f, NULL, NULL, NULL, &iosb, back, sizeof back, &zero, NULL),
                 STATUS_SUCCESS);
    CHECK_EQ(back[0], 0x33);
    CHECK_EQ(back[1], data[1]);
    CHECK_EQ(back[PAGE_SIZE + 1], 0x44);
    FILE_DISPOSITION_INFORMATION del = {1};
    CHECK_STATUS(NtSetInformationFile(f, &iosb, &del, sizeof del, FileDispositionInformation),
                 STATUS_SUCCESS);
    NtClose(f);
    for (int i = 1; i <= 4; i++)
        NtClose(steps[i]);
}

static void test_cow_second(void)
{
    HANDLE steps[5];
    for (int i = 1; i <= 4; i++)
        steps[i] = step_event(i);
    await_step(steps, 1);
    struct rt_name n;
    HANDLE s = NULL;
    CHECK_STATUS(
        NtOpenSection(&s, SECTION_MAP_READ | SECTION_MAP_WRITE, rt_named(&n, COW_SECTION, 0)),
        STATUS_SUCCESS);
    volatile uint8_t *copy = map(s, 0, 0, PAGE_WRITECOPY), *shared = map(s, 0, 0, PAGE_READWRITE);
    CHECK_EQ(copy[0], 0x11);
    copy[0] = 0x22; /* a private copy of page 0 */
    CHECK_EQ(shared[0], 0x11);
    CHECK_EQ(copy[0], 0x22);
    CHECK_EQ(copy[1], 1 * 3 + 1); /* the rest of the page was copied */
    CHECK_EQ(copy[PAGE_SIZE - 1], (uint8_t)((PAGE_SIZE - 1) * 3 + 1));
    CHECK_EQ(query((const void *)copy).Protect, PAGE_READWRITE);
    CHECK_EQ(query((const void *)(copy + PAGE_SIZE)).Protect, PAGE_WRITECOPY);
    signal_step(steps, 2);
    await_step(steps, 3); /* the first process wrote pages 0 and 1 */
    CHECK_EQ(copy[0], 0x22); /* the copy stays */
    CHECK_EQ(shared[0], 0x33);
    CHECK_EQ(copy[PAGE_SIZE + 1], 0x44); /* the untouched page follows the section */
    copy[PAGE_SIZE + 1] = 0x55;
    CHECK_EQ(shared[PAGE_SIZE + 1], 0x44);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)copy), STATUS_SUCCESS);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)shared), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(s), STATUS_SUCCESS);
    signal_step(steps, 4);
    for (int i = 1; i <= 4; i++)
        NtClose(steps[i]);
}

/* ---- coherence of views, NtReadFile and NtWriteFile over several pages ---- */

#define COHERENT_SIZE (5 * PAGE_SIZE + 100)

static uint8_t coherent[8 * PAGE_SIZE]; /* what the file must hold */

static bool view_matches(volatile const uint8_t *v, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to; i++)
        if (v[i] != coherent[i]) {
            FAIL("view byte %u is %02x, the file's is %02x", i, v[i], coherent[i]);
            return false;
        }
    return true;
}

/* NtReadFile of [from, to) must return the bytes the file holds, stopping at end (its size). */
static bool read_matches(HANDLE f, uint32_t from, uint32_t to, uint32_t end)
{
    static uint8_t back[8 * PAGE_SIZE];
    int64_t at = from;
    NTSTATUS status = NtReadFile(f, NULL, NULL, NULL, &iosb, back, to - from, &at, NULL);
    uint32_t expect = MIN(to, end) - from;
    if (!CHECK_STATUS(status, STATUS_SUCCESS) || !CHECK_EQ(iosb.Information, expect))
        return false;
    for (uint32_t i = 0; i < expect; i++)
        if (back[i] != coherent[from + i]) {
            FAIL("NtReadFile byte %u is %02x, the file's is %02x", from + i, back[i],
                 coherent[from + i]);
            return false;
        }
    return true;
}

static void write_file(HANDLE f, uint32_t at, const uint8_t *data, uint32_t length)
{
    int64_t offset = at;
    CHECK_STATUS(NtWriteFile(f, NULL, NULL, NULL, &iosb, data, length, &offset, NULL),
                 STATUS_SUCCESS);
    memcpy(coherent + at, data, length);
}

/* A file of five pages and 100 bytes, mapped whole: writes through NtWriteFile that span pages in
 * memory and pages not yet read, writes through the view that span pages up to the partial last
 * one, writes that extend the file while it is mapped (into the view's last page and past the
 * view), then both flushes; a new view after the segment went reads it all back from the disk. */
static void test_file_coherence(void)
{
    HANDLE f = open_file("Tests\\SectionCoherent.bin", RW_ACCESS, FILE_OVERWRITE_IF);
    memset(coherent, 0, sizeof coherent);
    static uint8_t data[COHERENT_SIZE];
    for (unsigned i = 0; i < COHERENT_SIZE; i++)
        data[i] = (uint8_t)(i * 11 + 5);
    write_file(f, 0, data, COHERENT_SIZE);
    HANDLE s = section(NULL, 0, PAGE_READWRITE, SEC_COMMIT, f);
    volatile uint8_t *v = map(s, 0, 0, PAGE_READWRITE);
    CHECK_EQ(query((const void *)v).RegionSize, 6 * PAGE_SIZE);
    CHECK_EQ(v[PAGE_SIZE], data[PAGE_SIZE]); /* pages 1 and 3 resident, 2 not */
    CHECK_EQ(v[3 * PAGE_SIZE + 7], data[3 * PAGE_SIZE + 7]);
    /* NtWriteFile across pages 1-3, unaligned at both ends. */
    static uint8_t patch[2 * PAGE_SIZE + 500];
    for (unsigned i = 0; i < sizeof patch; i++)
        patch[i] = (uint8_t)(0xC0 ^ i);
    write_file(f, PAGE_SIZE + 1000, patch, sizeof patch);
    view_matches(v, 0, COHERENT_SIZE);
    /* The view across pages 3-5, to 50 bytes before the end of the file. */
    for (uint32_t i = 3 * PAGE_SIZE + 4000; i < COHERENT_SIZE - 50; i++)
        v[i] = coherent[i] = (uint8_t)(i ^ 0x3C);
    read_matches(f, 3 * PAGE_SIZE + 3990, 6 * PAGE_SIZE, COHERENT_SIZE);
    read_matches(f, 0, COHERENT_SIZE, COHERENT_SIZE);
    view_matches(v, COHERENT_SIZE, 6 * PAGE_SIZE); /* past the end of the file: zeros */
    /* Extending writes: into the view's last page, then past the view. */
    static uint8_t tail[300], far[100];
    memset(tail, 'E', sizeof tail);
    memset(far, 'F', sizeof far);
    write_file(f, COHERENT_SIZE, tail, sizeof tail);
    view_matches(v, 5 * PAGE_SIZE, 6 * PAGE_SIZE);
    write_file(f, 7 * PAGE_SIZE + 10, far, sizeof far);
    uint32_t size = 7 * PAGE_SIZE + 10 + sizeof far;
    FILE_STANDARD_INFORMATION info;
    CHECK_STATUS(NtQueryInformationFile(f, &iosb, &info, sizeof info, FileStandardInformation),
                 STATUS_SUCCESS);
    CHECK_EQ((uint32_t)info.EndOfFile, size);
    read_matches(f, 5 * PAGE_SIZE, 8 * PAGE_SIZE, size); /* the gap reads as zeros */
    view_matches(v, 0, 6 * PAGE_SIZE);
    /* Both flushes; then the segment goes and a new one reads the disk. */
    v[2 * PAGE_SIZE + 9] = coherent[2 * PAGE_SIZE + 9] = 0x99;
    void *base = (void *)v;
    size_t length = 0;
    CHECK_STATUS(NtFlushVirtualMemory(NtCurrentProcess(), &base, &length, &iosb), STATUS_SUCCESS);
    CHECK_STATUS(NtFlushBuffersFile(f, &iosb), STATUS_SUCCESS);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)v), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(s), STATUS_SUCCESS);
    read_matches(f, 0, 8 * PAGE_SIZE, size);
    s = section(NULL, 0, PAGE_READONLY, SEC_COMMIT, f);
    v = map(s, 0, 0, PAGE_READONLY);
    view_matches(v, 0, 8 * PAGE_SIZE);
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)v);
    NtClose(s);
    FILE_DISPOSITION_INFORMATION del = {1};
    CHECK_STATUS(NtSetInformationFile(f, &iosb, &del, sizeof del, FileDispositionInformation),
                 STATUS_SUCCESS);
    NtClose(f);
}

/* ---- commit, memory and a long map/unmap loop (driven by tests/kernel/mm_sections.c) ---- */

/* The most pages (at most 1024) a SEC_COMMIT section could charge now: found by trying. */
static uint32_t commit_room(void)
{
    uint32_t low = 0, high = 1024;
    while (low < high) {
        uint32_t mid = (low + high + 1) / 2;
        HANDLE h = NULL;
        int64_t size = (int64_t)mid * PAGE_SIZE;
        NTSTATUS status =
            NtCreateSection(&h, SECTION_ALL_ACCESS, NULL, &size, PAGE_READWRITE, SEC_COMMIT, NULL);
        if (NT_SUCCESS(status)) {
            NtClose(h);
            low = mid;
        } else {
            CHECK_STATUS(status, STATUS_COMMITMENT_LIMIT);
            high = mid - 1;
        }
    }
    return low;
}

static NTSTATUS try_map(HANDLE s, size_t size, uint32_t protection, void **base)
{
    int64_t offset = 0;
    *base = NULL;
    return NtMapViewOfSection(s, NtCurrentProcess(), base, 0, 0, &offset, &size, ViewUnmap, 0,
                              protection);
}

/* The kernel test sets the commit limit 512 pages above what was charged when it started this
 * process (fewer, down to about 60, on a machine with little RAM; this process's own charges take
 * some of them). SEC_COMMIT sections charge their size at creation, SEC_RESERVE pages as they are
 * committed, copy-on-write views their size at map time; other views of a file charge nothing. */
static void test_commit_limit(void)
{
    uint32_t room = commit_room();
    if (!CHECK(room >= 32 && room < 512))
        return;
    HANDLE bad = NULL;
    int64_t size = (int64_t)(room + 1) * PAGE_SIZE;
    CHECK_STATUS(
        NtCreateSection(&bad, SECTION_ALL_ACCESS, NULL, &size, PAGE_READWRITE, SEC_COMMIT, NULL),
        STATUS_COMMITMENT_LIMIT);
    /* SEC_RESERVE: nothing until pages are committed through a view. */
    HANDLE reserve = section(NULL, 4 * room * PAGE_SIZE, PAGE_READWRITE, SEC_RESERVE, NULL);
    CHECK_EQ(commit_room(), room);
    volatile uint8_t *v = map(reserve, 0, 0, PAGE_READWRITE);
    void *base = (void *)v;
    size_t length = (room + 1) * PAGE_SIZE;
    CHECK_STATUS(
        NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &length, MEM_COMMIT, PAGE_READWRITE),
        STATUS_COMMITMENT_LIMIT);
    CHECK_EQ(query((const void *)v).State, MEM_RESERVE);
    base = (void *)v;
    length = room / 2 * PAGE_SIZE;
    CHECK_STATUS(
        NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &length, MEM_COMMIT, PAGE_READWRITE),
        STATUS_SUCCESS);
    v[PAGE_SIZE] = 1;
    CHECK_EQ(commit_room(), room - room / 2);
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)v);
    NtClose(reserve);
    CHECK_EQ(commit_room(), room);
    /* Copy-on-write views of a 768-page file. */
    HANDLE f = open_file("Tests\\Sizes\\size-3145728.bin", FILE_READ_DATA | SYNCHRONIZE, FILE_OPEN);
    HANDLE file_section = section(NULL, 0, PAGE_READONLY, SEC_COMMIT, f);
    void *copy;
    CHECK_STATUS(try_map(file_section, 0, PAGE_WRITECOPY, &copy), STATUS_COMMITMENT_LIMIT);
    CHECK(copy == NULL);
    volatile uint8_t *whole = map(file_section, 0, 0, PAGE_READONLY);
    CHECK_EQ(commit_room(), room);
    CHECK_STATUS(try_map(file_section, room * PAGE_SIZE, PAGE_WRITECOPY, &copy), STATUS_SUCCESS);
    CHECK_EQ(commit_room(), 0);
    for (uint32_t i = 0; i < room; i++) /* the copies were paid for at map time */
        ((volatile uint8_t *)copy)[i * PAGE_SIZE] = whole[i * PAGE_SIZE] + 1;
    CHECK_EQ(commit_room(), 0);
    CHECK_STATUS(try_map(file_section, PAGE_SIZE, PAGE_WRITECOPY, &base), STATUS_COMMITMENT_LIMIT);
    NtUnmapViewOfSection(NtCurrentProcess(), copy);
    CHECK_EQ(commit_room(), room);
    NtUnmapViewOfSection(NtCurrentProcess(), (void *)whole);
    NtClose(file_section);
    NtClose(f);
}

/* 1,000 rounds of: a shared view of a file section written and read, a copy-on-write view written,
 * and a pagefile-backed section made, mapped, written and closed. The kernel test compares frames
 * and pool before and after. */
static void test_map_loop(void)
{
    HANDLE f = open_file("Tests\\SectionLoop.bin", RW_ACCESS, FILE_OVERWRITE_IF);
    HANDLE file_section = section(NULL, 4 * PAGE_SIZE, PAGE_READWRITE, SEC_COMMIT, f);
    for (uint32_t i = 0; i < 1000 && !rt_failures; i++) {
        volatile uint32_t *v = map(file_section, 0, 0, PAGE_READWRITE);
        CHECK_EQ(v[0], i);
        v[0] = i + 1;
        CHECK_EQ(v[PAGE_SIZE / 4], 0);
        volatile uint32_t *copy = map(file_section, 0, 0, PAGE_WRITECOPY);
        copy[2 * PAGE_SIZE / 4] = i;
        CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)copy), STATUS_SUCCESS);
        CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)v), STATUS_SUCCESS);
        HANDLE anonymous = section(NULL, 2 * PAGE_SIZE, PAGE_READWRITE, SEC_COMMIT, NULL);
        volatile uint32_t *a = map(anonymous, 0, 0, PAGE_READWRITE);
        a[PAGE_SIZE / 4] = i;
        CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)a), STATUS_SUCCESS);
        CHECK_STATUS(NtClose(anonymous), STATUS_SUCCESS);
    }
    CHECK_STATUS(NtClose(file_section), STATUS_SUCCESS);
    uint32_t first = 0, third = 1;
    int64_t at = 0;
    CHECK_STATUS(NtReadFile(f, NULL, NULL, NULL, &iosb, &first, 4, &at, NULL), STATUS_SUCCESS);
    at = 2 * PAGE_SIZE;
    CHECK_STATUS(NtReadFile(f, NULL, NULL, NULL, &iosb, &third, 4, &at, NULL), STATUS_SUCCESS);
    CHECK_EQ(first, 1000);
    CHECK_EQ(third, 0); /* the copies never reached the file */
    FILE_DISPOSITION_INFORMATION del = {1};
    CHECK_STATUS(NtSetInformationFile(f, &iosb, &del, sizeof del, FileDispositionInformation),
                 STATUS_SUCCESS);
    NtClose(f);
}

/* The kernel test leaves only a few frames free and lifts the commit limit: touching a 64 MiB
 * section (shared, or copy-on-write) runs out of frames, and the fault that finds none ends this
 * process with STATUS_NO_MEMORY. */
#define OOM_PAGES 16384u

static void touch_until_out_of_memory(uint32_t protection)
{
    HANDLE s = section(NULL, OOM_PAGES * PAGE_SIZE, PAGE_READWRITE, SEC_COMMIT, NULL);
    volatile uint8_t *v = map(s, 0, 0, protection);
    for (uint32_t i = 0; i < OOM_PAGES; i++)
        v[i * PAGE_SIZE] = 1;
    FAIL("%u pages touched: the frames never ran out", OOM_PAGES);
}

static void test_oom(void) { touch_until_out_of_memory(PAGE_READWRITE); }
static void test_oom_cow(void) { touch_until_out_of_memory(PAGE_WRITECOPY); }

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
        {"cow_first", test_cow_first},
        {"cow_second", test_cow_second},
        {"file_coherence", test_file_coherence},
        {"commit_limit", test_commit_limit},
        {"map_loop", test_map_loop},
        {"oom", test_oom},
        {"oom_cow", test_oom_cow},
    };
    if (argc > 1 && argv[1][0])
        drive = argv[1][0];
    return rt_run_subtests(argc > 1 ? argc - 1 : argc, argc > 1 ? argv + 1 : argv, tests,
                           sizeof tests / sizeof tests[0]);
}
