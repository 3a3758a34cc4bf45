/* tests/kernel/ob_handle.c: handle tables: insert, look up, close, reuse of closed entries, forged
 * handles, type and access checks, pseudo-handles, close procedures, growth to thousands of
 * handles with destruction closing them all and giving every byte back, and no new handle in a
 * process whose handles are being closed for good. */
#include "kernel/ke/ktest.h"
#include "kernel/ob/obp.h"
#include "kernel/ps/ps.h"
#include "kernel/rtl/string.h"
#include "kernel/ps/thread.h"
#include "kernel/ke/wait.h"
#include "mm/mm.h"
#include "tests/kernel/program.h"

#define TAG             MM_TAG('T', 'o', 'b', 'H')
#define TABLE_TAG       MM_TAG('O', 'b', 'H', 't') /* kernel/ob/handle.c's */
#define TEST_READ       0x0001u
#define TEST_WRITE      0x0002u
#define TEST_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u)
#define MANY            5000u

struct close_call {
    void *object;
    struct ps_process *process;
    uint32_t remaining;
};
static struct close_call closes[8];
static unsigned close_count;

static void test_close(void *object, struct ps_process *process, uint32_t process_handles)
{
    if (close_count < ARRAY_SIZE(closes))
        closes[close_count] = (struct close_call){object, process, process_handles};
    close_count++;
}

static struct ob_type test_type = {
    .name = "HandleTest",
    .pool_tag = TAG,
    .valid_access = TEST_ALL_ACCESS,
    .generic = {READ_CONTROL | TEST_READ, READ_CONTROL | TEST_WRITE, READ_CONTROL, TEST_ALL_ACCESS},
};
static struct ob_type closing_type = {
    .name = "ClosingTest",
    .pool_tag = TAG,
    .valid_access = TEST_ALL_ACCESS,
    .close_procedure = test_close,
};

static struct ps_process test_process;

static const char *setup(void **object, struct ob_type *type)
{
    test_process.handle_table = ob_create_handle_table(NULL);
    KT_TRUE(test_process.handle_table != NULL);
    KT_EQ(ob_handle_table_count(test_process.handle_table), 0);
    KT_EQ(ob_create_object(type, 24, NULL, 0, object), STATUS_SUCCESS);
    return NULL;
}

static const char *teardown(void *object)
{
    ob_destroy_handle_table(test_process.handle_table, &test_process);
    test_process.handle_table = NULL;
    KT_EQ(ob_handle_count(object), 0);
    KT_EQ(ob_pointer_count(object), 1);
    ob_dereference_object(object);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, handle_insert_lookup_close)
{
    void *object, *found = NULL;
    ACCESS_MASK granted = 0;
    uint32_t attributes = 0;
    HANDLE handle;
    KT_RUN(setup(&object, &test_type));
    KT_EQ(ob_insert_handle(&test_process, object, TEST_READ | TEST_WRITE, OBJ_INHERIT, &handle),
          STATUS_SUCCESS);
    KT_EQ((uintptr_t)handle, 4); /* the first entry of a table */
    KT_EQ(ob_handle_count(object), 1);
    KT_EQ(ob_pointer_count(object), 2);
    KT_EQ(test_type.handle_count, 1);
    KT_EQ(ob_handle_table_count(test_process.handle_table), 1);
    KT_EQ(obp_reference_by_handle(&test_process, handle, TEST_READ, &test_type, &found, &granted,
                                  &attributes),
          STATUS_SUCCESS);
    KT_TRUE(found == object);
    KT_EQ(granted, TEST_READ | TEST_WRITE);
    KT_EQ(attributes, OBJ_INHERIT);
    KT_EQ(ob_pointer_count(object), 3);
    ob_dereference_object(found);
    KT_EQ(ob_reference_object_by_handle(&test_process, handle, 0, NULL, &found, NULL),
          STATUS_SUCCESS);
    ob_dereference_object(found);
    KT_EQ(ob_close_handle(&test_process, handle), STATUS_SUCCESS);
    KT_EQ(ob_handle_count(object), 0);
    KT_EQ(ob_pointer_count(object), 1);
    KT_EQ(test_type.handle_count, 0);
    KT_EQ(ob_handle_table_count(test_process.handle_table), 0);
    KT_EQ(ob_close_handle(&test_process, handle), STATUS_INVALID_HANDLE);
    KT_EQ(ob_reference_object_by_handle(&test_process, handle, 0, NULL, &found, NULL),
          STATUS_INVALID_HANDLE);
    KT_TRUE(found == NULL);
    return teardown(object);
}

