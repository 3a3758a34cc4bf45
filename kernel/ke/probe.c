/* kernel/ke/probe.c: what stands between system services and user-mode pointers: NT's ProbeForRead
 * and ProbeForWrite, fault-safe copies in both directions, and the capture of OBJECT_ATTRIBUTES. */
#include "kernel/ke/cmdline.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ke/probe.h"
#include "kernel/ke/sched.h"
#include "kernel/ke/trap.h"
#include "mm/mm.h"

#define KE_NAME_TAG MM_TAG('O', 'b', 'N', 'm')

/* Every copy that may touch user memory comes here first. It may wait: a fault on a user page can
 * read it from the disk (docs/vm.md), so the caller must be able to wait (no spin lock, not in an
 * interrupt handler, interrupts on). With copyyield=1 the copy gives the processor away first, as a
 * page-in would: tests/run's yieldcopy entry runs the whole suite that way, to show that no caller
 * relies on not sleeping across a copy (docs/decisions.md, "Locks"). Interrupts are checked only
 * then: reading EFLAGS costs more than the rest of the check under QEMU TCG (6% of the 64 KiB
 * allocate-and-free benchmark), and a fault with interrupts off fails the copy with a warning
 * anyway (mm_access_fault). */
static void before_user_copy(void)
{
    ASSERT(ke_no_spin_lock_or_interrupt());
    if (ke_config.copy_yield) {
        ASSERT(read_eflags() & EFLAGS_IF);
        ke_yield();
    }
}

/* A copy whose source or destination starts below system space may touch user memory. */
NTSTATUS ke_copy_safe(void *dst, const void *src, size_t n)
{
    uintptr_t system = mm_split.system_range_start;
    if ((uintptr_t)dst < system || (uintptr_t)src < system)
        before_user_copy();
    return ke_copy_safe_raw(dst, src, n);
}

/* See probe.h. The bound is overflow-safe: p + length is never computed. */
NTSTATUS ke_probe_user(const void *p, size_t length, size_t alignment)
{
    uintptr_t address = (uintptr_t)p, limit = mm_split.user_probe_address;
    ASSERT(alignment != 0 && (alignment & (alignment - 1)) == 0);
    if (length == 0)
        return STATUS_SUCCESS; /* NT checks nothing, not even the alignment, for 0 bytes */
    if (address & (alignment - 1))
        return STATUS_DATATYPE_MISALIGNMENT;
    if (address > limit || length > limit - address)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}

/* Reads (and with `write`, writes back) one byte in every page of [p, p + length), a user range. */
static NTSTATUS touch_pages(const void *p, size_t length, bool write)
{
    NTSTATUS status = STATUS_SUCCESS;
    uintptr_t address = (uintptr_t)p, end = address + length;
    if (length)
        before_user_copy();
    while (NT_SUCCESS(status) && address < end) {
        uint8_t byte;
        status = ke_copy_safe_raw(&byte, (const void *)address, 1);
        if (NT_SUCCESS(status) && write)
            status = ke_copy_safe_raw((void *)address, &byte, 1);
        address = (address | PAGE_MASK) + 1;
    }
    return status;
}

/* See probe.h: NT's ProbeForWrite touches every page, so that an output that cannot be written
 * fails before the service changes anything. */
NTSTATUS ke_probe_user_write(void *p, size_t length, size_t alignment)
{
    NTSTATUS status = ke_probe_user(p, length, alignment);
    return NT_SUCCESS(status) ? touch_pages(p, length, true) : status;
}

/* Probes user_src, then copies; a fault on the way gives STATUS_ACCESS_VIOLATION. */
NTSTATUS ke_copy_from_user(void *dst, const void *user_src, size_t length, size_t alignment)
{
    NTSTATUS status = ke_probe_user(user_src, length, alignment);
    if (NT_SUCCESS(status) && length) {
        before_user_copy();
        status = ke_copy_safe_raw(dst, user_src, length);
    }
    return status;
}

