/* tests/user/racing.c: two threads call the same system services at once, each checking that it
 * gets its own answer. The kernel test runs it with every copy of user memory yielding first
 * (copyyield), so the threads meet inside the services at every copy: a service that kept its
 * caller's data in a static buffer across a copy handed it to the other thread, and two reads
 * through one synchronous handle both read at the position they found.
 * Sub-tests (argv[1]): query_name create_thread shared_position (skipped without C:). The exit
 * status is the number of failed checks. */
#include "user/rt/rt.h"

#define ROUNDS    40
#define BNO       "\\BaseNamedObjects\\"
#define NAME_MAX_ 64

static const LARGE_INTEGER_QUAD thirty_seconds = RT_RELATIVE_MS(30000);

/* Runs routine(arg[0]) and routine(arg[1]) on two threads at once and waits for both; their exit
 * statuses are their failed checks. */
static void race(rt_thread_routine routine, void *args[2])
{
    HANDLE threads[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++)
        CHECK_STATUS(rt_create_thread(routine, args[i], &threads[i]), STATUS_SUCCESS);
    for (int i = 0; i < 2 && threads[i]; i++) {
        CHECK_STATUS(NtWaitForSingleObject(threads[i], 0, &thirty_seconds), STATUS_SUCCESS);
        THREAD_BASIC_INFORMATION info;
        CHECK_STATUS(
            NtQueryInformationThread(threads[i], ThreadBasicInformation, &info, sizeof info, NULL),
            STATUS_SUCCESS);
        CHECK_EQ(info.ExitStatus, 0);
        NtClose(threads[i]);
    }
}

/* ---- NtQueryObject(ObjectNameInformation) built its answer in a static buffer ---- */

struct named {
    const char *name;
    HANDLE event;
};

static NTSTATUS query_names(void *arg)
{
    struct named *n = arg;
    struct {
        OBJECT_NAME_INFORMATION info;
        WCHAR chars[NAME_MAX_];
    } answer;
    size_t chars = strlen(n->name);
    uint32_t failed = 0;
    for (int round = 0; round < ROUNDS && !failed; round++) {
        memset(&answer, 0, sizeof answer);
        uint32_t needed = 0;
        NTSTATUS status =
            NtQueryObject(n->event, ObjectNameInformation, &answer, sizeof answer, &needed);
        failed += !CHECK_STATUS(status, STATUS_SUCCESS);
        failed += !CHECK_EQ(answer.info.Name.Length, chars * sizeof(WCHAR));
        failed += !CHECK(answer.info.Name.Buffer == answer.chars);
        for (size_t i = 0; i < chars && !failed; i++) {
            if (answer.chars[i] == (WCHAR)(uint8_t)n->name[i])
                continue;
            FAIL("%s: character %u of the name is %04x, expected '%c' (another call's name?)",
                 n->name, (unsigned)i, answer.chars[i], n->name[i]);
            failed++;
        }
    }
    return (NTSTATUS)failed;
}

static void test_query_name(void)
{
    static struct named names[2] = {{BNO "PagodaRacingA", NULL},
                                    {BNO "PagodaRacingLongerNameB", NULL}};
    void *args[2] = {&names[0], &names[1]};
    struct rt_name n;
    for (int i = 0; i < 2; i++)
        CHECK_STATUS(NtCreateEvent(&names[i].event, EVENT_ALL_ACCESS,
                                   rt_named(&n, names[i].name, 0), NotificationEvent, 0),
                     STATUS_SUCCESS);
    race(query_names, args);
    for (int i = 0; i < 2; i++)
        NtClose(names[i].event);
}

/* ---- NtCreateThread read the CONTEXT into a static buffer ---- */

static NTSTATUS return_arg(void *arg) { return (NTSTATUS)(uintptr_t)arg; }

/* Creates threads that return their argument and checks each gets its own (its CONTEXT's EBX). */
static NTSTATUS create_threads(void *arg)
{
    uint32_t base = (uint32_t)(uintptr_t)arg, failed = 0;
    for (uint32_t round = 0; round < ROUNDS && !failed; round++) {
        HANDLE thread = NULL;
        uint32_t mine = base + round;
        if (!CHECK_STATUS(rt_create_thread(return_arg, (void *)(uintptr_t)mine, &thread),
                          STATUS_SUCCESS)) {
            failed++;
            break;
        }
        CHECK_STATUS(NtWaitForSingleObject(thread, 0, &thirty_seconds), STATUS_SUCCESS);
        THREAD_BASIC_INFORMATION info;
        NtQueryInformationThread(thread, ThreadBasicInformation, &info, sizeof info, NULL);
        if ((uint32_t)info.ExitStatus != mine) {
            FAIL("a thread created with argument %08x started with %08x (another call's "
                 "CONTEXT?)",
                 mine, (uint32_t)info.ExitStatus);
            failed++;
        }
        NtClose(thread);
    }
    return (NTSTATUS)failed;
}

static void test_create_thread(void)
{
    void *args[2] = {(void *)(uintptr_t)0x0A000000u, (void *)(uintptr_t)0x0B000000u};
    race(create_threads, args);
}

/* ---- reads through one synchronous handle moved its position without the other's ---- */

#define SHARED_FILE  "\\??\\C:\\Tests\\Sizes\\size-4096.bin" /* tools/mkdisk.sh */
#define SHARED_SIZE  4096u
#define SHARED_CHUNK 256u

struct shared_reads {
    HANDLE file;
    uint32_t bytes; /* read by this thread */
};

/* Reads SHARED_CHUNK bytes at a time at the handle's position until the end of the file. */
static NTSTATUS read_shared(void *arg)
{
    struct shared_reads *r = arg;
    uint8_t chunk[SHARED_CHUNK];
    IO_STATUS_BLOCK iosb;
    for (;;) {
        NTSTATUS status =
            NtReadFile(r->file, NULL, NULL, NULL, &iosb, chunk, sizeof chunk, NULL, NULL);
        if (status != STATUS_SUCCESS || iosb.Information != SHARED_CHUNK)
            return status == STATUS_END_OF_FILE ? 0 : status;
        r->bytes += SHARED_CHUNK;
    }
}

/* Two threads read one file through one synchronous handle: between them they must read it once
 * (each read starts where the last one ended). NT serializes the I/O of a synchronous file object
 * for this. */
static void test_shared_position(void)
{
    static struct shared_reads reads[2];
    struct rt_name n;
    IO_STATUS_BLOCK iosb;
    HANDLE file = NULL;
    NTSTATUS status = NtCreateFile(&file, GENERIC_READ | SYNCHRONIZE, rt_named(&n, SHARED_FILE, 0),
                                   &iosb, NULL, 0, FILE_SHARE_READ, FILE_OPEN,
                                   FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, NULL, 0);
    if (status == STATUS_OBJECT_PATH_NOT_FOUND)
        return; /* no C: (no disk attached) */
    if (!CHECK_STATUS(status, STATUS_SUCCESS))
        return;
    void *args[2] = {&reads[0], &reads[1]};
    reads[0].file = reads[1].file = file;
    race(read_shared, args);
    CHECK_EQ(reads[0].bytes + reads[1].bytes, SHARED_SIZE);
    NtClose(file);
}

static const struct rt_subtest tests[] = {
    {"query_name", test_query_name},
    {"create_thread", test_create_thread},
    {"shared_position", test_shared_position},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
