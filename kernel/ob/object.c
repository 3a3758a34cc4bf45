/* kernel/ob/object.c: the life of an object: its header, creation, insertion (name, quota, handle:
 * NT's ObCreateObject / ObInsertObject split), pointer and handle counts, deletion when the last
 * reference goes, and the mapping of generic access rights. An object that a process inserts is
 * charged to that process's pool quota until it is deleted. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ob/obp.h"
#include "kernel/rtl/string.h"

#define OBP_MAX_BODY 0x40000000u /* the pool's own limit: 1 GiB */

struct ke_spin_lock obp_lock = KE_SPIN_LOCK_INIT("object manager");
const struct ob_process_callouts *obp_processes;

void ob_set_process_callouts(const struct ob_process_callouts *callouts)
{
    obp_processes = callouts;
}

/* Who pays for what the current thread makes: NULL (the kernel) until ps_init set the callouts. */
static struct ps_process *quota_process(void)
{
    return obp_processes ? obp_processes->quota_process() : NULL;
}

/* The process the current thread belongs to (a handle made for "the caller" goes there). */
static struct ps_process *current_process(void) { return obp_processes->current_process(); }

/* The header of object, after checking that it is one (a bad pointer is a kernel bug). */
static struct ob_header *header_of(void *object)
{
    struct ob_header *header = obp_header(object);
    if (header->magic != OBP_HEADER_MAGIC)
        ke_panic("ob: %p is not an object (header magic %08x)", object, header->magic);
    return header;
}

static size_t block_size(size_t body_size, size_t leaf_chars)
{
    return sizeof(struct ob_header) + ALIGN_UP(body_size, 2) + leaf_chars * sizeof(WCHAR);
}

/* Allocates header, body and the leaf of the name in one pool block charged to the type; objects a
 * process will pay for stay out of the pool's reserve. */
static struct ob_header *allocate_object(struct ob_type *type, size_t body_size, const WCHAR *leaf,
                                         size_t leaf_chars, struct ps_process *payer)
{
    size_t body = ALIGN_UP(body_size, 2);
    struct ob_header *header =
        mm_pool_alloc_priority(block_size(body_size, leaf_chars), type->pool_tag,
                               payer ? MM_POOL_NORMAL_PRIORITY : MM_POOL_HIGH_PRIORITY);
    if (!header)
        return NULL;
    memset(header, 0, sizeof *header + body);
    header->magic = OBP_HEADER_MAGIC;
    header->pointer_count = 1;
    header->type = type;
    header->body_size = (uint32_t)body_size;
    if (leaf_chars) {
        WCHAR *name = (WCHAR *)((uint8_t *)obp_body(header) + body);
        memcpy(name, leaf, leaf_chars * sizeof(WCHAR));
        header->name = name;
        header->name_chars = (uint16_t)leaf_chars;
    }
    return header;
}

static struct ob_type *first_type, **last_type = &first_type;

static void count_objects(struct ob_type *type, int delta)
{
    uint32_t irq = ke_acquire_spin_lock(&obp_lock);
    type->object_count += (uint32_t)delta;
    if (!type->listed) {
        type->listed = true;
        *last_type = type;
        last_type = &type->next_type;
    }
    ke_release_spin_lock(&obp_lock, irq);
}

/* Charges the block to payer and makes the header reference it. */
static NTSTATUS charge_quota(struct ob_header *header, struct ps_process *payer)
{
    size_t bytes = mm_pool_block_bytes(block_size(header->body_size, header->name_chars));
    NTSTATUS status = obp_processes->charge_pool_quota(payer, bytes);
    if (NT_SUCCESS(status)) {
        ob_reference_object(payer);
        header->quota_process = payer;
        header->quota_charge = (uint32_t)bytes;
    }
    return status;
}

/* Takes a new object out of the namespace again (its insertion failed after the name went in). */
static void remove_new_name(struct ob_header *header)
{
    uint32_t irq = ke_acquire_spin_lock(&obp_lock);
    void *directory = obp_remove_name(header);
    ke_release_spin_lock(&obp_lock, irq);
    if (directory)
        ob_dereference_object(directory);
}

struct ob_type *ob_next_type(struct ob_type *type)
{
    uint32_t irq = ke_acquire_spin_lock(&obp_lock);
    struct ob_type *next = type ? type->next_type : first_type;
    ke_release_spin_lock(&obp_lock, irq);
    return next;
}