/* Probes user_dst too: ke_copy_safe alone would happily write kernel memory. */
NTSTATUS ke_copy_to_user(void *user_dst, const void *src, size_t length, size_t alignment)
{
    NTSTATUS status = ke_probe_user(user_dst, length, alignment);
    if (NT_SUCCESS(status) && length) {
        before_user_copy();
        status = ke_copy_safe_raw(user_dst, src, length);
    }
    return status;
}

/* For optional outputs such as ReturnLength: NULL means the caller did not ask. */
NTSTATUS ke_copy_to_user_optional(void *user_dst, const void *src, size_t length, size_t alignment)
{
    return user_dst ? ke_copy_to_user(user_dst, src, length, alignment) : STATUS_SUCCESS;
}

static NTSTATUS check_attributes(const OBJECT_ATTRIBUTES *oa)
{
    if (oa->Length != sizeof *oa || (oa->Attributes & ~OBJ_VALID_ATTRIBUTES))
        return STATUS_INVALID_PARAMETER;
    if (oa->RootDirectory)
        return STATUS_INVALID_PARAMETER; /* Pagoda has no relative names (probe.h) */
    return STATUS_SUCCESS;
}

/* Without a root directory a name must be a full path (NT's ObpLookupObjectName). */
static NTSTATUS check_path(const UNICODE_STRING *us, const WCHAR *first)
{
    if (us->Length && *first != '\\')
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    return STATUS_SUCCESS;
}

/* Copies the characters of a UNICODE_STRING already copied from user mode. An empty name is no
 * name, as in NT (the object is created unnamed). */
static NTSTATUS capture_name(const UNICODE_STRING *us, struct ke_captured_name *name)
{
    if (us->Length & 1)
        return STATUS_OBJECT_NAME_INVALID;
    if (us->Length == 0)
        return STATUS_SUCCESS;
    /* The buffer must be readable before its length is judged: NT's ObpCaptureObjectName copies it
     * first, and an unreadable one is an access violation whatever its length. */
    NTSTATUS probe = ke_probe_user(us->Buffer, us->Length, sizeof(WCHAR));
    if (NT_SUCCESS(probe))
        probe = touch_pages(us->Buffer, us->Length, false);
    if (!NT_SUCCESS(probe))
        return probe;
    if (us->Length > KE_MAX_NAME_CHARS * sizeof(WCHAR))
        return STATUS_OBJECT_NAME_INVALID;
    WCHAR *chars = mm_pool_alloc(us->Length, KE_NAME_TAG);
    if (!chars)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = ke_copy_from_user(chars, us->Buffer, us->Length, sizeof(WCHAR));
    if (!NT_SUCCESS(status)) {
        mm_pool_free(chars, KE_NAME_TAG);
        return status;
    }
    status = check_path(us, chars);
    if (!NT_SUCCESS(status)) {
        mm_pool_free(chars, KE_NAME_TAG);
        return status;
    }
    name->chars = chars;
    name->length = us->Length / sizeof(WCHAR);
    return STATUS_SUCCESS;
}

/* See probe.h. On failure nothing stays allocated and *name is empty; on success the caller
 * releases the name with ke_release_captured_name. */
NTSTATUS ke_capture_object_attributes(const OBJECT_ATTRIBUTES *user_attributes,
                                      struct ke_captured_name *name, uint32_t *attributes)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING us;
    NTSTATUS status = STATUS_SUCCESS;
    *name = (struct ke_captured_name){NULL, 0};
    *attributes = 0;
    if (!user_attributes)
        goto out;
    status = ke_copy_from_user(&oa, user_attributes, sizeof oa, sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = check_attributes(&oa);
    if (!NT_SUCCESS(status) || !oa.ObjectName)
        goto out;
    status = ke_copy_from_user(&us, oa.ObjectName, sizeof us, sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = capture_name(&us, name);
out:
    if (NT_SUCCESS(status) && user_attributes)
        *attributes = oa.Attributes;
    return status;
}

/* Frees what ke_capture_object_attributes captured; an empty name is fine. */
void ke_release_captured_name(struct ke_captured_name *name)
{
    mm_pool_free(name->chars, KE_NAME_TAG);
    *name = (struct ke_captured_name){NULL, 0};
}
