/* kernel/ob/handle.c: per-process handle tables (NT's HANDLE_TABLE, kept flat): a growable array of
 * entries with a free list; handle = (index + 1) * 4, so 0 is never valid and handles are multiples
 * of 4 (the two low bits of a value looked up are tag bits, ignored). NtCurrentProcess() and
 * NtCurrentThread() are understood here, never stored. The array is charged to the pool quota of
 * the table's process (NT's QuotaProcess), if it has one. */
#include "kernel/ke/ke.h"
#include "kernel/ke/probe.h"
#include "kernel/ob/obp.h"
#include "kernel/rtl/string.h"

#define OBP_TABLE_TAG      MM_TAG('O', 'b', 'H', 't')
#define OBP_MAX_HANDLES    (1u << 24) /* NT's limit of 16M handles a process */
#define OBP_FIRST_CAPACITY 32u
#define OBP_NO_FREE        UINT32_MAX

struct ob_handle_entry {
    void *object; /* NULL when the entry is free */
    union {
        struct {
            ACCESS_MASK access;
            uint32_t attributes;
        };
        uint32_t next_free; /* index of the next free entry, or OBP_NO_FREE */
    };
};

struct ob_handle_table {
    struct ob_handle_entry *entries;
    uint32_t capacity;
    uint32_t count; /* entries in use */
    uint32_t free_head;
    struct ps_process *quota_process; /* pays for entries; NULL: the kernel */
    struct ke_spin_lock lock; /* everything above; taken outside obp_lock */
};

/* The process's table (NULL once its last thread has closed it). */
static struct ob_handle_table *table_of(struct ps_process *process)
{
    return obp_processes->handle_table(process);
}

static HANDLE index_to_handle(uint32_t index) { return (HANDLE)(uintptr_t)((index + 1) * 4); }

/* Returns an empty table, or NULL when the pool is out of memory. */
struct ob_handle_table *ob_create_handle_table(struct ps_process *quota_process)
{
    struct ob_handle_table *table = mm_pool_alloc(sizeof *table, OBP_TABLE_TAG);
    if (table)
        *table = (struct ob_handle_table){.free_head = OBP_NO_FREE,
                                          .quota_process = quota_process,
                                          .lock = KE_SPIN_LOCK_INIT("handle table")};
    return table;
}

/* ---- the quota charge for an array of `capacity` entries ---- */

static size_t array_bytes(uint32_t capacity)
{
    return capacity ? mm_pool_block_bytes(capacity * sizeof(struct ob_handle_entry)) : 0;
}

static NTSTATUS charge_array(struct ob_handle_table *table, uint32_t capacity)
{
    if (!table->quota_process)
        return STATUS_SUCCESS;
    return obp_processes->charge_pool_quota(table->quota_process, array_bytes(capacity));
}

static void return_array(struct ob_handle_table *table, uint32_t capacity)
{
    if (table->quota_process && capacity)
        obp_processes->return_pool_quota(table->quota_process, array_bytes(capacity));
}

/* Open handles in the table (they may change as soon as this returns). */
uint32_t ob_handle_table_count(struct ob_handle_table *table) { return table->count; }

/* The index of the open handle, or OBP_NO_FREE for anything else: 0, out of range, closed. The low
 * two bits are the application's tag bits and are ignored, as NT does (OBJ_HANDLE_TAGBITS). The
 * table's lock held. */
static uint32_t handle_to_index(struct ob_handle_table *table, HANDLE handle)
{
    uintptr_t value = (uintptr_t)handle & ~(uintptr_t)3;
    if (!table || value == 0)
        return OBP_NO_FREE;
    uint32_t index = value / 4 - 1;
    if (index >= table->capacity || !table->entries[index].object)
        return OBP_NO_FREE;
    return index;
}

static void free_entry(struct ob_handle_table *table, uint32_t index)
{
    ASSERT(ke_spin_lock_held(&table->lock));
    ASSERT(table->count > 0 && table->entries[index].object != NULL);
    table->entries[index] = (struct ob_handle_entry){.next_free = table->free_head};
    table->free_head = index;
    table->count--;
}

/* Puts entries (capacity of them) in place of a table's array of `seen` unless the table changed
 * meanwhile; returns the array that is no longer used, to be freed by the caller. */
static struct ob_handle_entry *install_array(struct ob_handle_table *table, uint32_t seen,
                                             struct ob_handle_entry *entries, uint32_t capacity)
{
    uint32_t irq = ke_acquire_spin_lock(&table->lock);
    struct ob_handle_entry *unused = entries;
    if (table->capacity == seen) {
        if (seen)
            memcpy(entries, table->entries, seen * sizeof *entries);
        for (uint32_t i = seen; i < capacity; i++)
            entries[i] =
                (struct ob_handle_entry){.next_free = i + 1 < capacity ? i + 1 : table->free_head};
        table->free_head = seen;
        unused = table->entries;
        table->entries = entries;
        table->capacity = capacity;
    }
    ke_release_spin_lock(&table->lock, irq);
    return unused;
}