KTEST(ob, handle_reuse_of_closed_entries)
{
    void *object;
    HANDLE h[3], again, more[2];
    KT_RUN(setup(&object, &test_type));
    for (int i = 0; i < 3; i++) {
        KT_EQ(ob_insert_handle(&test_process, object, TEST_READ, 0, &h[i]), STATUS_SUCCESS);
        KT_EQ((uintptr_t)h[i], 4u * (i + 1));
    }
    KT_EQ(ob_close_handle(&test_process, h[1]), STATUS_SUCCESS);
    KT_EQ(ob_insert_handle(&test_process, object, TEST_READ, 0, &again), STATUS_SUCCESS);
    KT_TRUE(again == h[1]);
    KT_EQ(ob_close_handle(&test_process, h[0]), STATUS_SUCCESS);
    KT_EQ(ob_close_handle(&test_process, h[2]), STATUS_SUCCESS);
    KT_EQ(ob_insert_handle(&test_process, object, TEST_READ, 0, &more[0]), STATUS_SUCCESS);
    KT_EQ(ob_insert_handle(&test_process, object, TEST_READ, 0, &more[1]), STATUS_SUCCESS);
    KT_TRUE(more[0] != more[1]);
    KT_TRUE(more[0] == h[0] || more[0] == h[2]);
    KT_TRUE(more[1] == h[0] || more[1] == h[2]);
    KT_EQ(ob_handle_count(object), 3);
    KT_EQ(ob_handle_table_count(test_process.handle_table), 3);
    return teardown(object); /* closes the three */
}

KTEST(ob, handle_forged_values)
{
    static const uintptr_t forged[] = {
        0, 1, 2, 3, 0x12345678, 0x12345679, 0x80000004, 0xFFFFFFFC, 0xFFFFFFFD, 4 * 33, 4 * 1000};
    void *object, *found = (void *)1;
    ACCESS_MASK granted = 1;
    HANDLE handle, closed;
    KT_RUN(setup(&object, &test_type));
    KT_EQ(ob_insert_handle(&test_process, object, TEST_READ, 0, &handle), STATUS_SUCCESS);
    KT_EQ(ob_insert_handle(&test_process, object, TEST_READ, 0, &closed), STATUS_SUCCESS);
    KT_EQ(ob_close_handle(&test_process, closed), STATUS_SUCCESS);
    uint32_t pointers = ob_pointer_count(object);
    for (size_t i = 0; i < ARRAY_SIZE(forged) + 1; i++) {
        HANDLE h = i < ARRAY_SIZE(forged) ? (HANDLE)forged[i] : closed;
        NTSTATUS status =
            ob_reference_object_by_handle(&test_process, h, 0, NULL, &found, &granted);
        if (status != STATUS_INVALID_HANDLE || found != NULL || granted != 0)
            return ktest_failf("handle %p: status %08x, object %p, access %x", h, (uint32_t)status,
                               found, granted);
        if (ob_close_handle(&test_process, h) != STATUS_INVALID_HANDLE)
            return ktest_failf("closing handle %p did not fail", h);
    }
    /* The low two bits are tag bits that NT ignores: handle | 3 is handle. */
    KT_EQ(ob_reference_object_by_handle(&test_process, (HANDLE)((uintptr_t)handle | 3), 0, NULL,
                                        &found, NULL),
          STATUS_SUCCESS);
    KT_TRUE(found == object);
    ob_dereference_object(found);
    KT_EQ(ob_pointer_count(object), pointers);
    KT_EQ(ob_handle_count(object), 1);
    return teardown(object);
}

