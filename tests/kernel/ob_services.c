/* tests/kernel/ob_services.c: NtClose, NtDuplicateObject and NtQueryObject called from the kernel
 * on handles of the current process. Their user-buffer outputs need user memory, so here they are
 * NULL (optional) or bad pointers; the user-mode tests cover the rest. */
#include "kernel/ke/ktest.h"
#include "kernel/ob/services.h"
#include "kernel/ob/obp.h"
#include "kernel/ps/ps.h"
#include "mm/mm.h"

#define TAG             MM_TAG('T', 'o', 'b', 'S')
#define TEST_READ       0x0001u
#define TEST_WRITE      0x0002u
#define TEST_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u)
#define UNMAPPED        ((void *)0x00001000)
#define SCAN_HANDLES    65536u

static struct ob_type test_type = {
    .name = "ServiceTest",
    .pool_tag = TAG,
    .valid_access = TEST_ALL_ACCESS,
    .generic = {READ_CONTROL | TEST_READ, READ_CONTROL | TEST_WRITE, READ_CONTROL, TEST_ALL_ACCESS},
};

/* A handle of the current process to object other than `except`, or NULL. */
static HANDLE find_handle(void *object, HANDLE except)
{
    for (uintptr_t value = 4; value <= 4 * SCAN_HANDLES; value += 4) {
        void *found;
        HANDLE h = (HANDLE)value;
        if (h == except || !NT_SUCCESS(ob_reference_object_by_handle(ps_current_process(), h, 0,
                                                                     NULL, &found, NULL)))
            continue;
        ob_dereference_object(found);
        if (found == object)
            return h;
    }
    return NULL;
}

static const char *open_object(void **object, ACCESS_MASK access, uint32_t attributes,
                               HANDLE *handle)
{
    KT_EQ(ob_create_object(&test_type, 16, NULL, 0, object), STATUS_SUCCESS);
    KT_EQ(ob_insert_handle(ps_current_process(), *object, access, attributes, handle),
          STATUS_SUCCESS);
    return NULL;
}

static const char *check_handle(HANDLE handle, ACCESS_MASK access, uint32_t attributes)
{
    void *found;
    ACCESS_MASK granted;
    uint32_t attrs;
    KT_EQ(obp_reference_by_handle(ps_current_process(), handle, 0, NULL, &found, &granted, &attrs),
          STATUS_SUCCESS);
    ob_dereference_object(found);
    KT_EQ(granted, access);
    KT_EQ(attrs, attributes);
    return NULL;
}