/* Doubles a table that had `seen` entries and no free one. The pool is called without the table's
 * lock; if the table grew meanwhile the new array is simply dropped. The new array
 * is charged before it is allocated and the one that goes is given back after, so a process pays
 * for both for a moment: STATUS_QUOTA_EXCEEDED when they do not fit its quota. */
static NTSTATUS grow(struct ob_handle_table *table, uint32_t seen)
{
    if (seen >= OBP_MAX_HANDLES)
        return STATUS_INSUFFICIENT_RESOURCES;
    uint32_t capacity = seen ? MIN(seen * 2, OBP_MAX_HANDLES) : OBP_FIRST_CAPACITY;
    NTSTATUS status = charge_array(table, capacity);
    if (!NT_SUCCESS(status))
        return status;
    struct ob_handle_entry *entries = mm_pool_alloc_priority(
        capacity * sizeof *entries, OBP_TABLE_TAG,
        table->quota_process ? MM_POOL_NORMAL_PRIORITY : MM_POOL_HIGH_PRIORITY);
    if (!entries) {
        return_array(table, capacity);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    struct ob_handle_entry *unused = install_array(table, seen, entries, capacity);
    return_array(table, unused == entries ? capacity : seen);
    mm_pool_free(unused, OBP_TABLE_TAG);
    return STATUS_SUCCESS;
}

/* Maps access through the object's type, then takes a free entry (growing the table when there is
 * none) and fills it, adding a pointer and a handle reference in the same step. */
NTSTATUS ob_insert_handle(struct ps_process *process, void *object, ACCESS_MASK access,
                          uint32_t attributes, HANDLE *handle)
{
    struct ob_handle_table *table = table_of(process);
    NTSTATUS status = STATUS_SUCCESS;
    *handle = NULL;
    if (!table) /* the process has ended (ps_process_exit): NT's rundown of its table */
        return STATUS_PROCESS_IS_TERMINATING;
    access = ob_map_access(ob_object_type(object), access);
    while (NT_SUCCESS(status)) {
        uint32_t irq = ke_acquire_spin_lock(&table->lock);
        uint32_t index = table->free_head, capacity = table->capacity;
        if (index != OBP_NO_FREE) {
            struct ob_handle_entry *entry = &table->entries[index];
            ASSERT(index < table->capacity && entry->object == NULL);
            table->free_head = entry->next_free;
            table->count++;
            *entry = (struct ob_handle_entry){.object = object,
                                              .access = access,
                                              .attributes = attributes & OBP_HANDLE_ATTRIBUTES};
            ob_reference_object(object);
            obp_handle_opened(object);
            ke_release_spin_lock(&table->lock, irq);
            *handle = index_to_handle(index);
            return STATUS_SUCCESS;
        }
        ke_release_spin_lock(&table->lock, irq);
        status = grow(table, capacity);
    }
    return status;
}

/* See obp.h: the one place a new handle reaches user mode (object creation, opening by name,
 * duplication). */
NTSTATUS obp_insert_handle_to_user(struct ps_process *process, void *object, ACCESS_MASK access,
                                   uint32_t attributes, HANDLE *user_handle)
{
    HANDLE handle = NULL;
    NTSTATUS status = ob_insert_handle(process, object, access, attributes, &handle);
    if (!NT_SUCCESS(status))
        return status;
    status = ke_copy_to_user_optional(user_handle, &handle, sizeof handle, 1);
    if (!NT_SUCCESS(status))
        ob_close_handle(process, handle);
    return status;
}

/* The object a pseudo-handle stands for, with all rights; NULL for other handles. */
static void *pseudo_handle_object(HANDLE handle, ACCESS_MASK *access)
{
    if (handle == NtCurrentProcess()) {
        *access = PROCESS_ALL_ACCESS;
        return obp_processes->current_process();
    }
    if (handle == NtCurrentThread()) {
        *access = THREAD_ALL_ACCESS;
        return obp_processes->current_thread();
    }
    return NULL;
}

/* The entry behind a handle of the table, its object referenced; STATUS_INVALID_HANDLE for
 * anything but an open handle (a process that has ended has no table). */
static NTSTATUS reference_entry(struct ob_handle_table *table, HANDLE handle,
                                struct ob_handle_entry *entry)
{
    if (!table)
        return STATUS_INVALID_HANDLE;
    uint32_t irq = ke_acquire_spin_lock(&table->lock);
    uint32_t index = handle_to_index(table, handle);
    if (index != OBP_NO_FREE) {
        *entry = table->entries[index];
        ob_reference_object(entry->object);
    }
    ke_release_spin_lock(&table->lock, irq);
    return index != OBP_NO_FREE ? STATUS_SUCCESS : STATUS_INVALID_HANDLE;
}

/* The lookup behind ob_reference_object_by_handle: pseudo-handles first, then the table; the
 * checks in NT's order (handle, type, access). */
NTSTATUS obp_reference_by_handle(struct ps_process *process, HANDLE handle, ACCESS_MASK desired,
                                 struct ob_type *type, void **object, ACCESS_MASK *granted,
                                 uint32_t *attributes)
{
    struct ob_handle_entry entry = {.object = NULL};
    NTSTATUS status = STATUS_SUCCESS;
    entry.object = pseudo_handle_object(handle, &entry.access);
    if (entry.object)
        ob_reference_object(entry.object); /* a pseudo-handle has no attributes */
    else
        status = reference_entry(table_of(process), handle, &entry);
    if (NT_SUCCESS(status) && type && ob_object_type(entry.object) != type)
        status = STATUS_OBJECT_TYPE_MISMATCH;
    else if (NT_SUCCESS(status) && (desired & ~entry.access))
        status = STATUS_ACCESS_DENIED;
    if (!NT_SUCCESS(status) && entry.object)
        ob_dereference_object(entry.object);
    *object = NT_SUCCESS(status) ? entry.object : NULL;
    if (granted)
        *granted = NT_SUCCESS(status) ? entry.access : 0;
    if (attributes)
        *attributes = NT_SUCCESS(status) ? entry.attributes : 0;
    return status;
}

/* See ob.h. `desired` holds specific rights (no GENERIC_* bits); `granted` may be NULL. */
NTSTATUS ob_reference_object_by_handle(struct ps_process *process, HANDLE handle,
                                       ACCESS_MASK desired, struct ob_type *type, void **object,
                                       ACCESS_MASK *granted)
{
    return obp_reference_by_handle(process, handle, desired, type, object, granted, NULL);
}

/* Handles of the table that still refer to object (for close procedures). */
static uint32_t count_handles(struct ob_handle_table *table, void *object)
{
    uint32_t count = 0;
    uint32_t irq = ke_acquire_spin_lock(&table->lock);
    for (uint32_t i = 0; i < table->capacity; i++)
        count += table->entries[i].object == object;
    ke_release_spin_lock(&table->lock, irq);
    return count;
}

/* The second half of a close, once the entry is free: the type's close procedure, then the handle
 * and pointer references go (either may end the object's name or the object). */
static void close_object(struct ob_handle_table *table, struct ps_process *process, void *object)
{
    struct ob_type *type = ob_object_type(object);
    if (type->close_procedure)
        type->close_procedure(object, process, count_handles(table, object));
    obp_handle_closed(object);
    ob_dereference_object(object);
}

/* Closes an open handle of process; pseudo-handles and anything else give STATUS_INVALID_HANDLE. */
NTSTATUS ob_close_handle(struct ps_process *process, HANDLE handle)
{
    struct ob_handle_table *table = table_of(process);
    if (!table)
        return STATUS_INVALID_HANDLE; /* the process has ended */
    uint32_t irq = ke_acquire_spin_lock(&table->lock);
    uint32_t index = handle_to_index(table, handle);
    void *object = index != OBP_NO_FREE ? table->entries[index].object : NULL;
    if (object)
        free_entry(table, index);
    ke_release_spin_lock(&table->lock, irq);
    if (!object)
        return STATUS_INVALID_HANDLE;
    close_object(table, process, object);
    return STATUS_SUCCESS;
}

/* Closes the handles in index order, as if one ob_close_handle each, then frees the table. */
void ob_destroy_handle_table(struct ob_handle_table *table, struct ps_process *process)
{
    for (uint32_t i = 0;; i++) {
        uint32_t irq = ke_acquire_spin_lock(&table->lock);
        bool past_end = i >= table->capacity;
        void *object = past_end ? NULL : table->entries[i].object;
        if (object)
            free_entry(table, i);
        ke_release_spin_lock(&table->lock, irq);
        if (past_end)
            break;
        if (object)
            close_object(table, process, object);
    }
    if (table->count != 0)
        ke_panic("ob: handle table %p of %p destroyed with %u handles open", (void *)table,
                 (void *)process, table->count);
    return_array(table, table->capacity);
    mm_pool_free(table->entries, OBP_TABLE_TAG);
    mm_pool_free(table, OBP_TABLE_TAG);
}
