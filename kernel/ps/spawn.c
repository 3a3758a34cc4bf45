/* kernel/ps/spawn.c: NtCreateUserProcess, NT 6's system call for CreateProcess: a process starts
 * another from an exe on the disk. Its arguments are captured here (Pagoda's subset of them:
 * docs/user-mode.md section 2) and handed to ps_create_user_process_with (kernel/ps/create.c); the
 * caller gets handles to the process and its first thread, which runs once they exist. */
#include "kernel/ke/probe.h"
#include "kernel/ob/ob.h"
#include "kernel/ps/services.h"
#include "kernel/ps/thread.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

#define MAX_ATTRIBUTES    16
#define ENVIRONMENT_CHUNK 128 /* characters read at a time while looking for the end */
#define HEADER_BYTES      offsetof(PAGODA_PROCESS_PARAMETERS, CurrentDirectores)
#define PROCESS_FLAGS     (PROCESS_CREATE_FLAGS_BREAKAWAY | PROCESS_CREATE_FLAGS_NO_DEBUG_INHERIT)

/* What the call asks for, in kernel memory. */
struct spawn {
    struct ps_string image; /* PS_ATTRIBUTE_IMAGE_NAME: the exe's NT path */
    CLIENT_ID *client_id; /* PS_ATTRIBUTE_CLIENT_ID, a user pointer */
    uint32_t *client_id_length;
    struct ps_parameters params;
};

/* bytes of UTF-16 at user into out (pool memory, freed with the parameters). */
static NTSTATUS capture_chars(const void *user, uint32_t bytes, struct ps_string *out)
{
    *out = (struct ps_string){NULL, 0};
    if (bytes % sizeof(WCHAR) || bytes / sizeof(WCHAR) > PS_MAX_PARAMETER_CHARS)
        return STATUS_INVALID_PARAMETER;
    if (bytes == 0)
        return STATUS_SUCCESS;
    WCHAR *chars = mm_pool_alloc(bytes, PS_PARAMETERS_TAG);
    if (!chars)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = ke_copy_from_user(chars, user, bytes, sizeof(WCHAR));
    if (!NT_SUCCESS(status)) {
        mm_pool_free(chars, PS_PARAMETERS_TAG);
        return status;
    }
    *out = (struct ps_string){chars, bytes / sizeof(WCHAR)};
    return STATUS_SUCCESS;
}

/* A UNICODE_STRING of the parameters; base is the block's address when it is denormalized (its
 * buffers are offsets from the block), 0 when normalized. */
static NTSTATUS capture_unicode(const UNICODE_STRING *u, uintptr_t base, struct ps_string *out)
{
    uintptr_t buffer = (uintptr_t)u->Buffer;
    if (buffer && base)
        buffer += base;
    return capture_chars((const void *)buffer, u->Length, out);
}

/* The characters of a NAME=VALUE block up to and with its empty last string. */
static NTSTATUS environment_length(const WCHAR *user, uint32_t *length)
{
    WCHAR chunk[ENVIRONMENT_CHUNK];
    WCHAR previous = 1;
    for (uint32_t done = 0; done < PS_MAX_PARAMETER_CHARS;) {
        /* never past the page the next character is on, where the block may end */
        uintptr_t at = (uintptr_t)(user + done);
        uint32_t n = MIN(ENVIRONMENT_CHUNK, (PAGE_SIZE - (at & PAGE_MASK)) / sizeof(WCHAR));
        n = MAX(n, 1u);
        NTSTATUS status = ke_copy_from_user(chunk, (const void *)at, n * sizeof(WCHAR), 1);
        if (!NT_SUCCESS(status))
            return status;
        for (uint32_t i = 0; i < n; i++, done++) {
            if (chunk[i] == 0 && (previous == 0 || done == 0)) {
                *length = done + 1 + (done == 0); /* an empty block is two NULs */
                return STATUS_SUCCESS;
            }
            previous = chunk[i];
        }
    }
    return STATUS_INVALID_PARAMETER;
}

static NTSTATUS capture_environment(const WCHAR *user, struct ps_string *out)
{
    uint32_t length = 0;
    *out = (struct ps_string){NULL, 0};
    if (!user)
        return STATUS_SUCCESS; /* an empty environment */
    NTSTATUS status = environment_length(user, &length);
    if (NT_SUCCESS(status))
        status = capture_chars(user, length * sizeof(WCHAR), out);
    if (NT_SUCCESS(status)) /* the block may have changed since it was measured */
        ((WCHAR *)out->chars)[length - 1] = ((WCHAR *)out->chars)[length - 2] = 0;
    return status;
}

