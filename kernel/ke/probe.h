/* kernel/ke/probe.h: checking and copying user-mode buffers. Every pointer a system service takes
 * from user mode is probed (below the user probe address, aligned, no wrap-around) and then copied
 * with the fault-safe ke_copy_safe: a bad pointer gives STATUS_ACCESS_VIOLATION (or
 * STATUS_DATATYPE_MISALIGNMENT), never a kernel fault. Services read user memory only through
 * these. */
#ifndef PAGODA_PROBE_H
#define PAGODA_PROBE_H

#include "kernel/ndk/ntapi.h"
#include "kernel/ndk/ntstatus.h"
#include "kernel/ndk/types.h"

/* Is [p, p + length) wholly below the user probe address, with p aligned to `alignment` (a power of
 * two)? A zero length is always valid, whatever the pointer (NT's rule). As in NT, scalars
 * (handles, ULONGs, LARGE_INTEGERs) are probed with alignment 1 and structures with their
 * alignment. */
NTSTATUS ke_probe_user(const void *p, size_t length, size_t alignment);
/* ke_probe_user, then a write to every page of the range (each byte written back as it was): an
 * output that cannot be written fails with STATUS_ACCESS_VIOLATION before the service acts. */
NTSTATUS ke_probe_user_write(void *p, size_t length, size_t alignment);

/* Probe then copy. */
NTSTATUS ke_copy_from_user(void *dst, const void *user_src, size_t length, size_t alignment);
NTSTATUS ke_copy_to_user(void *user_dst, const void *src, size_t length, size_t alignment);

/* Optional output: a NULL user pointer is allowed and skipped. */
NTSTATUS ke_copy_to_user_optional(void *user_dst, const void *src, size_t length, size_t alignment);

/* A captured UNICODE_STRING: the characters copied into kernel memory (pool tag 'ObNm'). */
struct ke_captured_name {
    WCHAR *chars; /* NULL when there is no name */
    size_t length; /* characters */
};
#define KE_MAX_NAME_CHARS 255

/* Captures ObjectAttributes->ObjectName (if any) and ->Attributes. A NULL attributes pointer means
 * no name. STATUS_INVALID_PARAMETER for a bad Length field or attribute bits,
 * STATUS_OBJECT_NAME_INVALID for an odd or oversized name, STATUS_OBJECT_PATH_SYNTAX_BAD for a name
 * that does not start with a backslash, STATUS_ACCESS_VIOLATION for bad pointers. Root directories
 * are not supported (STATUS_INVALID_PARAMETER when RootDirectory is not NULL). */
NTSTATUS ke_capture_object_attributes(const OBJECT_ATTRIBUTES *user_attributes,
                                      struct ke_captured_name *name, uint32_t *attributes);
void ke_release_captured_name(struct ke_captured_name *name);

#endif
