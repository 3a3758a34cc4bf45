/* kernel/ob/ob.h: the object manager: typed, reference-counted kernel objects with optional names
 * in a small namespace (\BaseNamedObjects, \Device, \??), and per-process handle tables with access
 * masks.
 *
 *   pool block:  [ struct ob_header | body (what ob_create_object returns) ]
 *
 * Every object has a pointer count (references from kernel code, one per handle included) and a
 * handle count. When the pointer count reaches zero the type's delete procedure runs and the memory
 * goes back to the pool under the type's tag. Handles are multiples of 4 (NT's rule), and every
 * lookup ignores a
 * handle's two low bits, which are the application's tag bits as on NT (h | 3 names h);
 * NtCurrentProcess() (-1) and NtCurrentThread() (-2) are pseudo-handles that every lookup
 * understands. */
#ifndef PAGODA_OB_H
#define PAGODA_OB_H

#include "kernel/ndk/ntapi.h"
#include "kernel/ndk/types.h"

/* The process a handle table belongs to or a charge goes to: opaque here, since processes sit above
 * the object manager; it reaches them through struct ob_process_callouts. */
struct ps_process;
struct ob_handle_table;

struct ob_generic_mapping {
    ACCESS_MASK read, write, execute, all;
};

struct ob_type {
    const char *name; /* "Process", "Thread", "Event", "Semaphore", "Mutant", ... */
    uint32_t pool_tag; /* objects of the type are charged to this tag */
    ACCESS_MASK valid_access; /* rights that mean something for the type */
    struct ob_generic_mapping generic; /* GENERIC_* -> specific rights */
    /* Runs once, when the last reference goes; must not free the object itself. */
    void (*delete_procedure)(void *object);
    /* Runs when a handle to the object is closed (process_handles: handles the process still
     * has). */
    void (*close_procedure)(void *object, struct ps_process *process, uint32_t process_handles);
    /* Statistics, kept by the object manager (tests and NtQueryObject read them). */
    uint32_t object_count;
    uint32_t handle_count;
    /* The object manager links every type that has had an object (ob_next_type). */
    struct ob_type *next_type;
    bool listed;
};

extern struct ob_type ob_directory_type;

void ob_init(void);

/* What the object manager needs of processes (NT's ob calls Ps for these): ps_init sets them, and
 * until then there are no processes and every object is the kernel's. */
struct ob_process_callouts {
    struct ob_handle_table *(*handle_table)(struct ps_process *process);
    /* The objects NtCurrentProcess() and NtCurrentThread() stand for. */
    void *(*current_process)(void);
    void *(*current_thread)(void);
    /* Pool quota: who pays for what the current thread creates (NULL: the kernel, no one), and
     * the charge (STATUS_QUOTA_EXCEEDED past the limit) and its return. */
    struct ps_process *(*quota_process)(void);
    NTSTATUS (*charge_pool_quota)(struct ps_process *process, size_t bytes);
    void (*return_pool_quota)(struct ps_process *process, size_t bytes);
};
void ob_set_process_callouts(const struct ob_process_callouts *callouts);

/* Creation in two steps, as NT's ObCreateObject and ObInsertObject: the object is made
 * invisible, the caller fills it in, then ob_insert_object makes it visible (name, quota, handle)
 * in one place. So nobody can find an object before it is complete, whatever the caller waits for
 * in between.
 *
 * ob_create_object: an object of `type` whose body is body_size bytes (zeroed), with one pointer
 * reference for the caller, in no namespace and no handle table. A name (a full path such as
 * \BaseNamedObjects\X) is checked here (STATUS_OBJECT_NAME_INVALID) and entered by
 * ob_insert_object; the path must stay valid until then (it is the caller's captured name).
 * STATUS_INSUFFICIENT_RESOURCES when the pool is out. */
NTSTATUS ob_create_object(struct ob_type *type, size_t body_size, const WCHAR *name,
                          size_t name_chars, void **object);
