/* tests/kernel/ob_namespace.c: named objects: the standard directories, creation and lookup without
 * regard to case, collisions, bad paths and names, subdirectories, and a name leaving the namespace
 * with the last handle while the object may live on. */
#include "kernel/ke/ktest.h"
#include "kernel/ob/obp.h"
#include "kernel/ps/ps.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

#define TAG     MM_TAG('T', 'o', 'b', 'N')
#define DIR_TAG MM_TAG('D', 'i', 'r', 'e')

static unsigned deletes;
static void test_delete(void *object)
{
    (void)object;
    deletes++;
}

static struct ob_type test_type = {
    .name = "NamespaceTest",
    .pool_tag = TAG,
    .valid_access = STANDARD_RIGHTS_REQUIRED | 0x1u,
    .delete_procedure = test_delete,
};

static struct ps_process test_process;

static size_t wlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Created and inserted, as the services do; no handle. *object is NULL on failure. */
static NTSTATUS create_typed(struct ob_type *type, size_t size, const WCHAR *name, size_t chars,
                             void **object)
{
    NTSTATUS status = ob_create_object(type, size, name, chars, object);
    if (NT_SUCCESS(status))
        status = ob_insert_object(*object, 0, 0, NULL, object);
    if (!NT_SUCCESS(status))
        *object = NULL;
    return status;
}

static NTSTATUS create(const WCHAR *name, void **object)
{
    return create_typed(&test_type, 16, name, wlen(name), object);
}

static NTSTATUS lookup(const WCHAR *name, struct ob_type *type, void **object)
{
    return ob_lookup_object(name, wlen(name), type, object);
}

KTEST(ob, standard_directories)
{
    static const WCHAR *const names[] = {u"\\",   u"\\BaseNamedObjects", u"\\Device",
                                         u"\\??", u"\\DEVICE",           u"\\basenamedobjects"};
    void *dir = NULL, *again = NULL;
    KT_TRUE(ob_directory_type.object_count >= 4);
    KT_STR_EQ(ob_directory_type.name, "Directory");
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        KT_EQ(lookup(names[i], &ob_directory_type, &dir), STATUS_SUCCESS);
        KT_TRUE(ob_object_type(dir) == &ob_directory_type);
        ob_dereference_object(dir);
    }
    KT_EQ(lookup(u"\\Device", NULL, &dir), STATUS_SUCCESS);
    KT_EQ(lookup(u"\\device", NULL, &again), STATUS_SUCCESS);
    KT_TRUE(dir == again);
    ob_dereference_object(dir);
    ob_dereference_object(again);
    KT_EQ(lookup(u"\\Device", &test_type, &dir), STATUS_OBJECT_TYPE_MISMATCH);
    KT_TRUE(dir == NULL);
    return NULL;
}

