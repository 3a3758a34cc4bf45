/* tests/user/pagein.c: page-ins of mapped files, driven by tests/kernel/mm_pagein.c: several
 * threads fault on one page that is not yet read (collided faults: one read, every thread sees the
 * data), a process ended while its threads wait for a page-in, and a page whose read fails (under
 * tests/run's blkdebug entry): a touch ends the process with STATUS_IN_PAGE_ERROR, a system call's
 * copy returns it. Arguments: the drive, then the sub-tests. The kernel side may give two named
 * events: the program signals PagodaPageinReady when its checks are done and waits for
 * PagodaPageinGo before it unmaps, so the kernel can read the segment's counters while the view
 * exists. */
#include "kernel/rtl/format.h"
#include "user/rt/rt.h"

#define VIEW_BASE  0x30000000u /* fixed, so the kernel test finds the view */
#define FILE_PAGES 4u
#define HOT_PAGE   2u /* the page the threads collide on (the kernel's gate holds its read) */
#define COLLIDERS  4u
#define SHARE_ALL  (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

static char drive = 'C';
static IO_STATUS_BLOCK iosb;
static volatile uint8_t *view;
static HANDLE start_event;

static uint8_t pattern_byte(uint32_t i) { return (uint8_t)(i * 7 + i / PAGE_SIZE + 3); }

static uint32_t pattern_word(uint32_t at)
{
    return pattern_byte(at) | pattern_byte(at + 1) << 8 | pattern_byte(at + 2) << 16 |
           (uint32_t)pattern_byte(at + 3) << 24;
}

static HANDLE open_file(const char *name, uint32_t disposition)
{
    char path[64];
    struct rt_name n;
    HANDLE h = NULL;
    rtl_snprintf(path, sizeof path, "\\??\\%c:\\%s", drive, name);
    CHECK_STATUS(NtCreateFile(&h, FILE_READ_DATA | FILE_WRITE_DATA | SYNCHRONIZE | DELETE,
                              rt_named(&n, path, 0), &iosb, NULL, 0, SHARE_ALL, disposition,
                              FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0),
                 STATUS_SUCCESS);
    return h;
}

/* A new file of FILE_PAGES pages of the pattern, mapped read-only at VIEW_BASE. */
static HANDLE map_new_file(const char *name, HANDLE *section)
{
    static uint8_t data[FILE_PAGES * PAGE_SIZE];
    for (uint32_t i = 0; i < sizeof data; i++)
        data[i] = pattern_byte(i);
    HANDLE f = open_file(name, FILE_OVERWRITE_IF);
    int64_t zero = 0;
    CHECK_STATUS(NtWriteFile(f, NULL, NULL, NULL, &iosb, data, sizeof data, &zero, NULL),
                 STATUS_SUCCESS);
    CHECK_STATUS(
        NtCreateSection(section, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READONLY, SEC_COMMIT, f),
        STATUS_SUCCESS);
    void *base = (void *)VIEW_BASE;
    size_t size = 0;
    CHECK_STATUS(NtMapViewOfSection(*section, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                    ViewUnmap, 0, PAGE_READONLY),
                 STATUS_SUCCESS);
    view = base;
    return f;
}

static void unmap_and_delete(HANDLE f, HANDLE section)
{
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)view), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(section), STATUS_SUCCESS);
    FILE_DISPOSITION_INFORMATION del = {1};
    CHECK_STATUS(NtSetInformationFile(f, &iosb, &del, sizeof del, FileDispositionInformation),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(f), STATUS_SUCCESS);
}

/* The kernel side's handshake, when it gave the events. */
static void tell_kernel_and_wait(void)
{
    struct rt_name a, b;
    HANDLE ready = NULL, go = NULL;
    if (!NT_SUCCESS(NtOpenEvent(&ready, EVENT_ALL_ACCESS,
                                rt_named(&a, "\\BaseNamedObjects\\PagodaPageinReady", 0))))
        return;
    CHECK_STATUS(
        NtOpenEvent(&go, EVENT_ALL_ACCESS, rt_named(&b, "\\BaseNamedObjects\\PagodaPageinGo", 0)),
        STATUS_SUCCESS);
    CHECK_STATUS(NtSetEvent(ready, NULL), STATUS_SUCCESS);
    CHECK_STATUS(rt_wait_ms(go, 30000), STATUS_SUCCESS);
    NtClose(ready);
    NtClose(go);
}

static NTSTATUS touch_hot_page(void *arg)
{
    (void)arg;
    NtWaitForSingleObject(start_event, 0, NULL);
    return (NTSTATUS) * (volatile uint32_t *)(view + HOT_PAGE * PAGE_SIZE + 8);
}

