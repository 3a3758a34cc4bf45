/* kernel/ob/obp.h: the object manager's internals (NT's Obp* routines), shared by
 * kernel/ob/object.c, namespace.c, handle.c and services.c; the rest of the kernel uses
 * kernel/ob/ob.h.
 *
 *   pool block:  [ struct ob_header | body (body_size, rounded to 2) | leaf name (UTF-16) ]
 *
 * A named object keeps only the last component of its name (NT's OBJECT_HEADER_NAME_INFO); it hangs
 * in one hash bucket of its directory and holds a pointer reference on that directory while there.
 * obp_lock (a spin lock) covers the headers' counts and names, the types' counts and the namespace;
 * each handle table has its own, taken outside obp_lock. */
#ifndef PAGODA_OBP_H
#define PAGODA_OBP_H

#include "kernel/ke/lock.h"
#include "kernel/ob/ob.h"
#include "kernel/ndk/ntstatus.h"
#include "mm/mm.h"

#define OBP_HEADER_MAGIC      MM_TAG('O', 'b', 'H', 'd')
#define OBP_PERMANENT         0x1u /* stays in the namespace without handles (directories) */
#define OBP_MAX_NAME          255 /* characters in a full path */
#define OBP_HANDLE_ATTRIBUTES OBJ_INHERIT /* what a handle keeps of the attributes it is given */

struct ob_header {
    uint32_t magic;
    uint32_t pointer_count;
    uint32_t handle_count;
    uint32_t flags; /* OBP_* */
    struct ob_type *type;
    uint32_t body_size; /* as asked of ob_create_object */
    /* The namespace: directory is NULL while the object is not in it. */
    void *directory;
    union {
        struct ob_header *bucket_next; /* once in a directory */
        const WCHAR *create_path; /* until ob_insert_object: the path to enter (the creator's) */
    };
    const WCHAR *name;
    uint16_t name_chars;
    uint16_t create_path_chars; /* 0: no path to enter (none given, or ob_insert_object ran) */
    /* The pool quota: the process charged for the block (referenced, so the charge goes back to it
     * even if the object outlives it; NULL for the kernel's objects) and the bytes charged. */
    struct ps_process *quota_process;
    uint32_t quota_charge;
};
_Static_assert(sizeof(struct ob_header) % 8 == 0, "the body after the header stays 8-byte aligned");

/* A directory object's body. A zeroed one is empty, so directories are made by ob_create_object
 * like any object (body size sizeof(struct obp_directory)). */
#define OBP_BUCKETS 37
struct obp_directory {
    struct ob_header *buckets[OBP_BUCKETS];
};

static inline struct ob_header *obp_header(void *object) { return (struct ob_header *)object - 1; }
static inline void *obp_body(struct ob_header *header) { return header + 1; }

/* ---- objects (kernel/ob/object.c) ---- */
/* What ps_init gave ob_set_process_callouts; NULL before. */
extern const struct ob_process_callouts *obp_processes;
extern struct ke_spin_lock obp_lock;
/* ob_reference_object with obp_lock already held. */
void obp_reference_locked(struct ob_header *header);
/* A handle was made (or closed) for object: counts for the object and its type. Closing the last
 * handle of a non-permanent object removes its name. They take obp_lock themselves. */
void obp_handle_opened(void *object);
void obp_handle_closed(void *object);

/* ---- the namespace (kernel/ob/namespace.c) ---- */
/* Checks a full path: '\' first, no empty component, at most OBP_MAX_NAME characters. Sets
 * *leaf_chars to the length of the last component (0 for the root, "\"). */
NTSTATUS obp_check_name(const WCHAR *name, size_t chars, size_t *leaf_chars);
/* Enters header (its leaf name already set) under the directory that the path names, referencing
 * that directory. STATUS_OBJECT_NAME_COLLISION (then *existing, if asked for, is the object that
 * has the name, referenced in the same step), STATUS_OBJECT_PATH_NOT_FOUND. Takes obp_lock. */
NTSTATUS obp_insert_name(struct ob_header *header, const WCHAR *path, size_t chars,
                         struct ob_header **existing);
/* Takes header out of its directory; returns the directory, whose reference the caller drops after
 * releasing the lock, or NULL if the object had no name. obp_lock held. */
void *obp_remove_name(struct ob_header *header);
void obp_make_permanent(void *object);

/* ---- handles (kernel/ob/handle.c) ---- */
/* Makes a handle for object in process and writes it to the user pointer user_handle (NULL: not
 * written, NtDuplicateObject's optional output); a handle whose write fails is closed again, since
 * nobody would know its value, and the write's status returned. May wait (the copy). */
NTSTATUS obp_insert_handle_to_user(struct ps_process *process, void *object, ACCESS_MASK access,
                                   uint32_t attributes, HANDLE *user_handle);
/* ob_reference_object_by_handle that also returns the handle's attributes (0 for
 * pseudo-handles). */
NTSTATUS obp_reference_by_handle(struct ps_process *process, HANDLE handle, ACCESS_MASK desired,
                                 struct ob_type *type, void **object, ACCESS_MASK *granted,
                                 uint32_t *attributes);

#endif