static NTSTATUS capture_parameters(const PAGODA_PROCESS_PARAMETERS *user, struct ps_parameters *p)
{
    PAGODA_PROCESS_PARAMETERS h;
    if (!user)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = ke_copy_from_user(&h, user, HEADER_BYTES, sizeof(uint32_t));
    if (!NT_SUCCESS(status))
        return status;
    uintptr_t base = (h.Flags & PROCESS_PARAMETERS_NORMALIZED) ? 0 : (uintptr_t)user;
    status = capture_unicode(&h.CurrentDirectoryPath, base, &p->current_directory);
    if (NT_SUCCESS(status))
        status = capture_unicode(&h.DllPath, base, &p->dll_path);
    if (NT_SUCCESS(status))
        status = capture_unicode(&h.ImagePathName, base, &p->image_path);
    if (NT_SUCCESS(status))
        status = capture_unicode(&h.CommandLine, base, &p->command_line);
    if (NT_SUCCESS(status))
        status = capture_unicode(&h.WindowTitle, base, &p->window_title);
    if (NT_SUCCESS(status)) /* a pointer even in a denormalized block */
        status = capture_environment(h.Environment, &p->environment);
    p->std_handles[0] = h.StandardInput;
    p->std_handles[1] = h.StandardOutput;
    p->std_handles[2] = h.StandardError;
    p->handle_source = ps_current_process();
    return status;
}

static NTSTATUS capture_attribute(const PS_ATTRIBUTE *a, struct spawn *s)
{
    switch (a->Attribute) {
    case PS_ATTRIBUTE_IMAGE_NAME:
        if (s->image.chars || a->Size == 0)
            return STATUS_INVALID_PARAMETER;
        return capture_chars(a->ValuePtr, a->Size, &s->image);
    case PS_ATTRIBUTE_CLIENT_ID:
        if (a->Size < sizeof(CLIENT_ID))
            return STATUS_INVALID_PARAMETER;
        s->client_id = a->ValuePtr;
        s->client_id_length = a->ReturnLength;
        return ke_probe_user_write(a->ValuePtr, sizeof(CLIENT_ID), sizeof(uint32_t));
    default: return STATUS_INVALID_PARAMETER; /* not in Pagoda's subset */
    }
}

static NTSTATUS capture_attributes(const PS_ATTRIBUTE_LIST *user, struct spawn *s)
{
    uint32_t total;
    if (!user)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = ke_copy_from_user(&total, user, sizeof total, sizeof(uint32_t));
    if (!NT_SUCCESS(status))
        return status;
    uint32_t count = (total - sizeof(uint32_t)) / sizeof(PS_ATTRIBUTE);
    if (total < sizeof(uint32_t) || (total - sizeof(uint32_t)) % sizeof(PS_ATTRIBUTE) ||
        count > MAX_ATTRIBUTES)
        return STATUS_INVALID_PARAMETER;
    for (uint32_t i = 0; i < count && NT_SUCCESS(status); i++) {
        PS_ATTRIBUTE a;
        status = ke_copy_from_user(&a, &user->Attributes[i], sizeof a, sizeof(uint32_t));
        if (NT_SUCCESS(status))
            status = capture_attribute(&a, s);
    }
    if (NT_SUCCESS(status) && !s->image.chars)
        status = STATUS_INVALID_PARAMETER; /* no exe */
    return status;
}

/* Object attributes are read and checked, as NtCreateThread does; processes have no names. */
static NTSTATUS check_object_attributes(const OBJECT_ATTRIBUTES *attributes)
{
    struct ke_captured_name name;
    uint32_t bits;
    if (!attributes)
        return STATUS_SUCCESS;
    NTSTATUS status = ke_capture_object_attributes(attributes, &name, &bits);
    if (NT_SUCCESS(status))
        ke_release_captured_name(&name);
    return status;
}

static NTSTATUS check_arguments(HANDLE *process_handle, HANDLE *thread_handle,
                                const OBJECT_ATTRIBUTES *process_attributes,
                                const OBJECT_ATTRIBUTES *thread_attributes, uint32_t process_flags,
                                uint32_t thread_flags, PS_CREATE_INFO *create_info)
{
    uint32_t size;
    if (process_flags & PROCESS_CREATE_FLAGS_INHERIT_HANDLES)
        return STATUS_NOT_IMPLEMENTED; /* only the standard handles are passed on */
    if ((process_flags & ~PROCESS_FLAGS) ||
        (thread_flags & ~THREAD_CREATE_FLAGS_CREATE_SUSPENDED) || !create_info)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = ke_probe_user_write(process_handle, sizeof(HANDLE), 1);
    if (NT_SUCCESS(status))
        status = ke_probe_user_write(thread_handle, sizeof(HANDLE), 1);
    if (NT_SUCCESS(status))
        status = ke_copy_from_user(&size, create_info, sizeof size, sizeof(uint32_t));
    if (NT_SUCCESS(status) && size != sizeof(PS_CREATE_INFO))
        status = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(status))
        status = ke_probe_user_write(create_info, sizeof(PS_CREATE_INFO), sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = check_object_attributes(process_attributes);
    if (NT_SUCCESS(status))
        status = check_object_attributes(thread_attributes);
    return status;
}