/* See ob.h: a zeroed object, one reference for the caller, in no namespace and in no handle table
 * until ob_insert_object. It counts for its type from the start (NT's TotalNumberOfObjects). */
NTSTATUS ob_create_object(struct ob_type *type, size_t body_size, const WCHAR *name,
                          size_t name_chars, void **object)
{
    struct ob_header *header = NULL;
    size_t leaf_chars = 0;
    NTSTATUS status = STATUS_SUCCESS;
    *object = NULL;
    if (name) {
        status = obp_check_name(name, name_chars, &leaf_chars);
        if (!NT_SUCCESS(status))
            return status;
    }
    if (body_size > OBP_MAX_BODY)
        return STATUS_INSUFFICIENT_RESOURCES;
    header = allocate_object(type, body_size, name ? name + name_chars - leaf_chars : NULL,
                             leaf_chars, quota_process());
    if (!header)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (name) {
        header->create_path = name;
        header->create_path_chars = (uint16_t)name_chars;
    }
    count_objects(type, 1);
    *object = obp_body(header);
    return STATUS_SUCCESS;
}

/* Enters the created object's name, if it has one. With OBJ_OPENIF a name that exists gives that
 * object (referenced, same type) in *existing and STATUS_OBJECT_NAME_EXISTS. */
static NTSTATUS insert_name(struct ob_header *header, uint32_t attributes, void **existing)
{
    struct ob_header *found = NULL;
    *existing = NULL;
    if (!header->create_path_chars)
        return STATUS_SUCCESS;
    NTSTATUS status = obp_insert_name(header, header->create_path, header->create_path_chars,
                                      (attributes & OBJ_OPENIF) ? &found : NULL);
    if (status != STATUS_OBJECT_NAME_COLLISION || !found)
        return status;
    if (found->type != header->type) {
        ob_dereference_object(obp_body(found));
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    *existing = obp_body(found);
    return STATUS_OBJECT_NAME_EXISTS;
}

/* The name, then the quota: NT's ObInsertObject charges after the lookup, so a name collision is
 * reported as such even to a process at its quota. On failure the name is out again. */
static NTSTATUS insert_name_and_charge(struct ob_header *header, uint32_t attributes,
                                       void **existing)
{
    struct ps_process *payer = quota_process();
    NTSTATUS status = insert_name(header, attributes, existing);
    if (status == STATUS_SUCCESS && payer) {
        status = charge_quota(header, payer);
        if (!NT_SUCCESS(status))
            remove_new_name(header);
    }
    return status;
}

/* See ob.h. The object is complete before anyone can find it: whatever the copy of the handle
 * waits for, another thread that opens the name meanwhile sees it filled in. */
NTSTATUS ob_insert_object(void *object, ACCESS_MASK access, uint32_t attributes,
                          HANDLE *user_handle, void **inserted)
{
    struct ob_header *header = header_of(object);
    void *existing = NULL;
    ASSERT(header->handle_count == 0 && header->directory == NULL && header->quota_process == NULL);
    ASSERT(!user_handle || ke_can_wait());
    NTSTATUS status = insert_name_and_charge(header, attributes, &existing);
    header->create_path_chars = 0; /* the path was the caller's buffer: not kept */
    if (existing) { /* OBJ_OPENIF: the new object goes, the existing one takes its place */
        ob_dereference_object(object);
        object = existing;
    }
    if (NT_SUCCESS(status) && user_handle) {
        NTSTATUS handed =
            obp_insert_handle_to_user(current_process(), object, access, attributes, user_handle);
        status = NT_SUCCESS(handed) ? status : handed;
    }
    if (NT_SUCCESS(status) && inserted)
        *inserted = object;
    else
        ob_dereference_object(object);
    return status;
}

/* See ob.h: NT's ObOpenObjectByName. */
NTSTATUS ob_open_object_by_name(const WCHAR *name, size_t name_chars, struct ob_type *type,
                                ACCESS_MASK access, uint32_t attributes, HANDLE *user_handle)
{
    void *object = NULL;
    ASSERT(ke_can_wait());
    NTSTATUS status =
        name ? ob_lookup_object(name, name_chars, type, &object) : STATUS_OBJECT_PATH_SYNTAX_BAD;
    if (!NT_SUCCESS(status))
        return status;
    status = obp_insert_handle_to_user(current_process(), object, access, attributes, user_handle);
    ob_dereference_object(object);
    return status;
}

/* One more pointer reference. obp_lock held. */
void obp_reference_locked(struct ob_header *header)
{
    ASSERT(ke_spin_lock_held(&obp_lock) && header->pointer_count > 0);
    header->pointer_count++;
}

/* Adds a pointer reference. The object must be alive: the caller already holds a reference, or
 * found it under a lock in a handle table or the namespace. */
void ob_reference_object(void *object)
{
    struct ob_header *header = header_of(object);
    uint32_t irq = ke_acquire_spin_lock(&obp_lock);
    obp_reference_locked(header);
    ke_release_spin_lock(&obp_lock, irq);
}

/* The last reference is gone: the delete procedure cleans the body, then the block goes back. */
static void delete_object(struct ob_header *header)
{
    struct ob_type *type = header->type;
    struct ps_process *payer = header->quota_process;
    size_t charge = header->quota_charge;
    ASSERT(header->handle_count == 0 && header->directory == NULL);
    if (type->delete_procedure)
        type->delete_procedure(obp_body(header));
    header->magic = 0; /* a later use of the stale pointer panics in header_of */
    mm_pool_free(header, type->pool_tag);
    if (payer) {
        obp_processes->return_pool_quota(payer, charge);
        ob_dereference_object(payer);
    }
}

/* Drops a pointer reference; the last one takes the object out of the namespace (if it never had a
 * handle) and deletes it. Runs the delete procedure without obp_lock, as the caller runs. */
void ob_dereference_object(void *object)
{
    struct ob_header *header = header_of(object);
    void *directory = NULL;
    uint32_t irq = ke_acquire_spin_lock(&obp_lock);
    if (header->pointer_count == 0)
        ke_panic("ob: dereference of %p (%s) with no references", object, header->type->name);
    bool last = --header->pointer_count == 0;
    if (last) {
        directory = obp_remove_name(header);
        header->type->object_count--;
    }
    ke_release_spin_lock(&obp_lock, irq);
    if (!last)
        return;
    if (directory)
        ob_dereference_object(directory);
    delete_object(header);
}

/* Counts a new handle; the caller has already added the handle's pointer reference. */
void obp_handle_opened(void *object)
{
    struct ob_header *header = header_of(object);
    uint32_t irq = ke_acquire_spin_lock(&obp_lock);
    ASSERT(header->pointer_count > header->handle_count);
    header->handle_count++;
    header->type->handle_count++;
    ke_release_spin_lock(&obp_lock, irq);
}

/* Uncounts a closed handle (the pointer reference is the caller's to drop). NT's rule for names: an
 * object that is not permanent leaves the namespace with its last handle, though kernel references
 * may keep it alive for a while. */
void obp_handle_closed(void *object)
{
    struct ob_header *header = header_of(object);
    void *directory = NULL;
    uint32_t irq = ke_acquire_spin_lock(&obp_lock);
    if (header->handle_count == 0)
        ke_panic("ob: handle closed for %p (%s) with no handles", object, header->type->name);
    header->handle_count--;
    header->type->handle_count--;
    if (header->handle_count == 0 && !(header->flags & OBP_PERMANENT))
        directory = obp_remove_name(header);
    ke_release_spin_lock(&obp_lock, irq);
    if (directory)
        ob_dereference_object(directory);
}

/* A permanent object keeps its name without handles: the namespace's own directories. */
void obp_make_permanent(void *object)
{
    struct ob_header *header = header_of(object);
    uint32_t irq = ke_acquire_spin_lock(&obp_lock);
    header->flags |= OBP_PERMANENT;
    ke_release_spin_lock(&obp_lock, irq);
}

/* Counts and type of a live object (the counts may change as soon as they are read). */
uint32_t ob_pointer_count(void *object) { return header_of(object)->pointer_count; }
uint32_t ob_handle_count(void *object) { return header_of(object)->handle_count; }
struct ob_type *ob_object_type(void *object) { return header_of(object)->type; }

/* GENERIC_* bits become the type's specific rights, MAXIMUM_ALLOWED all of them (there are no
 * security descriptors to limit it); bits the type does not define are dropped. */
ACCESS_MASK ob_map_access(struct ob_type *type, ACCESS_MASK access)
{
    const struct ob_generic_mapping *g = &type->generic;
    if (access & GENERIC_READ)
        access |= g->read;
    if (access & GENERIC_WRITE)
        access |= g->write;
    if (access & GENERIC_EXECUTE)
        access |= g->execute;
    if (access & (GENERIC_ALL | MAXIMUM_ALLOWED))
        access |= g->all;
    return access & type->valid_access;
}