/* Enters the name given to ob_create_object (STATUS_OBJECT_NAME_COLLISION if it exists,
 * STATUS_OBJECT_PATH_NOT_FOUND if its directory does not; with OBJ_OPENIF in attributes the object
 * that has the name is used instead, STATUS_OBJECT_NAME_EXISTS, or STATUS_OBJECT_TYPE_MISMATCH when
 * it has another type), then charges the block to the pool quota of the current process
 * (STATUS_QUOTA_EXCEEDED; not for the kernel's objects: the quota_process callout) until it is
 * deleted, after the name as NT does, then gives the current process a handle with `access` and
 * writes it to the user pointer user_handle (closing it again if the write fails). Consumes the
 * caller's reference whatever happens. user_handle NULL: no handle. *inserted (optional) gets a
 * reference to the object now visible: the new one, or OBJ_OPENIF's. With user_handle, the caller
 * must be able to wait. */
NTSTATUS ob_insert_object(void *object, ACCESS_MASK access, uint32_t attributes,
                          HANDLE *user_handle, void **inserted);
/* NT's ObOpenObjectByName: a handle for the current process to the object a captured name leads to
 * (see ob_lookup_object for the errors; NULL name: STATUS_OBJECT_PATH_SYNTAX_BAD), written to the
 * user pointer user_handle as ob_insert_object does. The caller must be able to wait. */
NTSTATUS ob_open_object_by_name(const WCHAR *name, size_t name_chars, struct ob_type *type,
                                ACCESS_MASK access, uint32_t attributes, HANDLE *user_handle);
void ob_reference_object(void *object);
void ob_dereference_object(void *object);
uint32_t ob_pointer_count(void *object);
uint32_t ob_handle_count(void *object);
struct ob_type *ob_object_type(void *object);
/* Walks every type that has ever had an object, in the order of their first objects: NULL gives the
 * first, the last gives NULL. Types stay listed, so leak checks can compare counts per type. */
struct ob_type *ob_next_type(struct ob_type *type);

/* Looks a name up (case-insensitively); on success one reference is added for the caller.
 * STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_PATH_NOT_FOUND, or STATUS_OBJECT_TYPE_MISMATCH when
 * the object exists with another type (type NULL: any). */
NTSTATUS ob_lookup_object(const WCHAR *name, size_t name_chars, struct ob_type *type,
                          void **object);

/* ---- handle tables ---- */
/* An empty table (NULL when out of pool) whose growth is charged to quota_process (NULL: none). */
struct ob_handle_table *ob_create_handle_table(struct ps_process *quota_process);
/* Closes every handle (running close procedures and dropping references) and frees the table. */
void ob_destroy_handle_table(struct ob_handle_table *table, struct ps_process *process);
uint32_t ob_handle_table_count(struct ob_handle_table *table);

/* Makes a handle for object in process's table with `access` (GENERIC_* already mapped or not:
 * mapped here through the type), adding a pointer reference and a handle reference.
 * STATUS_INSUFFICIENT_RESOURCES when the table cannot grow, STATUS_QUOTA_EXCEEDED when its growth
 * does not fit the process's pool quota, STATUS_PROCESS_IS_TERMINATING once the process's handles
 * are being closed for good (NtDuplicateObject into a process that has ended). */
NTSTATUS ob_insert_handle(struct ps_process *process, void *object, ACCESS_MASK access,
                          uint32_t attributes, HANDLE *handle);

/* Resolves a handle of process (pseudo-handles included) to its object, checking that the handle
 * grants every right in `desired` and that the object has `type` (NULL: any type). Adds a pointer
 * reference on success. STATUS_INVALID_HANDLE (closed, never opened, forged; the tag bits are
 * ignored), STATUS_OBJECT_TYPE_MISMATCH, STATUS_ACCESS_DENIED. */
NTSTATUS ob_reference_object_by_handle(struct ps_process *process, HANDLE handle,
                                       ACCESS_MASK desired, struct ob_type *type, void **object,
                                       ACCESS_MASK *granted);

/* Closes a handle of process (the tag bits ignored): STATUS_INVALID_HANDLE if it is not open. */
NTSTATUS ob_close_handle(struct ps_process *process, HANDLE handle);

/* Maps GENERIC_* bits of access through type's mapping and drops bits the type does not know. */
ACCESS_MASK ob_map_access(struct ob_type *type, ACCESS_MASK access);

#endif