/* PS_CREATE_INFO's state for a creation that failed. */
static void report_failure(PS_CREATE_INFO *create_info, NTSTATUS status)
{
    PS_CREATE_STATE state = PsCreateInitialState;
    if (status == STATUS_OBJECT_NAME_NOT_FOUND || status == STATUS_OBJECT_PATH_NOT_FOUND ||
        status == STATUS_ACCESS_DENIED || status == STATUS_SHARING_VIOLATION ||
        status == STATUS_OBJECT_NAME_INVALID)
        state = PsCreateFailOnFileOpen;
    else if (status == STATUS_INVALID_IMAGE_FORMAT)
        state = PsCreateFailExeFormat;
    ke_copy_to_user(&create_info->State, &state, sizeof state, sizeof(uint32_t));
}

/* The handles, the client ID and the create info, written to the caller. */
static NTSTATUS hand_out(struct ps_process *process, struct ps_thread *thread,
                         const struct spawn *s, HANDLE *process_handle, HANDLE *thread_handle,
                         ACCESS_MASK process_access, ACCESS_MASK thread_access,
                         PS_CREATE_INFO *create_info)
{
    CLIENT_ID cid = {(HANDLE)(uintptr_t)process->unique_id, (HANDLE)(uintptr_t)thread->unique_id};
    uint32_t cid_length = sizeof cid;
    PS_CREATE_INFO info = {.Size = sizeof info, .State = PsCreateSuccess};
    info.SuccessState.PebAddressNative = process->peb;
    ob_reference_object(process); /* the insertions consume the creation's references */
    ob_reference_object(thread);
    NTSTATUS status = ob_insert_object(process, process_access, 0, process_handle, NULL);
    if (NT_SUCCESS(status))
        status = ob_insert_object(thread, thread_access, 0, thread_handle, NULL);
    else
        ob_dereference_object(thread);
    if (NT_SUCCESS(status) && s->client_id)
        status = ke_copy_to_user(s->client_id, &cid, sizeof cid, sizeof(uint32_t));
    if (NT_SUCCESS(status) && s->client_id_length)
        status =
            ke_copy_to_user(s->client_id_length, &cid_length, sizeof cid_length, sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = ke_copy_to_user(create_info, &info, sizeof info, sizeof(uint32_t));
    return status;
}

NTSTATUS NtCreateUserProcess(HANDLE *process_handle, HANDLE *thread_handle,
                             ACCESS_MASK process_access, ACCESS_MASK thread_access,
                             const OBJECT_ATTRIBUTES *process_attributes,
                             const OBJECT_ATTRIBUTES *thread_attributes, uint32_t process_flags,
                             uint32_t thread_flags, const PAGODA_PROCESS_PARAMETERS *parameters,
                             PS_CREATE_INFO *create_info, const PS_ATTRIBUTE_LIST *attribute_list)
{
    struct spawn s = {0};
    struct ps_process *process = NULL;
    struct ps_thread *thread = NULL;
    uint32_t previous;
    NTSTATUS status = check_arguments(process_handle, thread_handle, process_attributes,
                                      thread_attributes, process_flags, thread_flags, create_info);
    if (NT_SUCCESS(status))
        status = capture_attributes(attribute_list, &s);
    if (NT_SUCCESS(status))
        status = capture_parameters(parameters, &s.params);
    if (NT_SUCCESS(status))
        status = ps_create_user_process_with(s.image.chars, s.image.length, &s.params, &process,
                                             &thread);
    if (!NT_SUCCESS(status)) {
        if (create_info && status != STATUS_ACCESS_VIOLATION)
            report_failure(create_info, status);
        goto out;
    }
    status = hand_out(process, thread, &s, process_handle, thread_handle, process_access,
                      thread_access, create_info);
    if (!NT_SUCCESS(status))
        ps_terminate_process(process, status);
    else if (!(thread_flags & THREAD_CREATE_FLAGS_CREATE_SUSPENDED))
        ps_resume_thread(thread, &previous);
    ob_dereference_object(thread);
    ob_dereference_object(process);
out:
    s.params.handle_source = NULL;
    ps_free_parameters(&s.params);
    if (s.image.chars)
        mm_pool_free((void *)s.image.chars, PS_PARAMETERS_TAG);
    return status;
}
