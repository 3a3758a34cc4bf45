/* kernel/ex/sync.c: the event, semaphore and mutant object types and their system services
 * (NtCreate/Open/Set/Reset/Release...). An object is created, filled in, then inserted (name,
 * handle); OBJ_OPENIF opens an existing object of the same type and returns
 * STATUS_OBJECT_NAME_EXISTS. */
#include "kernel/ex/services.h"
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ob/ob.h"
#include "kernel/ke/probe.h"
#include "kernel/ps/ps.h"
#include "kernel/ex/sync.h"

static void mutant_delete(void *object)
{
    struct ke_mutant *m = object;
    uint32_t irq = ke_lock_dispatcher(); /* the owner's list of mutants */
    if (m->owner)
        list_remove(&m->owner_link);
    ke_unlock_dispatcher(irq);
}

struct ob_type ex_event_type = {
    .name = "Event",
    .pool_tag = MM_TAG('E', 'v', 'e', 'n'),
    .valid_access = EVENT_ALL_ACCESS,
    .generic = {READ_CONTROL | EVENT_QUERY_STATE, EVENT_MODIFY_STATE, SYNCHRONIZE,
                EVENT_ALL_ACCESS},
};
struct ob_type ex_semaphore_type = {
    .name = "Semaphore",
    .pool_tag = MM_TAG('S', 'e', 'm', 'a'),
    .valid_access = SEMAPHORE_ALL_ACCESS,
    .generic = {READ_CONTROL | SEMAPHORE_QUERY_STATE, SEMAPHORE_MODIFY_STATE, SYNCHRONIZE,
                SEMAPHORE_ALL_ACCESS},
};
struct ob_type ex_mutant_type = {
    .name = "Mutant",
    .pool_tag = MM_TAG('M', 'u', 't', 'a'),
    .valid_access = MUTANT_ALL_ACCESS,
    .generic = {READ_CONTROL | MUTANT_QUERY_STATE, 0, SYNCHRONIZE, MUTANT_ALL_ACCESS},
    .delete_procedure = mutant_delete,
};

bool ex_is_waitable_type(const struct ob_type *type)
{
    return type == &ex_event_type || type == &ex_semaphore_type || type == &ex_mutant_type ||
           type == &ps_thread_type || type == &ps_process_type;
}

static NTSTATUS ex_create_sync_object(struct ob_type *type, size_t size, HANDLE *user_handle,
                                      ACCESS_MASK access, const OBJECT_ATTRIBUTES *user_attributes,
                                      void (*init)(void *object, const int32_t *args),
                                      const int32_t *args)
{
    struct ke_captured_name name;
    uint32_t attributes;
    NTSTATUS status = ke_probe_user_write(user_handle, sizeof(HANDLE), 1);
    if (NT_SUCCESS(status))
        status = ke_capture_object_attributes(user_attributes, &name, &attributes);
    if (!NT_SUCCESS(status))
        return status;
    void *object;
    status = ob_create_object(type, size, name.chars, name.length, &object);
    if (NT_SUCCESS(status)) {
        init(object, args);
        status = ob_insert_object(object, access, attributes, user_handle, NULL);
    }
    ke_release_captured_name(&name);
    return status;
}

static NTSTATUS ex_open_named_object(struct ob_type *type, HANDLE *user_handle, ACCESS_MASK access,
                                     const OBJECT_ATTRIBUTES *user_attributes)
{
    struct ke_captured_name name;
    uint32_t attributes;
    if (!user_attributes)
        return STATUS_INVALID_PARAMETER; /* NT's ObOpenObjectByName */
    NTSTATUS status = ke_probe_user_write(user_handle, sizeof(HANDLE), 1);
    if (NT_SUCCESS(status))
        status = ke_capture_object_attributes(user_attributes, &name, &attributes);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_open_object_by_name(name.chars, name.length, type, access, attributes, user_handle);
    ke_release_captured_name(&name);
    return status;
}

/* Runs op on the object behind handle (of type, with access) and writes its int32 result to the
 * optional user pointer. */