/* COLLIDERS threads released together touch the same page, which no one has read yet. */
static void test_collide(void)
{
    HANDLE section = NULL, f = map_new_file("Collide.bin", &section);
    start_event = rt_new_event(NotificationEvent, 0);
    HANDLE threads[COLLIDERS];
    for (uint32_t i = 0; i < COLLIDERS; i++)
        threads[i] = rt_start_thread(touch_hot_page, NULL);
    CHECK_STATUS(NtSetEvent(start_event, NULL), STATUS_SUCCESS);
    for (uint32_t i = 0; i < COLLIDERS; i++)
        CHECK_EQ(rt_join(threads[i]), pattern_word(HOT_PAGE * PAGE_SIZE + 8));
    CHECK_EQ(*(volatile uint32_t *)(view + PAGE_SIZE + 4), pattern_word(PAGE_SIZE + 4));
    tell_kernel_and_wait();
    NtClose(start_event);
    unmap_and_delete(f, section);
}

static NTSTATUS touch_hot_page_now(void *arg)
{
    (void)arg;
    return (NTSTATUS) * (volatile uint32_t *)(view + HOT_PAGE * PAGE_SIZE);
}

/* Two threads wait for the hot page (one reads, one collides) until the kernel test ends the
 * process; nothing after the touch may run. */
static void test_inpage_wait(void)
{
    HANDLE section = NULL, f = map_new_file("Wait.bin", &section);
    HANDLE other = rt_start_thread(touch_hot_page_now, NULL);
    (void)touch_hot_page_now(NULL);
    FAIL("the page-in of a process being ended completed into user mode");
    rt_join(other);
    unmap_and_delete(f, section);
}

static HANDLE racer_file, racer_parked;
static uint8_t racer_buffer[16];

/* Reads the hot page with NtReadFile when the kernel test says so: while the segment's last
 * reference is writing that page back. */
static NTSTATUS read_during_flush(void *arg)
{
    (void)arg;
    struct rt_name a, b;
    HANDLE ready = NULL, go = NULL;
    if (!NT_SUCCESS(NtOpenEvent(&go, EVENT_ALL_ACCESS,
                                rt_named(&a, "\\BaseNamedObjects\\PagodaPageinGo", 0))) ||
        !NT_SUCCESS(NtOpenEvent(&ready, EVENT_ALL_ACCESS,
                                rt_named(&b, "\\BaseNamedObjects\\PagodaPageinReady", 0))))
        return STATUS_OBJECT_NAME_NOT_FOUND;
    NtSetEvent(racer_parked, NULL);
    CHECK_STATUS(rt_wait_ms(go, 30000), STATUS_SUCCESS);
    int64_t at = HOT_PAGE * PAGE_SIZE;
    CHECK_STATUS(NtReadFile(racer_file, NULL, NULL, NULL, &iosb, racer_buffer, sizeof racer_buffer,
                            &at, NULL),
                 STATUS_SUCCESS);
    NtSetEvent(ready, NULL);
    NtClose(ready);
    NtClose(go);
    return racer_buffer[5];
}

/* The last view goes while a page is modified: its write-back (held at the kernel test's gate)
 * runs while another thread's NtReadFile looks for the file's cached pages. The read must see the
 * view's byte, and the segment must go exactly once. */
static void test_flush_race(void)
{
    HANDLE f = open_file("Race.bin", FILE_OVERWRITE_IF), section = NULL;
    int64_t size = FILE_PAGES * PAGE_SIZE; /* the section extends the empty file: no write */
    CHECK_STATUS(
        NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, &size, PAGE_READWRITE, SEC_COMMIT, f),
        STATUS_SUCCESS);
    void *base = (void *)VIEW_BASE;
    size_t view_size = 0;
    CHECK_STATUS(NtMapViewOfSection(section, NtCurrentProcess(), &base, 0, 0, NULL, &view_size,
                                    ViewUnmap, 0, PAGE_READWRITE),
                 STATUS_SUCCESS);
    view = base;
    ((volatile uint8_t *)view)[HOT_PAGE * PAGE_SIZE + 5] = 0x5A;
    CHECK_STATUS(NtClose(section), STATUS_SUCCESS);
    racer_file = f;
    /* The racer's buffer and stack are resident before the unmap, which holds this address space's
     * lock while it writes back: the racer must never fault meanwhile. */
    racer_buffer[0] = 1;
    racer_parked = rt_new_event(NotificationEvent, 0);
    HANDLE racer = rt_start_thread(read_during_flush, NULL);
    CHECK_STATUS(rt_wait_ms(racer_parked, 30000), STATUS_SUCCESS);
    NtClose(racer_parked);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)view), STATUS_SUCCESS);
    CHECK_EQ(rt_join(racer), 0x5A);
    uint8_t back[8];
    int64_t at = HOT_PAGE * PAGE_SIZE;
    CHECK_STATUS(NtReadFile(f, NULL, NULL, NULL, &iosb, back, sizeof back, &at, NULL),
                 STATUS_SUCCESS);
    CHECK_EQ(back[5], 0x5A);
    FILE_DISPOSITION_INFORMATION del = {1};
    CHECK_STATUS(NtSetInformationFile(f, &iosb, &del, sizeof del, FileDispositionInformation),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(f), STATUS_SUCCESS);
}