KTEST(ob, nt_close)
{
    void *object;
    HANDLE handle;
    KT_RUN(open_object(&object, TEST_READ, 0, &handle));
    uint32_t handles = ob_handle_table_count(ps_current_process()->handle_table);
    KT_EQ(NtClose(handle), STATUS_SUCCESS);
    KT_EQ(ob_handle_table_count(ps_current_process()->handle_table), handles - 1);
    KT_EQ(ob_handle_count(object), 0);
    KT_EQ(NtClose(handle), STATUS_INVALID_HANDLE);
    KT_EQ(NtClose(NULL), STATUS_INVALID_HANDLE);
    KT_EQ(NtClose((HANDLE)0x12345678), STATUS_INVALID_HANDLE);
    KT_EQ(NtClose(NtCurrentProcess()), STATUS_INVALID_HANDLE);
    KT_EQ(NtClose(NtCurrentThread()), STATUS_INVALID_HANDLE);
    ob_dereference_object(object);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, nt_duplicate_object)
{
    void *object;
    HANDLE source, copy;
    KT_RUN(open_object(&object, TEST_READ, OBJ_INHERIT, &source));
    /* Same access and attributes; the new handle's value is not asked for (NULL). */
    KT_EQ(NtDuplicateObject(NtCurrentProcess(), source, NtCurrentProcess(), NULL, 0, 0,
                            DUPLICATE_SAME_ACCESS | DUPLICATE_SAME_ATTRIBUTES),
          STATUS_SUCCESS);
    KT_EQ(ob_handle_count(object), 2);
    copy = find_handle(object, source);
    KT_TRUE(copy != NULL && copy != source);
    KT_RUN(check_handle(copy, TEST_READ, OBJ_INHERIT));
    KT_EQ(NtClose(copy), STATUS_SUCCESS);
    /* New access, mapped through the type, and new attributes. */
    KT_EQ(
        NtDuplicateObject(NtCurrentProcess(), source, NtCurrentProcess(), NULL, GENERIC_ALL, 0, 0),
        STATUS_SUCCESS);
    copy = find_handle(object, source);
    KT_RUN(check_handle(copy, TEST_ALL_ACCESS, 0));
    /* Close the source, and a NULL target process only closes. */
    KT_EQ(NtDuplicateObject(NtCurrentProcess(), copy, NULL, NULL, 0, 0, DUPLICATE_CLOSE_SOURCE),
          STATUS_SUCCESS);
    KT_EQ(ob_handle_count(object), 1);
    KT_EQ(NtClose(copy), STATUS_INVALID_HANDLE);
    KT_EQ(NtDuplicateObject(NtCurrentProcess(), source, NtCurrentProcess(), NULL, 0, 0,
                            DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
          STATUS_SUCCESS);
    KT_EQ(ob_handle_count(object), 1);
    KT_EQ(NtClose(source), STATUS_INVALID_HANDLE);
    copy = find_handle(object, NULL);
    KT_RUN(check_handle(copy, TEST_READ, 0));
    KT_EQ(NtClose(copy), STATUS_SUCCESS);
    KT_EQ(ob_pointer_count(object), 1);
    ob_dereference_object(object);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, nt_duplicate_object_failures)
{
    void *object, *process = ps_current_process();
    HANDLE source, weak_process, target_handle = NULL;
    KT_RUN(open_object(&object, TEST_READ, 0, &source));
    uint32_t pointers = ob_pointer_count(object);
    KT_EQ(ob_insert_handle(ps_current_process(), process, PROCESS_QUERY_INFORMATION, 0,
                           &weak_process),
          STATUS_SUCCESS);
    KT_EQ(NtDuplicateObject(NtCurrentProcess(), source, NtCurrentProcess(), NULL, 0, 0, 0x8),
          STATUS_INVALID_PARAMETER);
    KT_EQ(NtDuplicateObject(NtCurrentProcess(), source, NtCurrentProcess(), NULL, 0, 0x1, 0),
          STATUS_INVALID_PARAMETER);
    KT_EQ(NtDuplicateObject(NtCurrentProcess(), (HANDLE)0x12345678, NtCurrentProcess(), NULL, 0, 0,
                            DUPLICATE_SAME_ACCESS),
          STATUS_INVALID_HANDLE);
    KT_EQ(NtDuplicateObject((HANDLE)0x12345678, source, NtCurrentProcess(), NULL, 0, 0,
                            DUPLICATE_SAME_ACCESS),
          STATUS_INVALID_HANDLE);
    KT_EQ(NtDuplicateObject(source, source, NtCurrentProcess(), NULL, 0, 0, DUPLICATE_SAME_ACCESS),
          STATUS_OBJECT_TYPE_MISMATCH);
    KT_EQ(NtDuplicateObject(weak_process, source, NtCurrentProcess(), NULL, 0, 0,
                            DUPLICATE_SAME_ACCESS),
          STATUS_ACCESS_DENIED);
    KT_EQ(NtDuplicateObject(NtCurrentProcess(), source, weak_process, NULL, 0, 0,
                            DUPLICATE_SAME_ACCESS),
          STATUS_ACCESS_DENIED);
    /* The output is a user pointer: a kernel address is refused before anything is made, an
     * unmapped one faults after, and the new handle is closed again. */
    KT_EQ(NtDuplicateObject(NtCurrentProcess(), source, NtCurrentProcess(), &target_handle, 0, 0,
                            DUPLICATE_SAME_ACCESS),
          STATUS_ACCESS_VIOLATION);
    KT_TRUE(target_handle == NULL);
    KT_EQ(NtDuplicateObject(NtCurrentProcess(), source, NtCurrentProcess(), UNMAPPED, 0, 0,
                            DUPLICATE_SAME_ACCESS),
          STATUS_ACCESS_VIOLATION);
    KT_EQ(ob_handle_count(object), 1);
    KT_EQ(ob_pointer_count(object), pointers);
    /* DUPLICATE_CLOSE_SOURCE closes the source even when the duplicate fails. */
    KT_EQ(NtDuplicateObject(NtCurrentProcess(), source, (HANDLE)0x12345678, NULL, 0, 0,
                            DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
          STATUS_INVALID_HANDLE);
    KT_EQ(ob_handle_count(object), 0);
    KT_EQ(NtClose(source), STATUS_INVALID_HANDLE);
    KT_EQ(NtClose(weak_process), STATUS_SUCCESS);
    ob_dereference_object(object);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, nt_query_object_failures)
{
    void *object;
    HANDLE handle;
    OBJECT_BASIC_INFORMATION basic;
    uint32_t length = 0;
    KT_RUN(open_object(&object, TEST_READ, 0, &handle));
    uint32_t pointers = ob_pointer_count(object);
    KT_EQ(NtQueryObject(handle, (OBJECT_INFORMATION_CLASS)3, NULL, 0, NULL),
          STATUS_INVALID_INFO_CLASS);
    KT_EQ(NtQueryObject(handle, (OBJECT_INFORMATION_CLASS)99, NULL, 0, NULL),
          STATUS_INVALID_INFO_CLASS);
    KT_EQ(NtQueryObject(handle, ObjectBasicInformation, NULL, 0, NULL),
          STATUS_INFO_LENGTH_MISMATCH);
    /* Outputs are probed by writing to them first, as NT's ProbeForWrite does: NULL faults. */
    KT_EQ(NtQueryObject(handle, ObjectBasicInformation, NULL, sizeof basic + 4, NULL),
          STATUS_ACCESS_VIOLATION);
    KT_EQ(NtQueryObject(handle, ObjectTypeInformation, NULL, 0, NULL), STATUS_INFO_LENGTH_MISMATCH);
    KT_EQ(NtQueryObject((HANDLE)0x12345678, ObjectBasicInformation, NULL, 0, NULL),
          STATUS_INVALID_HANDLE);
    KT_EQ(NtQueryObject(handle, ObjectBasicInformation, &basic, sizeof basic, NULL),
          STATUS_ACCESS_VIOLATION);
    KT_EQ(NtQueryObject(handle, ObjectBasicInformation, UNMAPPED, sizeof basic, NULL),
          STATUS_ACCESS_VIOLATION);
    KT_EQ(NtQueryObject(handle, ObjectBasicInformation, (void *)0x00001002, sizeof basic, NULL),
          STATUS_DATATYPE_MISALIGNMENT);
    KT_EQ(NtQueryObject(handle, ObjectTypeInformation, NULL, 0, &length), STATUS_ACCESS_VIOLATION);
    KT_EQ(NtQueryObject(handle, ObjectTypeInformation, NULL, 0, UNMAPPED), STATUS_ACCESS_VIOLATION);
    KT_EQ(NtQueryObject(handle, ObjectTypeInformation, UNMAPPED, 256, NULL),
          STATUS_ACCESS_VIOLATION);
    KT_EQ(length, 0);
    KT_EQ(ob_pointer_count(object), pointers); /* no reference was left behind */
    KT_EQ(NtClose(handle), STATUS_SUCCESS);
    ob_dereference_object(object);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}