static NTSTATUS with_object(HANDLE handle, struct ob_type *type, ACCESS_MASK access,
                            int32_t *user_out,
                            NTSTATUS (*op)(void *object, int32_t arg, int32_t *out), int32_t arg)
{
    void *object;
    int32_t out = 0;
    NTSTATUS status = user_out ? ke_probe_user_write(user_out, sizeof out, 1) : STATUS_SUCCESS;
    if (NT_SUCCESS(status))
        status = ob_reference_object_by_handle(ps_current_process(), handle, access, type, &object,
                                               NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = op(object, arg, &out);
    ob_dereference_object(object);
    if (NT_SUCCESS(status) && user_out)
        status = ke_copy_to_user(user_out, &out, sizeof out, 1);
    return status;
}

/* ---- events ---- */

static void init_event(void *object, const int32_t *args)
{
    ke_init_dispatcher_header(
        object, args[0] == SynchronizationEvent ? KE_SYNCHRONIZATION_EVENT : KE_NOTIFICATION_EVENT,
        args[1] ? 1 : 0);
}

NTSTATUS NtCreateEvent(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes,
                       uint32_t event_type, uint32_t initial_state)
{
    if (event_type != NotificationEvent && event_type != SynchronizationEvent)
        return STATUS_INVALID_PARAMETER;
    int32_t args[2] = {(int32_t)event_type, (int32_t)(uint8_t)initial_state};
    return ex_create_sync_object(&ex_event_type, sizeof(struct ke_event), handle, access,
                                 attributes, init_event, args);
}

NTSTATUS NtOpenEvent(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes)
{
    return ex_open_named_object(&ex_event_type, handle, access, attributes);
}

static NTSTATUS op_set_event(void *object, int32_t arg, int32_t *out)
{
    (void)arg;
    *out = ke_set_event(object);
    return STATUS_SUCCESS;
}

static NTSTATUS op_reset_event(void *object, int32_t arg, int32_t *out)
{
    (void)arg;
    *out = ke_reset_event(object);
    return STATUS_SUCCESS;
}

NTSTATUS NtSetEvent(HANDLE handle, int32_t *previous_state)
{
    return with_object(handle, &ex_event_type, EVENT_MODIFY_STATE, previous_state, op_set_event, 0);
}

NTSTATUS NtResetEvent(HANDLE handle, int32_t *previous_state)
{
    return with_object(handle, &ex_event_type, EVENT_MODIFY_STATE, previous_state, op_reset_event,
                       0);
}

/* ---- semaphores ---- */

static void init_semaphore(void *object, const int32_t *args)
{
    struct ke_semaphore *s = object;
    ke_init_dispatcher_header(&s->header, KE_SEMAPHORE, args[0]);
    s->limit = args[1];
}

NTSTATUS NtCreateSemaphore(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes,
                           int32_t initial_count, int32_t maximum_count)
{
    if (maximum_count <= 0 || initial_count < 0 || initial_count > maximum_count)
        return STATUS_INVALID_PARAMETER;
    int32_t args[2] = {initial_count, maximum_count};
    return ex_create_sync_object(&ex_semaphore_type, sizeof(struct ke_semaphore), handle, access,
                                 attributes, init_semaphore, args);
}

NTSTATUS NtOpenSemaphore(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes)
{
    return ex_open_named_object(&ex_semaphore_type, handle, access, attributes);
}

static NTSTATUS op_release_semaphore(void *object, int32_t count, int32_t *out)
{
    return ke_release_semaphore(object, count, out);
}

NTSTATUS NtReleaseSemaphore(HANDLE handle, int32_t count, int32_t *previous_count)
{
    if (count <= 0)
        return STATUS_INVALID_PARAMETER;
    return with_object(handle, &ex_semaphore_type, SEMAPHORE_MODIFY_STATE, previous_count,
                       op_release_semaphore, count);
}

/* ---- mutants ---- */

static void init_mutant(void *object, const int32_t *args)
{
    struct ke_mutant *m = object;
    ke_init_dispatcher_header(&m->header, KE_MUTANT, 1);
    list_init(&m->owner_link);
    if (args[0]) {
        struct ke_thread *t = ke_current_thread();
        m->owner = t;
        m->header.signal_state = 0;
        uint32_t irq = ke_lock_dispatcher();
        list_insert_tail(&t->owned_mutants, &m->owner_link);
        ke_unlock_dispatcher(irq);
    }
}

NTSTATUS NtCreateMutant(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes,
                        uint32_t initial_owner)
{
    int32_t args[1] = {(uint8_t)initial_owner};
    return ex_create_sync_object(&ex_mutant_type, sizeof(struct ke_mutant), handle, access,
                                 attributes, init_mutant, args);
}

NTSTATUS NtOpenMutant(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes)
{
    return ex_open_named_object(&ex_mutant_type, handle, access, attributes);
}

static NTSTATUS op_release_mutant(void *object, int32_t arg, int32_t *out)
{
    (void)arg;
    return ke_release_mutant(object, out);
}

NTSTATUS NtReleaseMutant(HANDLE handle, int32_t *previous_count)
{
    return with_object(handle, &ex_mutant_type, 0, previous_count, op_release_mutant, 0);
}

/* NtSignalAndWaitForSingleObject's first half: what "signal" means for each type, and the right the
 * handle must grant for it. */
NTSTATUS ex_signal_by_type(void *object, ACCESS_MASK granted)
{
    struct ob_type *type = ob_object_type(object);
    int32_t previous;
    ACCESS_MASK needed = type == &ex_event_type       ? EVENT_MODIFY_STATE
                         : type == &ex_semaphore_type ? SEMAPHORE_MODIFY_STATE
                                                      : SYNCHRONIZE;
    if ((granted & needed) != needed)
        return type == &ex_event_type || type == &ex_semaphore_type || type == &ex_mutant_type
                   ? STATUS_ACCESS_DENIED
                   : STATUS_OBJECT_TYPE_MISMATCH;
    if (type == &ex_event_type) {
        ke_set_event(object);
        return STATUS_SUCCESS;
    }
    if (type == &ex_semaphore_type)
        return ke_release_semaphore(object, 1, &previous);
    if (type == &ex_mutant_type)
        return ke_release_mutant(object, &previous);
    return STATUS_OBJECT_TYPE_MISMATCH;
}
