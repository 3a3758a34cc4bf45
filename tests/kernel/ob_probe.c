/* tests/kernel/ob_probe.c: probing and copying user buffers, and the failure paths of capturing
 * OBJECT_ATTRIBUTES. There is no user memory yet, so every copy here fails; the success paths are
 * exercised by the user-mode tests once processes exist. */
#include "kernel/ke/ktest.h"
#include "kernel/ke/probe.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

#define NAME_TAG  MM_TAG('O', 'b', 'N', 'm') /* kernel/ke/probe.c's */
#define UNMAPPED  ((void *)0x00001000) /* below the lowest user address: never mapped */
#define UNMAPPED2 ((void *)0x00400000) /* no user address space is mapped yet */

static void *at(uintptr_t address) { return (void *)address; }

KTEST(ob, probe_bounds)
{
    uintptr_t limit = mm_split.user_probe_address;
    KT_EQ(ke_probe_user(NULL, 0, 1), STATUS_SUCCESS);
    /* NULL is below the limit: the probe passes (NT's rule) and the copy faults (below). */
    KT_EQ(ke_probe_user(NULL, 4, 4), STATUS_SUCCESS);
    KT_EQ(ke_probe_user(at(0xC0100000), 4, 4), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_probe_user(at(mm_split.system_range_start), 1, 1), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_probe_user(at(limit), 1, 1), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_probe_user(at(limit - 4), 4, 4), STATUS_SUCCESS);
    KT_EQ(ke_probe_user(at(limit - 4), 5, 1), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_probe_user(at(0xFFFFFFF0), 0x20, 1), STATUS_ACCESS_VIOLATION); /* wraps to 0x10 */
    KT_EQ(ke_probe_user(at(0x00010000), 0xFFFFFFFF, 1), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_probe_user(at(0x00010000), limit - 0x00010000, 1), STATUS_SUCCESS);
    KT_EQ(ke_probe_user(at(0x00010000), limit - 0x00010000 + 1, 1), STATUS_ACCESS_VIOLATION);
    /* Alignment; a zero length is always fine, misaligned or not (NT's ProbeForRead/Write). */
    KT_EQ(ke_probe_user(at(0x00010002), 4, 4), STATUS_DATATYPE_MISALIGNMENT);
    KT_EQ(ke_probe_user(at(0x00010001), 2, 2), STATUS_DATATYPE_MISALIGNMENT);
    KT_EQ(ke_probe_user(at(0x00010001), 0, 4), STATUS_SUCCESS);
    KT_EQ(ke_probe_user(at(0x00010001), 4, 1), STATUS_SUCCESS);
    KT_EQ(ke_probe_user(at(0xC0100000), 0, 1), STATUS_SUCCESS);
    KT_EQ(ke_probe_user(at(limit), 0, 1), STATUS_SUCCESS);
    return NULL;
}

KTEST(ob, copy_from_user_failures)
{
    uint32_t kernel_word = 0x11223344, dst = 0xAAAAAAAA;
    KT_EQ(ke_copy_from_user(&dst, &kernel_word, 4, 4), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_from_user(&dst, at(0xC0100000), 4, 4), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_from_user(&dst, at(mm_split.user_probe_address), 4, 4), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_from_user(&dst, at(0xFFFFFFF0), 0x20, 1), STATUS_ACCESS_VIOLATION);
    KT_EQ(dst, 0xAAAAAAAA); /* refused before anything was copied */
    /* Addresses that pass the probe but are not mapped fault, and the fault is recovered. */
    KT_EQ(ke_copy_from_user(&dst, NULL, 4, 4), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_from_user(&dst, UNMAPPED, 4, 4), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_from_user(&dst, UNMAPPED2, 3, 1), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_from_user(&dst, at(mm_split.user_probe_address - 4), 4, 4),
          STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_from_user(&dst, at(0x00001002), 4, 4), STATUS_DATATYPE_MISALIGNMENT);
    KT_EQ(ke_copy_from_user(&dst, &kernel_word, 0, 1), STATUS_SUCCESS); /* nothing to copy */
    KT_EQ(dst, 0xAAAAAAAA);
    return NULL;
}

KTEST(ob, copy_to_user_failures)
{
    uint32_t value = 0x11223344, kernel_word = 0xAAAAAAAA;
    /* ke_copy_safe alone would write here: the probe is what protects the kernel. */
    KT_EQ(ke_copy_to_user(&kernel_word, &value, 4, 4), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_to_user_optional(&kernel_word, &value, 4, 4), STATUS_ACCESS_VIOLATION);
    KT_EQ(kernel_word, 0xAAAAAAAA);
    KT_EQ(ke_copy_to_user(at(0xFFFFFFF0), &value, 0x20, 1), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_to_user(NULL, &value, 4, 4), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_to_user(UNMAPPED, &value, 4, 4), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_to_user_optional(UNMAPPED2, &value, 4, 4), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_to_user(at(0x00001001), &value, 4, 2), STATUS_DATATYPE_MISALIGNMENT);
    KT_EQ(ke_copy_to_user_optional(NULL, &value, 4, 4), STATUS_SUCCESS);
    KT_EQ(ke_copy_to_user(UNMAPPED, &value, 0, 4), STATUS_SUCCESS);
    return NULL;
}

KTEST(ob, capture_object_attributes_failures)
{
    static WCHAR chars[] = u"\\BaseNamedObjects\\X";
    UNICODE_STRING name = {sizeof chars - 2, sizeof chars, chars};
    OBJECT_ATTRIBUTES oa = {sizeof oa, NULL, &name, OBJ_CASE_INSENSITIVE, NULL, NULL};
    struct ke_captured_name captured = {(WCHAR *)1, 99};
    uint32_t attributes = 99;
    size_t name_bytes = mm_pool_tag_bytes(NAME_TAG);
    KT_EQ(ke_capture_object_attributes(NULL, &captured, &attributes), STATUS_SUCCESS);
    KT_TRUE(captured.chars == NULL);
    KT_EQ(captured.length, 0);
    KT_EQ(attributes, 0);
    ke_release_captured_name(&captured);
    /* Attributes built in kernel memory are refused: they are not user addresses. */
    KT_EQ(ke_capture_object_attributes(&oa, &captured, &attributes), STATUS_ACCESS_VIOLATION);
    KT_TRUE(captured.chars == NULL);
    KT_EQ(attributes, 0);
    KT_EQ(ke_capture_object_attributes(UNMAPPED, &captured, &attributes), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_capture_object_attributes(at(0x00001002), &captured, &attributes),
          STATUS_DATATYPE_MISALIGNMENT);
    KT_EQ(ke_capture_object_attributes(at(mm_split.user_probe_address - 8), &captured, &attributes),
          STATUS_ACCESS_VIOLATION);
    KT_TRUE(captured.chars == NULL);
    KT_EQ(mm_pool_tag_bytes(NAME_TAG), name_bytes);
    return NULL;
}
