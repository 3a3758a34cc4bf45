/* kernel/ob/object.c: the life of an object: its header, creation with an optional name, pointer
 * and handle counts, deletion when the last reference goes, and the mapping of generic access
 * rights. An object that a process creates is charged to that process's pool quota until it is
 * deleted. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ob/obp.h"
#include "kernel/rtl/string.h"

#define OBP_MAX_BODY 0x40000000u /* the pool's own limit: 1 GiB */

const struct ob_process_callouts *obp_processes;

void ob_set_process_callouts(const struct ob_process_callouts *callouts)
{
    obp_processes = callouts;
}

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
 * process pays for stay out of the pool's reserve. */
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
    uint32_t flags = ke_disable_interrupts();
    type->object_count += (uint32_t)delta;
    if (!type->listed) {
        type->listed = true;
        *last_type = type;
        last_type = &type->next_type;
    }
    ke_restore_interrupts(flags);
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

/* Takes a new object out of the namespace again (its creation failed after the name went in). */
static void remove_new_name(struct ob_header *header)
{
    uint32_t flags = ke_disable_interrupts();
    void *directory = obp_remove_name(header);
    ke_restore_interrupts(flags);
    if (directory)
        ob_dereference_object(directory);
}

struct ob_type *ob_next_type(struct ob_type *type)
{
    uint32_t flags = ke_disable_interrupts();
    struct ob_type *next = type ? type->next_type : first_type;
    ke_restore_interrupts(flags);
    return next;
}

/* Creates a zeroed object holding one reference for the caller; a name enters it in the namespace
 * (see ob.h for the errors). The object counts for its type from the moment it can be found. The
 * charge comes after the name, as NT's ObInsertObject charges after the lookup: a name collision
 * is reported as such even to a process at its quota. */
NTSTATUS ob_create_object(struct ob_type *type, size_t body_size, const WCHAR *name,
                          size_t name_chars, void **object)
{
    struct ps_process *payer = obp_processes ? obp_processes->quota_process() : NULL;
    struct ob_header *header = NULL;
    size_t leaf_chars = 0;
    NTSTATUS status = STATUS_SUCCESS;
    *object = NULL;
    if (name) {
        status = obp_check_name(name, name_chars, &leaf_chars);
        if (!NT_SUCCESS(status))
            goto out;
    }
    status = STATUS_INSUFFICIENT_RESOURCES;
    if (body_size > OBP_MAX_BODY)
        goto out;
    header = allocate_object(type, body_size, name ? name + name_chars - leaf_chars : NULL,
                             leaf_chars, payer);
    if (!header)
        goto out;
    count_objects(type, 1);
    status = name ? obp_insert_name(header, name, name_chars) : STATUS_SUCCESS;
    if (NT_SUCCESS(status) && payer) {
        status = charge_quota(header, payer);
        if (!NT_SUCCESS(status) && name)
            remove_new_name(header);
    }
    if (!NT_SUCCESS(status))
        count_objects(type, -1);
out:
    if (NT_SUCCESS(status))
        *object = obp_body(header);
    else if (header)
        mm_pool_free(header, type->pool_tag);
    return status;
}

/* Adds a pointer reference. The object must be alive: the caller already holds a reference, or
 * found it under the lock in a handle table or the namespace. */
void ob_reference_object(void *object)
{
    struct ob_header *header = header_of(object);
    uint32_t flags = ke_disable_interrupts();
    ASSERT(header->pointer_count > 0);
    header->pointer_count++;
    ke_restore_interrupts(flags);
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
 * handle) and deletes it. Runs the delete procedure with interrupts as the caller had them. */
void ob_dereference_object(void *object)
{
    struct ob_header *header = header_of(object);
    void *directory = NULL;
    uint32_t flags = ke_disable_interrupts();
    if (header->pointer_count == 0)
        ke_panic("ob: dereference of %p (%s) with no references", object, header->type->name);
    bool last = --header->pointer_count == 0;
    if (last) {
        directory = obp_remove_name(header);
        header->type->object_count--;
    }
    ke_restore_interrupts(flags);
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
    uint32_t flags = ke_disable_interrupts();
    ASSERT(header->pointer_count > header->handle_count);
    header->handle_count++;
    header->type->handle_count++;
    ke_restore_interrupts(flags);
}

/* Uncounts a closed handle (the pointer reference is the caller's to drop). NT's rule for names: an
 * object that is not permanent leaves the namespace with its last handle, though kernel references
 * may keep it alive for a while. */
void obp_handle_closed(void *object)
{
    struct ob_header *header = header_of(object);
    void *directory = NULL;
    uint32_t flags = ke_disable_interrupts();
    if (header->handle_count == 0)
        ke_panic("ob: handle closed for %p (%s) with no handles", object, header->type->name);
    header->handle_count--;
    header->type->handle_count--;
    if (header->handle_count == 0 && !(header->flags & OBP_PERMANENT))
        directory = obp_remove_name(header);
    ke_restore_interrupts(flags);
    if (directory)
        ob_dereference_object(directory);
}

/* A permanent object keeps its name without handles: the namespace's own directories. */
void obp_make_permanent(void *object)
{
    struct ob_header *header = header_of(object);
    uint32_t flags = ke_disable_interrupts();
    header->flags |= OBP_PERMANENT;
    ke_restore_interrupts(flags);
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