KTEST(ob, handle_type_and_access_checks)
{
    void *object, *found = (void *)1;
    HANDLE handle, generic;
    KT_RUN(setup(&object, &test_type));
    KT_EQ(ob_insert_handle(&test_process, object, TEST_READ | SYNCHRONIZE, 0, &handle),
          STATUS_SUCCESS);
    KT_EQ(ob_reference_object_by_handle(&test_process, handle, 0, &ob_directory_type, &found, NULL),
          STATUS_OBJECT_TYPE_MISMATCH);
    KT_TRUE(found == NULL);
    KT_EQ(
        ob_reference_object_by_handle(&test_process, handle, TEST_WRITE, &test_type, &found, NULL),
        STATUS_ACCESS_DENIED);
    KT_EQ(ob_reference_object_by_handle(&test_process, handle, TEST_READ | TEST_WRITE, NULL, &found,
                                        NULL),
          STATUS_ACCESS_DENIED);
    KT_EQ(ob_reference_object_by_handle(&test_process, handle, DELETE, NULL, &found, NULL),
          STATUS_ACCESS_DENIED);
    KT_EQ(ob_pointer_count(object), 2);
    KT_EQ(ob_reference_object_by_handle(&test_process, handle, TEST_READ | SYNCHRONIZE, &test_type,
                                        &found, NULL),
          STATUS_SUCCESS);
    ob_dereference_object(found);
    /* Generic rights are mapped when the handle is made; unknown bits are dropped. */
    ACCESS_MASK granted = 0;
    KT_EQ(ob_insert_handle(&test_process, object, GENERIC_READ | 0x0100u, 0, &generic),
          STATUS_SUCCESS);
    KT_EQ(ob_reference_object_by_handle(&test_process, generic, TEST_READ, NULL, &found, &granted),
          STATUS_SUCCESS);
    KT_EQ(granted, READ_CONTROL | TEST_READ);
    ob_dereference_object(found);
    KT_EQ(ob_close_handle(&test_process, generic), STATUS_SUCCESS);
    KT_EQ(ob_insert_handle(&test_process, object, GENERIC_ALL, 0, &generic), STATUS_SUCCESS);
    KT_EQ(ob_reference_object_by_handle(&test_process, generic, TEST_WRITE | DELETE, NULL, &found,
                                        &granted),
          STATUS_SUCCESS);
    KT_EQ(granted, TEST_ALL_ACCESS);
    ob_dereference_object(found);
    return teardown(object);
}

KTEST(ob, handle_pseudo_handles)
{
    void *object, *found = NULL;
    ACCESS_MASK granted = 0;
    KT_RUN(setup(&object, &test_type));
    KT_EQ(ob_reference_object_by_handle(&test_process, NtCurrentProcess(), PROCESS_DUP_HANDLE,
                                        &ps_process_type, &found, &granted),
          STATUS_SUCCESS);
    KT_TRUE(found == ps_current_process());
    KT_EQ(granted, PROCESS_ALL_ACCESS);
    ob_dereference_object(found);
    KT_EQ(ob_reference_object_by_handle(&test_process, NtCurrentProcess(), 0, &test_type, &found,
                                        NULL),
          STATUS_OBJECT_TYPE_MISMATCH);
    NTSTATUS status =
        ob_reference_object_by_handle(&test_process, NtCurrentThread(), 0, NULL, &found, &granted);
    if (ps_current_thread()) {
        KT_EQ(status, STATUS_SUCCESS);
        KT_TRUE(found == ps_current_thread());
        KT_EQ(granted, THREAD_ALL_ACCESS);
        ob_dereference_object(found);
    } else {
        KT_EQ(status, STATUS_INVALID_HANDLE);
    }
    KT_EQ(ob_close_handle(&test_process, NtCurrentProcess()), STATUS_INVALID_HANDLE);
    KT_EQ(ob_close_handle(&test_process, NtCurrentThread()), STATUS_INVALID_HANDLE);
    return teardown(object);
}

KTEST(ob, handle_close_procedure)
{
    void *object, *other;
    HANDLE h[3], o;
    close_count = 0;
    KT_RUN(setup(&object, &closing_type));
    KT_EQ(ob_create_object(&closing_type, 8, NULL, 0, &other), STATUS_SUCCESS);
    for (int i = 0; i < 3; i++)
        KT_EQ(ob_insert_handle(&test_process, object, 0, 0, &h[i]), STATUS_SUCCESS);
    KT_EQ(ob_insert_handle(&test_process, other, 0, 0, &o), STATUS_SUCCESS);
    KT_EQ(ob_close_handle(&test_process, h[1]), STATUS_SUCCESS);
    KT_EQ(close_count, 1);
    KT_TRUE(closes[0].object == object && closes[0].process == &test_process);
    KT_EQ(closes[0].remaining, 2);
    KT_EQ(ob_close_handle(&test_process, o), STATUS_SUCCESS);
    KT_TRUE(closes[1].object == other);
    KT_EQ(closes[1].remaining, 0);
    ob_dereference_object(other);
    /* Destroying the table closes the other two, each seeing the handles still left. */
    ob_destroy_handle_table(test_process.handle_table, &test_process);
    test_process.handle_table = ob_create_handle_table(NULL);
    KT_EQ(close_count, 4);
    KT_TRUE(closes[2].object == object && closes[3].object == object);
    KT_EQ(closes[2].remaining, 1);
    KT_EQ(closes[3].remaining, 0);
    return teardown(object);
}