/* ---- an unreadable page: on C:, tests/run's blkdebug entry fails the reads of one sector of
 * \Tests\Sizes\size-3145728.bin inside its page BAD_PAGE; on the kernel test's ramfs, its gate
 * fails the reads of HOT_PAGE of a file of the pattern ---- */
#define BAD_FILE "Tests\\Sizes\\size-3145728.bin"
#define BAD_PAGE 5u

static uint32_t bad_page;

static uint8_t file_byte(uint32_t i)
{
    return drive == 'C' ? (uint8_t)(i * 31 + 3145728u) : pattern_byte(i);
}

static HANDLE map_bad_file(HANDLE *section)
{
    if (drive != 'C') {
        bad_page = HOT_PAGE;
        return map_new_file("Bad.bin", section);
    }
    bad_page = BAD_PAGE;
    HANDLE f = open_file(BAD_FILE, FILE_OPEN);
    CHECK_STATUS(
        NtCreateSection(section, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READONLY, SEC_COMMIT, f),
        STATUS_SUCCESS);
    void *base = NULL;
    size_t size = 0;
    CHECK_STATUS(NtMapViewOfSection(*section, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                    ViewUnmap, 0, PAGE_READONLY),
                 STATUS_SUCCESS);
    view = base;
    return f;
}

/* A touch of the page ends the process with STATUS_IN_PAGE_ERROR: the kernel test checks it. */
static void test_inpage_touch(void)
{
    HANDLE section = NULL;
    map_bad_file(&section);
    CHECK_EQ(view[(bad_page - 1) * PAGE_SIZE + 1], file_byte((bad_page - 1) * PAGE_SIZE + 1));
    (void)view[bad_page * PAGE_SIZE + 100];
    FAIL("a page whose read failed was mapped");
}

/* A system call's copy from the page returns STATUS_IN_PAGE_ERROR; the pages around it read, and a
 * second try fails the same way (the failed read left nothing behind). */
static void test_inpage_copy(void)
{
    HANDLE section = NULL, f = map_bad_file(&section);
    HANDLE out = open_file("InPage.bin", FILE_OVERWRITE_IF);
    int64_t zero = 0;
    const void *bad = (const void *)(view + bad_page * PAGE_SIZE);
    for (int attempt = 0; attempt < 2; attempt++)
        CHECK_STATUS(NtWriteFile(out, NULL, NULL, NULL, &iosb, bad, 16, &zero, NULL),
                     STATUS_IN_PAGE_ERROR);
    CHECK_STATUS(NtWriteFile(out, NULL, NULL, NULL, &iosb,
                             (const void *)(view + (bad_page + 1) * PAGE_SIZE), PAGE_SIZE, &zero,
                             NULL),
                 STATUS_SUCCESS);
    uint8_t back[4];
    CHECK_STATUS(NtReadFile(out, NULL, NULL, NULL, &iosb, back, sizeof back, &zero, NULL),
                 STATUS_SUCCESS);
    CHECK_EQ(back[3], file_byte((bad_page + 1) * PAGE_SIZE + 3));
    /* NtReadFile of the same bytes gets the device's status. */
    int64_t at = bad_page * PAGE_SIZE;
    CHECK_STATUS(NtReadFile(f, NULL, NULL, NULL, &iosb, back, sizeof back, &at, NULL),
                 STATUS_DEVICE_DATA_ERROR);
    CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), (void *)view), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(section), STATUS_SUCCESS);
    FILE_DISPOSITION_INFORMATION del = {1};
    CHECK_STATUS(NtSetInformationFile(out, &iosb, &del, sizeof del, FileDispositionInformation),
                 STATUS_SUCCESS);
    NtClose(out);
    NtClose(f);
}

int main(int argc, char **argv)
{
    static const struct rt_subtest tests[] = {
        {"collide", test_collide},         {"inpage_wait", test_inpage_wait},
        {"flush_race", test_flush_race},   {"inpage_touch", test_inpage_touch},
        {"inpage_copy", test_inpage_copy},
    };
    if (argc > 1 && argv[1][0])
        drive = argv[1][0];
    return rt_run_subtests(argc > 1 ? argc - 1 : argc, argc > 1 ? argv + 1 : argv, tests,
                           sizeof tests / sizeof tests[0]);
}
