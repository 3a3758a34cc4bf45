/* tests/kernel/ob_object.c: objects without names or handles: creation, pointer references, the
 * delete procedure running exactly once before the memory goes back, and generic access mapping. */
#include "kernel/ke/ktest.h"
#include "kernel/ob/ob.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

#define TAG             MM_TAG('T', 'o', 'b', 'O')
#define TEST_READ       0x0001u
#define TEST_WRITE      0x0002u
#define TEST_EXECUTE    0x0004u
#define TEST_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x7u)
#define BODY_MARK       0x5A5A1234u

struct test_body {
    uint32_t mark;
    uint8_t bytes[36];
};

static unsigned deletes;
static void *last_deleted;
static uint32_t mark_at_delete;

static void test_delete(void *object)
{
    deletes++;
    last_deleted = object;
    mark_at_delete = ((struct test_body *)object)->mark;
}

static struct ob_type test_type = {
    .name = "ObjectTest",
    .pool_tag = TAG,
    .valid_access = TEST_ALL_ACCESS,
    .generic = {READ_CONTROL | TEST_READ, READ_CONTROL | TEST_WRITE,
                READ_CONTROL | SYNCHRONIZE | TEST_EXECUTE, TEST_ALL_ACCESS},
    .delete_procedure = test_delete,
};

KTEST(ob, create_reference_delete)
{
    struct test_body *body = NULL;
    deletes = 0;
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    KT_EQ(ob_create_object(&test_type, sizeof *body, NULL, 0, (void **)&body), STATUS_SUCCESS);
    KT_TRUE(body != NULL);
    KT_EQ((uintptr_t)body & 7, 0);
    KT_TRUE(mm_pool_tag_bytes(TAG) > sizeof *body);
    KT_EQ(ob_pointer_count(body), 1);
    KT_EQ(ob_handle_count(body), 0);
    KT_TRUE(ob_object_type(body) == &test_type);
    KT_EQ(test_type.object_count, 1);
    for (size_t i = 0; i < sizeof body->bytes; i++)
        KT_EQ(body->bytes[i], 0);
    body->mark = BODY_MARK;
    ob_reference_object(body);
    ob_reference_object(body);
    KT_EQ(ob_pointer_count(body), 3);
    ob_dereference_object(body);
    ob_dereference_object(body);
    KT_EQ(deletes, 0);
    KT_EQ(ob_pointer_count(body), 1);
    ob_dereference_object(body);
    KT_EQ(deletes, 1);
    KT_TRUE(last_deleted == body);
    KT_EQ(mark_at_delete, BODY_MARK); /* the body was intact when the procedure ran */
    KT_EQ(test_type.object_count, 0);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, many_objects_delete_once_each)
{
    void *objects[200];
    deletes = 0;
    for (int i = 0; i < 200; i++) {
        /* test_delete reads the body's mark: every body holds one (a 0-byte body at the end of a
         * pool page made it read the next, unmapped page) */
        KT_EQ(ob_create_object(&test_type, sizeof(struct test_body) + (size_t)i, NULL, 0,
                               &objects[i]),
              STATUS_SUCCESS);
        if (i % 3 == 0)
            ob_reference_object(objects[i]);
    }
    KT_EQ(test_type.object_count, 200);
    for (int i = 0; i < 200; i++)
        ob_dereference_object(objects[i]);
    KT_EQ(deletes, 200 - 67);
    for (int i = 0; i < 200; i += 3)
        ob_dereference_object(objects[i]);
    KT_EQ(deletes, 200);
    KT_EQ(test_type.object_count, 0);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, create_refuses_huge_body)
{
    void *object = (void *)1;
    KT_EQ(ob_create_object(&test_type, 0x80000000u, NULL, 0, &object),
          STATUS_INSUFFICIENT_RESOURCES);
    KT_TRUE(object == NULL);
    KT_EQ(ob_create_object(&test_type, (size_t)-1, NULL, 0, &object),
          STATUS_INSUFFICIENT_RESOURCES);
    KT_EQ(test_type.object_count, 0);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, generic_mapping)
{
    KT_EQ(ob_map_access(&test_type, GENERIC_READ), READ_CONTROL | TEST_READ);
    KT_EQ(ob_map_access(&test_type, GENERIC_WRITE), READ_CONTROL | TEST_WRITE);
    KT_EQ(ob_map_access(&test_type, GENERIC_EXECUTE), READ_CONTROL | SYNCHRONIZE | TEST_EXECUTE);
    KT_EQ(ob_map_access(&test_type, GENERIC_ALL), TEST_ALL_ACCESS);
    KT_EQ(ob_map_access(&test_type, MAXIMUM_ALLOWED), TEST_ALL_ACCESS);
    KT_EQ(ob_map_access(&test_type, GENERIC_READ | GENERIC_WRITE),
          READ_CONTROL | TEST_READ | TEST_WRITE);
    KT_EQ(ob_map_access(&test_type, GENERIC_READ | TEST_EXECUTE),
          READ_CONTROL | TEST_READ | TEST_EXECUTE);
    KT_EQ(ob_map_access(&test_type, TEST_WRITE | DELETE), TEST_WRITE | DELETE);
    KT_EQ(ob_map_access(&test_type, 0x0100u | TEST_READ), TEST_READ); /* unknown to the type */
    KT_EQ(ob_map_access(&test_type, 0), 0);
    return NULL;
}
