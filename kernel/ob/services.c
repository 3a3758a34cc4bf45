/* kernel/ob/services.c: the object manager's system services: NtClose, NtDuplicateObject and
 * NtQueryObject. Handles are the current process's; pointers are user pointers
 * (kernel/ke/probe.h). */
#include "kernel/ob/services.h"
#include "kernel/ob/obp.h"
#include "kernel/ke/probe.h"
#include "kernel/ps/ps.h"
#include "kernel/rtl/string.h"

#define DUPLICATE_VALID_OPTIONS                                                                    \
    (DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS | DUPLICATE_SAME_ATTRIBUTES)
#define TYPE_NAME_MAX 32 /* characters of a type name NtQueryObject reports */
#define NAME_TAG      MM_TAG('O', 'b', 'Q', 'n')

struct name_information {
    OBJECT_NAME_INFORMATION header;
    WCHAR chars[OBP_MAX_NAME + 1];
};

_Static_assert(offsetof(struct name_information, chars) == sizeof(OBJECT_NAME_INFORMATION),
               "the path follows the header");

struct type_information {
    PAGODA_OBJECT_TYPE_INFORMATION header;
    WCHAR name[TYPE_NAME_MAX + 1];
};
_Static_assert(offsetof(struct type_information, name) == sizeof(PAGODA_OBJECT_TYPE_INFORMATION),
               "the type name follows the header");

/* Closes a handle of the current process. Pseudo-handles are not handles of the table: closing
 * one gives STATUS_INVALID_HANDLE, as on NT before Windows 8. */
NTSTATUS NtClose(HANDLE handle) { return ob_close_handle(ps_current_process(), handle); }

static void dereference_optional(void *object)
{
    if (object)
        ob_dereference_object(object);
}

/* Copies a handle of one process into another (both named by handles of the current process with
 * PROCESS_DUP_HANDLE). Without DUPLICATE_SAME_ACCESS the new handle gets desired_access mapped
 * through the object's type: with no security descriptors there is nothing to refuse it, as for
 * NT's unnamed objects. DUPLICATE_CLOSE_SOURCE closes the source handle whatever else happens once
 * it has been found; with it a NULL target process only closes. */
NTSTATUS NtDuplicateObject(HANDLE source_process_handle, HANDLE source_handle,
                           HANDLE target_process_handle, HANDLE *target_handle,
                           ACCESS_MASK desired_access, uint32_t handle_attributes, uint32_t options)
{
    struct ps_process *current = ps_current_process();
    void *source = NULL, *target = NULL, *object = NULL;
    ACCESS_MASK access = 0;
    uint32_t attributes = 0;
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    if ((options & ~DUPLICATE_VALID_OPTIONS) || (handle_attributes & ~OBJ_VALID_ATTRIBUTES))
        goto out;
    status = target_handle ? ke_probe_user_write(target_handle, sizeof(HANDLE), 1) : STATUS_SUCCESS;
    if (NT_SUCCESS(status))
        status = ob_reference_object_by_handle(current, source_process_handle, PROCESS_DUP_HANDLE,
                                               &ps_process_type, &source, NULL);
    if (NT_SUCCESS(status))
        status =
            obp_reference_by_handle(source, source_handle, 0, NULL, &object, &access, &attributes);
    if (!NT_SUCCESS(status) || (!target_process_handle && (options & DUPLICATE_CLOSE_SOURCE)))
        goto out;
    status = ob_reference_object_by_handle(current, target_process_handle, PROCESS_DUP_HANDLE,
                                           &ps_process_type, &target, NULL);
    if (!NT_SUCCESS(status))
        goto out;
    if (!(options & DUPLICATE_SAME_ACCESS))
        access = ob_map_access(ob_object_type(object), desired_access);
    if (!(options & DUPLICATE_SAME_ATTRIBUTES))
        attributes = handle_attributes;
    status = obp_insert_handle_to_user(target, object, access, attributes, target_handle);
out:
    if (object && (options & DUPLICATE_CLOSE_SOURCE))
        ob_close_handle(source, source_handle);
    dereference_optional(object);
    dereference_optional(source);
    dereference_optional(target);
    return status;
}

static uint32_t type_information_length(const struct ob_type *type)
{
    return sizeof(PAGODA_OBJECT_TYPE_INFORMATION) +
           (strnlen(type->name, TYPE_NAME_MAX) + 1) * sizeof(WCHAR);
}

/* The counts exclude the reference NtQueryObject itself holds. */
static size_t full_name(void *object, WCHAR path[OBP_MAX_NAME + 1]);

static NTSTATUS query_basic(void *object, ACCESS_MASK granted, uint32_t attributes, void *info,
                            uint32_t length, uint32_t *needed)
{
    OBJECT_BASIC_INFORMATION basic;
    *needed = sizeof basic;
    if (length != sizeof basic)
        return STATUS_INFO_LENGTH_MISMATCH;
    memset(&basic, 0, sizeof basic);
    basic.Attributes = attributes | (obp_header(object)->flags & OBP_PERMANENT ? OBJ_PERMANENT : 0);
    basic.GrantedAccess = granted;
    basic.HandleCount = ob_handle_count(object);
    basic.PointerCount = ob_pointer_count(object) - 1;
    basic.NonPagedPoolUsage = sizeof(struct ob_header) + obp_header(object)->body_size;
    basic.TypeInformationLength = type_information_length(ob_object_type(object));
    WCHAR path[OBP_MAX_NAME + 1];
    size_t chars = full_name(object, path);
    basic.NameInformationLength =
        chars ? (uint32_t)(sizeof(OBJECT_NAME_INFORMATION) + (chars + 1) * sizeof(WCHAR)) : 0;
    return ke_copy_to_user(info, &basic, sizeof basic, sizeof(uint32_t));
}