KTEST(ob, handle_table_growth_and_destroy)
{
    void *object, *second, *found;
    HANDLE handle;
    size_t table_bytes = mm_pool_tag_bytes(TABLE_TAG);
    KT_RUN(setup(&object, &test_type));
    KT_EQ(ob_create_object(&test_type, 8, NULL, 0, &second), STATUS_SUCCESS);
    for (uint32_t i = 0; i < MANY; i++) {
        KT_EQ(ob_insert_handle(&test_process, i % 10 ? object : second, TEST_READ, 0, &handle),
              STATUS_SUCCESS);
        if ((uintptr_t)handle != 4 * (i + 1))
            return ktest_failf("handle %u is %p, expected %x", i, handle, 4 * (i + 1));
    }
    KT_EQ(ob_handle_table_count(test_process.handle_table), MANY);
    KT_EQ(ob_handle_count(object) + ob_handle_count(second), MANY);
    KT_EQ(ob_handle_count(second), MANY / 10);
    KT_TRUE(mm_pool_tag_bytes(TABLE_TAG) > table_bytes + MANY * 8);
    for (uint32_t i = 0; i < MANY; i += 7) {
        KT_EQ(ob_reference_object_by_handle(&test_process, (HANDLE)(uintptr_t)(4 * (i + 1)),
                                            TEST_READ, &test_type, &found, NULL),
              STATUS_SUCCESS);
        KT_TRUE(found == (i % 10 ? object : second));
        ob_dereference_object(found);
    }
    for (uint32_t i = 0; i < MANY; i += 2)
        KT_EQ(ob_close_handle(&test_process, (HANDLE)(uintptr_t)(4 * (i + 1))), STATUS_SUCCESS);
    KT_EQ(ob_handle_table_count(test_process.handle_table), MANY / 2);
    ob_destroy_handle_table(test_process.handle_table, &test_process);
    test_process.handle_table = ob_create_handle_table(NULL);
    KT_EQ(ob_handle_count(second), 0);
    KT_EQ(ob_pointer_count(second), 1);
    ob_dereference_object(second);
    KT_RUN(teardown(object));
    KT_EQ(mm_pool_tag_bytes(TABLE_TAG), table_bytes);
    KT_EQ(test_type.object_count, 0);
    KT_EQ(test_type.handle_count, 0);
    return NULL;
}

/* A close procedure that, as the process's last handles are closed, tries to give the process a
 * new handle (another process's NtDuplicateObject while the exit waits on a write-back). */
static void *insert_while_closing_object;
static NTSTATUS insert_while_closing_status;

static void insert_while_closing(void *object, struct ps_process *process, uint32_t handles)
{
    (void)object, (void)handles;
    HANDLE h;
    insert_while_closing_status =
        ob_insert_handle(process, insert_while_closing_object, TEST_READ, 0, &h);
}

static struct ob_type inserting_type = {
    .name = "InsertingTest",
    .pool_tag = TAG,
    .valid_access = TEST_ALL_ACCESS,
    .close_procedure = insert_while_closing,
};

/* The fuzzer's NtDuplicateObject into its ended target process hit ASSERT(table != NULL). */
KTEST(ob, handle_insert_into_ended_process)
{
    struct ps_process *p;
    void *closing, *other;
    HANDLE h;
    KT_EQ(ob_create_object(&inserting_type, 8, NULL, 0, &closing), STATUS_SUCCESS);
    KT_EQ(ob_create_object(&test_type, 8, NULL, 0, &other), STATUS_SUCCESS);
    insert_while_closing_object = other;
    insert_while_closing_status = STATUS_PENDING;
    KT_EQ(kt_start_program("fuzz", "fuzz target", &p), STATUS_SUCCESS);
    NTSTATUS inserted = ob_insert_handle(p, closing, TEST_READ, 0, &h);
    ob_dereference_object(closing);
    ps_terminate_process(p, 0);
    ke_wait_for_object(p, NULL);
    NTSTATUS after = ob_insert_handle(p, other, TEST_READ, 0, &h);
    ob_dereference_object(p);
    KT_EQ(inserted, STATUS_SUCCESS);
    KT_EQ(insert_while_closing_status, STATUS_PROCESS_IS_TERMINATING);
    KT_EQ(after, STATUS_PROCESS_IS_TERMINATING);
    KT_TRUE(h == NULL);
    KT_EQ(ob_handle_count(other), 0);
    ob_dereference_object(other);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}