KTEST(ob, named_create_and_lookup)
{
    void *object = NULL, *found = NULL;
    deletes = 0;
    KT_EQ(create(u"\\BaseNamedObjects\\PagodaTest-A", &object), STATUS_SUCCESS);
    KT_EQ(lookup(u"\\basenamedobjects\\PAGODATEST-a", &test_type, &found), STATUS_SUCCESS);
    KT_TRUE(found == object);
    KT_EQ(ob_pointer_count(object), 2);
    ob_dereference_object(found);
    KT_EQ(lookup(u"\\BaseNamedObjects\\PagodaTest-A", NULL, &found), STATUS_SUCCESS);
    ob_dereference_object(found);
    KT_EQ(lookup(u"\\BaseNamedObjects\\PagodaTest-A", &ob_directory_type, &found),
          STATUS_OBJECT_TYPE_MISMATCH);
    KT_EQ(lookup(u"\\BaseNamedObjects\\PagodaTest-AB", NULL, &found), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EQ(lookup(u"\\BaseNamedObjects\\PagodaTest-", NULL, &found), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EQ(ob_pointer_count(object), 1);
    /* Without handles, the last reference takes the name away with the object. */
    ob_dereference_object(object);
    KT_EQ(deletes, 1);
    KT_EQ(lookup(u"\\BaseNamedObjects\\PagodaTest-A", NULL, &found), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, name_collision)
{
    void *first = NULL, *second = (void *)1;
    KT_EQ(create(u"\\BaseNamedObjects\\Collide", &first), STATUS_SUCCESS);
    size_t bytes = mm_pool_tag_bytes(TAG);
    KT_EQ(create(u"\\BaseNamedObjects\\COLLIDE", &second), STATUS_OBJECT_NAME_COLLISION);
    KT_TRUE(second == NULL);
    KT_EQ(mm_pool_tag_bytes(TAG), bytes);
    KT_EQ(test_type.object_count, 1);
    KT_EQ(create_typed(&ob_directory_type, sizeof(struct obp_directory), u"\\Device", 7, &second),
          STATUS_OBJECT_NAME_COLLISION);
    KT_EQ(create(u"\\", &second), STATUS_OBJECT_NAME_COLLISION); /* the root exists */
    /* The same last component in another directory is another name. */
    KT_EQ(create(u"\\Device\\Collide", &second), STATUS_SUCCESS);
    ob_dereference_object(second);
    ob_dereference_object(first);
    KT_EQ(test_type.object_count, 0);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, path_not_found)
{
    void *object = NULL, *child = (void *)1;
    KT_EQ(create(u"\\NoSuchDirectory\\X", &child), STATUS_OBJECT_PATH_NOT_FOUND);
    KT_TRUE(child == NULL);
    KT_EQ(create(u"\\BaseNamedObjects\\Missing\\X", &child), STATUS_OBJECT_PATH_NOT_FOUND);
    KT_EQ(lookup(u"\\NoSuchDirectory\\X", NULL, &child), STATUS_OBJECT_PATH_NOT_FOUND);
    KT_EQ(lookup(u"\\NoSuchDirectory", NULL, &child), STATUS_OBJECT_NAME_NOT_FOUND);
    /* An object that is not a directory has no children. */
    KT_EQ(create(u"\\BaseNamedObjects\\Leaf", &object), STATUS_SUCCESS);
    KT_EQ(create(u"\\BaseNamedObjects\\Leaf\\Child", &child), STATUS_OBJECT_PATH_NOT_FOUND);
    KT_EQ(lookup(u"\\BaseNamedObjects\\Leaf\\Child", NULL, &child), STATUS_OBJECT_PATH_NOT_FOUND);
    ob_dereference_object(object);
    KT_EQ(test_type.object_count, 0);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, invalid_names)
{
    static const WCHAR *const bad[] = {
        u"NoBackslash", u"BaseNamedObjects\\X", u"\\BaseNamedObjects\\", u"\\\\",
        u"\\\\Device",  u"\\Device\\\\X",       u"\\Device\\X\\",
    };
    static WCHAR long_name[257];
    void *object = (void *)1;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        if (create(bad[i], &object) != STATUS_OBJECT_NAME_INVALID)
            return ktest_failf("creating bad name %u was not refused", (unsigned)i);
        if (lookup(bad[i], NULL, &object) != STATUS_OBJECT_NAME_INVALID)
            return ktest_failf("looking up bad name %u was not refused", (unsigned)i);
        KT_TRUE(object == NULL);
    }
    KT_EQ(ob_create_object(&test_type, 16, u"\\X", 0, &object), STATUS_OBJECT_NAME_INVALID);
    KT_EQ(ob_lookup_object(NULL, 4, NULL, &object), STATUS_OBJECT_NAME_INVALID);
    /* 255 characters is the longest name; 256 is refused. */
    memcpy(long_name, u"\\BaseNamedObjects\\", 18 * sizeof(WCHAR));
    for (size_t i = 18; i < 256; i++)
        long_name[i] = (WCHAR)('a' + i % 26);
    KT_EQ(ob_create_object(&test_type, 16, long_name, 256, &object), STATUS_OBJECT_NAME_INVALID);
    KT_EQ(ob_lookup_object(long_name, 256, NULL, &object), STATUS_OBJECT_NAME_INVALID);
    KT_EQ(create_typed(&test_type, 16, long_name, 255, &object), STATUS_SUCCESS);
    void *found = NULL;
    KT_EQ(ob_lookup_object(long_name, 255, NULL, &found), STATUS_SUCCESS);
    KT_TRUE(found == object);
    ob_dereference_object(found);
    ob_dereference_object(object);
    KT_EQ(test_type.object_count, 0);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, name_leaves_with_last_handle)
{
    void *object = NULL, *found = NULL;
    HANDLE h1, h2;
    deletes = 0;
    test_process.handle_table = ob_create_handle_table(NULL);
    KT_TRUE(test_process.handle_table != NULL);
    KT_EQ(create(u"\\BaseNamedObjects\\Handled", &object), STATUS_SUCCESS);
    KT_EQ(ob_insert_handle(&test_process, object, 0, 0, &h1), STATUS_SUCCESS);
    KT_EQ(ob_insert_handle(&test_process, object, 0, 0, &h2), STATUS_SUCCESS);
    ob_dereference_object(object); /* only the handles keep it now */
    KT_EQ(ob_close_handle(&test_process, h1), STATUS_SUCCESS);
    KT_EQ(lookup(u"\\BaseNamedObjects\\Handled", NULL, &found), STATUS_SUCCESS);
    KT_TRUE(found == object);
    ob_dereference_object(found);
    KT_EQ(ob_close_handle(&test_process, h2), STATUS_SUCCESS);
    KT_EQ(deletes, 1);
    KT_EQ(lookup(u"\\BaseNamedObjects\\Handled", NULL, &found), STATUS_OBJECT_NAME_NOT_FOUND);
    ob_destroy_handle_table(test_process.handle_table, &test_process);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, object_outlives_its_name)
{
    void *object = NULL, *other = NULL, *found = NULL;
    HANDLE handle;
    deletes = 0;
    test_process.handle_table = ob_create_handle_table(NULL);
    KT_TRUE(test_process.handle_table != NULL);
    KT_EQ(create(u"\\BaseNamedObjects\\Fleeting", &object), STATUS_SUCCESS);
    KT_EQ(ob_insert_handle(&test_process, object, 0, 0, &handle), STATUS_SUCCESS);
    KT_EQ(ob_close_handle(&test_process, handle), STATUS_SUCCESS);
    /* The caller's reference keeps the object, but its name went with the last handle. */
    KT_EQ(deletes, 0);
    KT_EQ(ob_pointer_count(object), 1);
    KT_EQ(lookup(u"\\BaseNamedObjects\\Fleeting", NULL, &found), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EQ(create(u"\\BaseNamedObjects\\Fleeting", &other), STATUS_SUCCESS);
    KT_EQ(lookup(u"\\BaseNamedObjects\\Fleeting", NULL, &found), STATUS_SUCCESS);
    KT_TRUE(found == other);
    ob_dereference_object(found);
    ob_dereference_object(object);
    KT_EQ(deletes, 1);
    ob_dereference_object(other);
    KT_EQ(deletes, 2);
    ob_destroy_handle_table(test_process.handle_table, &test_process);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

KTEST(ob, subdirectory)
{
    void *dir = NULL, *leaf = NULL, *found = NULL;
    size_t dir_bytes = mm_pool_tag_bytes(DIR_TAG);
    uint32_t directories = ob_directory_type.object_count;
    KT_EQ(create_typed(&ob_directory_type, sizeof(struct obp_directory),
                       u"\\BaseNamedObjects\\TestDir", 25, &dir),
          STATUS_SUCCESS);
    KT_EQ(ob_directory_type.object_count, directories + 1);
    KT_EQ(create(u"\\BaseNamedObjects\\TestDir\\Leaf", &leaf), STATUS_SUCCESS);
    KT_EQ(ob_pointer_count(dir), 2); /* the leaf's name holds its directory */
    KT_EQ(lookup(u"\\BASENAMEDOBJECTS\\testdir\\LEAF", &test_type, &found), STATUS_SUCCESS);
    KT_TRUE(found == leaf);
    ob_dereference_object(found);
    /* The leaf's name keeps the directory, and so the path, alive. */
    ob_dereference_object(dir);
    KT_EQ(ob_pointer_count(dir), 1);
    KT_EQ(lookup(u"\\BaseNamedObjects\\TestDir\\Leaf", NULL, &found), STATUS_SUCCESS);
    ob_dereference_object(found);
    ob_dereference_object(leaf);
    KT_EQ(ob_directory_type.object_count, directories);
    KT_EQ(mm_pool_tag_bytes(DIR_TAG), dir_bytes);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

/* Regression: ob_create_object entered the name at once, so another thread could open an object
 * before its creator had filled it in (the creator's copies of user memory may wait). Now the name
 * goes in with ob_insert_object, after the caller's initialization. */
KTEST(ob, invisible_until_inserted)
{
    static const WCHAR name[] = u"\\BaseNamedObjects\\PagodaUnfinished";
    void *object = NULL, *found = NULL;
    deletes = 0;
    KT_EQ(ob_create_object(&test_type, 16, name, wlen(name), &object), STATUS_SUCCESS);
    KT_EQ(lookup(name, NULL, &found), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EQ(ob_pointer_count(object), 1);
    KT_EQ(ob_insert_object(object, 0, 0, NULL, &object), STATUS_SUCCESS);
    KT_EQ(lookup(name, &test_type, &found), STATUS_SUCCESS);
    KT_TRUE(found == object);
    ob_dereference_object(found);
    ob_dereference_object(object);
    KT_EQ(deletes, 1);
    KT_EQ(lookup(name, NULL, &found), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

/* A created object that never gets inserted leaves nothing behind, name or not. */
KTEST(ob, created_but_never_inserted)
{
    static const WCHAR name[] = u"\\BaseNamedObjects\\PagodaNeverInserted";
    void *object = NULL, *found = NULL;
    deletes = 0;
    KT_EQ(ob_create_object(&test_type, 16, name, wlen(name), &object), STATUS_SUCCESS);
    ob_dereference_object(object);
    KT_EQ(deletes, 1);
    KT_EQ(lookup(name, NULL, &found), STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EQ(test_type.object_count, 0);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}

/* OBJ_OPENIF: the insertion gives the object that has the name (of the same type) and drops the
 * new one, STATUS_OBJECT_NAME_EXISTS; another type is STATUS_OBJECT_TYPE_MISMATCH. */
KTEST(ob, insert_open_if)
{
    static const WCHAR name[] = u"\\BaseNamedObjects\\PagodaOpenIf";
    void *first = NULL, *second = NULL, *got = NULL;
    size_t directories = ob_directory_type.object_count;
    deletes = 0;
    KT_EQ(create(name, &first), STATUS_SUCCESS);
    KT_EQ(ob_create_object(&test_type, 16, name, wlen(name), &second), STATUS_SUCCESS);
    KT_EQ(ob_insert_object(second, 0, OBJ_OPENIF, NULL, &got), STATUS_OBJECT_NAME_EXISTS);
    KT_TRUE(got == first);
    KT_EQ(deletes, 1); /* the new object went */
    KT_EQ(ob_pointer_count(first), 2);
    ob_dereference_object(got);
    KT_EQ(ob_create_object(&test_type, 16, name, wlen(name), &second), STATUS_SUCCESS);
    KT_EQ(ob_insert_object(second, 0, 0, NULL, &got), STATUS_OBJECT_NAME_COLLISION);
    KT_EQ(deletes, 2);
    KT_EQ(ob_create_object(&ob_directory_type, sizeof(struct obp_directory), name, wlen(name),
                           &second),
          STATUS_SUCCESS);
    KT_EQ(ob_insert_object(second, 0, OBJ_OPENIF, NULL, &got), STATUS_OBJECT_TYPE_MISMATCH);
    KT_EQ(ob_directory_type.object_count, directories);
    KT_EQ(ob_pointer_count(first), 1);
    ob_dereference_object(first);
    KT_EQ(deletes, 3);
    KT_EQ(test_type.object_count, 0);
    KT_EQ(mm_pool_tag_bytes(TAG), 0);
    return NULL;
}