/* Writes the object's full path, right to left, ending at path[OBP_MAX_NAME]; returns its length in
 * characters (0 for an unnamed object). */
static size_t full_name(void *object, WCHAR path[OBP_MAX_NAME + 1])
{
    size_t at = OBP_MAX_NAME;
    uint32_t irq = ke_acquire_spin_lock(&obp_lock);
    for (struct ob_header *h = obp_header(object); h->directory && h->name_chars;
         h = obp_header(h->directory)) {
        if (h->name_chars + 1u > at)
            break; /* cannot happen: names are checked against OBP_MAX_NAME */
        at -= h->name_chars;
        memcpy(&path[at], h->name, h->name_chars * sizeof(WCHAR));
        path[--at] = '\\';
    }
    ke_release_spin_lock(&obp_lock, irq);
    return OBP_MAX_NAME - at;
}

/* OBJECT_NAME_INFORMATION, then the path's characters and a NUL; Name.Buffer points at them in the
 * caller's buffer. An unnamed object has an empty name. The buffer is the call's own: the copy out
 * may wait, and another thread's query may run meanwhile. */
static NTSTATUS query_name(void *object, void *info, uint32_t length, uint32_t *needed)
{
    WCHAR path[OBP_MAX_NAME + 1];
    size_t chars = full_name(object, path);
    *needed =
        (uint32_t)(sizeof(OBJECT_NAME_INFORMATION) + (chars ? (chars + 1) * sizeof(WCHAR) : 0));
    if (length < *needed)
        return STATUS_INFO_LENGTH_MISMATCH;
    struct name_information *buffer = mm_pool_alloc(sizeof *buffer, NAME_TAG);
    if (!buffer)
        return STATUS_INSUFFICIENT_RESOURCES;
    memset(buffer, 0, sizeof *buffer);
    memcpy(buffer->chars, &path[OBP_MAX_NAME - chars], chars * sizeof(WCHAR));
    buffer->header.Name.Length = (uint16_t)(chars * sizeof(WCHAR));
    buffer->header.Name.MaximumLength = (uint16_t)(chars ? (chars + 1) * sizeof(WCHAR) : 0);
    buffer->header.Name.Buffer =
        chars ? (WCHAR *)((uint8_t *)info + sizeof(OBJECT_NAME_INFORMATION)) : NULL;
    NTSTATUS status = ke_copy_to_user(info, buffer, *needed, sizeof(uint32_t));
    mm_pool_free(buffer, NAME_TAG);
    return status;
}

/* PAGODA_OBJECT_TYPE_INFORMATION, then the name with a terminating NUL; TypeName.Buffer points at
 * the name in the caller's buffer. */
static NTSTATUS query_type(void *object, void *info, uint32_t length, uint32_t *needed)
{
    struct type_information buffer;
    const struct ob_type *type = ob_object_type(object);
    size_t chars = strnlen(type->name, TYPE_NAME_MAX);
    *needed = type_information_length(type);
    if (length < *needed)
        return STATUS_INFO_LENGTH_MISMATCH;
    memset(&buffer, 0, sizeof buffer);
    for (size_t i = 0; i < chars; i++)
        buffer.name[i] = (uint8_t)type->name[i];
    buffer.header.TypeName.Length = (uint16_t)(chars * sizeof(WCHAR));
    buffer.header.TypeName.MaximumLength = (uint16_t)((chars + 1) * sizeof(WCHAR));
    buffer.header.TypeName.Buffer = (WCHAR *)((uint8_t *)info + sizeof buffer.header);
    buffer.header.TotalNumberOfObjects = type->object_count;
    buffer.header.TotalNumberOfHandles = type->handle_count;
    return ke_copy_to_user(info, &buffer, *needed, sizeof(uint32_t));
}

/* ObjectBasicInformation (length exactly sizeof(OBJECT_BASIC_INFORMATION)) and
 * ObjectTypeInformation; STATUS_INFO_LENGTH_MISMATCH when the buffer does not fit, with the size
 * needed stored at return_length (optional) as on success; other classes
 * STATUS_INVALID_INFO_CLASS. */
NTSTATUS NtQueryObject(HANDLE handle, OBJECT_INFORMATION_CLASS info_class, void *info,
                       uint32_t length, uint32_t *return_length)
{
    void *object = NULL;
    ACCESS_MASK granted = 0;
    uint32_t attributes = 0, needed = 0;
    NTSTATUS status = STATUS_INVALID_INFO_CLASS;
    if (info_class != ObjectBasicInformation && info_class != ObjectTypeInformation &&
        info_class != ObjectNameInformation)
        goto out;
    status = ke_probe_user_write(info, length, sizeof(uint32_t));
    if (NT_SUCCESS(status) && return_length)
        status = ke_probe_user_write(return_length, sizeof(uint32_t), 1);
    if (NT_SUCCESS(status))
        status = obp_reference_by_handle(ps_current_process(), handle, 0, NULL, &object, &granted,
                                         &attributes);
    if (!NT_SUCCESS(status))
        goto out;
    if (info_class == ObjectBasicInformation)
        status = query_basic(object, granted, attributes, info, length, &needed);
    else if (info_class == ObjectNameInformation)
        status = query_name(object, info, length, &needed);
    else
        status = query_type(object, info, length, &needed);
    if ((NT_SUCCESS(status) || status == STATUS_INFO_LENGTH_MISMATCH) &&
        !NT_SUCCESS(ke_copy_to_user_optional(return_length, &needed, sizeof needed, 1)))
        status = STATUS_ACCESS_VIOLATION;
out:
    dereference_optional(object);
    return status;
}
