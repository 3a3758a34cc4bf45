/* kernel/ps/process.c: processes: the process object type, the System process (the boot thread and
 * the idle thread live in it), creating a process with its PEB, parameters and shared user data
 * page, ending it (last thread) and deleting it (last reference). */
#include "kernel/ke/boot.h"
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ndk/ntmm.h"
#include "kernel/ob/ob.h"
#include "kernel/ke/sched.h"
#include "kernel/rtl/string.h"
#include "kernel/ps/thread.h"

#define PROCESS_TAG MM_TAG('P', 'r', 'o', 'c')

static void process_delete(void *object);

struct ob_type ps_process_type = {
    .name = "Process",
    .pool_tag = PROCESS_TAG,
    .valid_access = PROCESS_ALL_ACCESS,
    .generic = {READ_CONTROL | PROCESS_VM_READ | PROCESS_QUERY_INFORMATION,
                PROCESS_TERMINATE | PROCESS_CREATE_THREAD | PROCESS_VM_OPERATION |
                    PROCESS_VM_WRITE | PROCESS_DUP_HANDLE,
                SYNCHRONIZE, PROCESS_ALL_ACCESS},
    .delete_procedure = process_delete,
};

struct ps_process *ps_system_process;
/* The process list and count, each process's thread list and count, and the client IDs. */
struct ke_spin_lock ps_list_lock = KE_SPIN_LOCK_INIT("process and thread lists");
static struct list_entry process_list = {&process_list, &process_list};
static uint32_t process_count;
static uint32_t next_process_id = 0x1000;

uint32_t ps_process_count(void) { return process_count; }

/* ---- attaching ---- */

/* The scheduler switches to the thread's tcb.address_space whenever it runs it again. */
void ps_attach_process(struct ps_process *p)
{
    struct ps_thread *t = ps_current_thread();
    ASSERT(!t->tcb.attached);
    if (p == t->process)
        return;
    t->tcb.attached = true;
    t->tcb.address_space = &p->address_space;
    mm_switch_address_space(&p->address_space);
}

void ps_detach_process(void)
{
    struct ps_thread *t = ps_current_thread();
    if (!t->tcb.attached)
        return;
    t->tcb.attached = false;
    t->tcb.address_space = &t->process->address_space;
    mm_switch_address_space(&t->process->address_space);
}

/* ---- creation ---- */

/* The last component of a path ("C:\\Tests\\hello.exe" names the process "hello.exe"). */
static const char *last_component(const char *path)
{
    const char *name = path;
    for (const char *c = path; *c; c++)
        if (*c == '\\' || *c == '/')
            name = c + 1;
    return name;
}

static struct ps_process *new_process_object(const char *name, NTSTATUS *status)
{
    struct ps_process *p;
    *status = ob_create_object(&ps_process_type, sizeof *p, NULL, 0, (void **)&p);
    if (!NT_SUCCESS(*status))
        return NULL;
    ke_init_dispatcher_header(&p->header, KE_PROCESS, 0);
    list_init(&p->threads);
    p->exit_status = STATUS_PENDING;
    p->base_priority = PS_PRIORITY_NORMAL;
    p->pool_quota.limit = ps_default_pool_quota;
    strlcpy(p->name, last_component(name), sizeof p->name);
    uint32_t irq = ke_acquire_spin_lock(&ps_list_lock);
    p->unique_id = next_process_id;
    next_process_id += 4;
    list_insert_tail(&process_list, &p->link);
    process_count++;
    ke_release_spin_lock(&ps_list_lock, irq);
    return p;
}

/* The PEB page, built in the kernel and copied in (a user thread of the process could free the page
 * meanwhile: the copy is fault-safe); the parameters are a region of their own
 * (kernel/ps/parameters.c). */
static NTSTATUS build_peb(struct ps_process *p, const struct ps_parameters *params)
{
    vaddr_t peb_address = PS_PEB_ADDRESS, parameters;
    NTSTATUS status = mm_create_resident_region(&peb_address, 1, MM_PLACE_EXACT);
    if (NT_SUCCESS(status))
        status = ps_write_parameters(p, params, &parameters);
    if (!NT_SUCCESS(status))
        return status;
    PAGODA_PEB peb = {
        .ProcessParameters = (PAGODA_PROCESS_PARAMETERS *)(uintptr_t)parameters,
        .OSMajorVersion = 5,
        .OSMinorVersion = 1,
        .OSBuildNumber = 2600,
    };
    status = mm_write_user(PS_PEB_ADDRESS, &peb, sizeof peb);
    p->peb = PS_PEB_ADDRESS;
    return status;
}

static NTSTATUS populate_process(struct ps_process *p, const struct ps_parameters *params,
                                 enum mm_address_limit limit)
{
    NTSTATUS status = mm_create_address_space(&p->address_space, limit);
    if (!NT_SUCCESS(status))
        return status;
    p->handle_table = ob_create_handle_table(p);
    if (!p->handle_table)
        return STATUS_INSUFFICIENT_RESOURCES;
    ps_attach_process(p);
    status = mm_map_shared_user_data(ke_shared_user_data_frame);
    if (NT_SUCCESS(status))
        status = build_peb(p, params);
    ps_detach_process();
    return status;
}

NTSTATUS ps_create_process_with(const char *name, const struct ps_parameters *params,
                                enum mm_address_limit limit, struct ps_process **out)
{
    NTSTATUS status;
    struct ps_process *p = new_process_object(name, &status);
    if (!p)
        return status;
    status = populate_process(p, params, limit);
    if (!NT_SUCCESS(status)) {
        ob_dereference_object(p); /* process_delete undoes what populate_process did */
        return status;
    }
    *out = p;
    return STATUS_SUCCESS;
}

NTSTATUS ps_create_process(const char *name, const char *command_line, enum mm_address_limit limit,
                           struct ps_process **out)
{
    struct ps_parameters params;
    NTSTATUS status = ps_kernel_parameters(name, command_line, &params);
    if (NT_SUCCESS(status))
        status = ps_create_process_with(name, &params, limit, out);
    ps_free_parameters(&params);
    return status;
}

void ps_log_processes(void)
{
    uint32_t irq = ke_acquire_spin_lock(&ps_list_lock);
    for (struct list_entry *e = process_list.next; e != &process_list; e = e->next) {
        struct ps_process *p = CONTAINING_RECORD(e, struct ps_process, link);
        ke_print("ps: process %u %s: %u threads, exit status %08x%s, %u handles, %u references\n",
                 p->unique_id, p->name, p->thread_count, (uint32_t)p->exit_status,
                 p->terminating ? " (terminating)" : "",
                 p->handle_table ? ob_handle_table_count(p->handle_table) : 0, ob_pointer_count(p));
    }
    ke_release_spin_lock(&ps_list_lock, irq);
}

/* ---- ending ---- */

/* Each thread ends at its next return to user mode; waits it makes for user mode end at once, its
 * kernel waits and the rest of a system call run to completion first (ke_exit_to_user). Nothing
 * here waits for them: NT's PspTerminateThreadByPointer does not either. */
static void terminate_other_threads(struct ps_process *p, NTSTATUS status)
{
    ASSERT(ke_spin_lock_held(&ps_list_lock));
    LIST_FOR_EACH(e, &p->threads)
    {
        struct ps_thread *t = CONTAINING_RECORD(e, struct ps_thread, process_link);
        if (t != ps_current_thread())
            ps_terminate_thread(t, status);
    }
}

void ps_terminate_other_threads(struct ps_process *p, NTSTATUS status)
{
    uint32_t irq = ke_acquire_spin_lock(&ps_list_lock);
    terminate_other_threads(p, status);
    ke_release_spin_lock(&ps_list_lock, irq);
}

void ps_terminate_process(struct ps_process *p, NTSTATUS status)
{
    uint32_t irq = ke_acquire_spin_lock(&ps_list_lock);
    if (!p->terminating) {
        p->terminating = true;
        if (p->exit_status == STATUS_PENDING)
            p->exit_status = status;
    }
    terminate_other_threads(p, status);
    ke_release_spin_lock(&ps_list_lock, irq);
}

/* The last thread is ending (on its own kernel stack, in its own address space): close every
 * handle, give back every page, and signal the process. */
void ps_process_exit(struct ps_process *p)
{
    struct ob_handle_table *handles = p->handle_table;
    p->terminating = true;
    /* Detached first: closing a handle may wait (a section's write-back), and a handle another
     * process duplicated in meanwhile would be left in a table being destroyed. */
    p->handle_table = NULL;
    ob_destroy_handle_table(handles, p);
    mm_clean_address_space(&p->address_space);
    mm_switch_address_space(&mm_system_address_space);
    ke_signal_object(&p->header);
}

static void process_delete(void *object)
{
    struct ps_process *p = object;
    if (p->handle_table) {
        ob_destroy_handle_table(p->handle_table, p);
        p->handle_table = NULL;
    }
    if (p->address_space.directory != MM_PFN_NONE && p != ps_system_process) {
        /* A process that never ran still has its PEB and shared page; one that ran is clean. The
         * directory goes only now: a thread attached to the process kept a reference. */
        if (p->address_space.vads.count) {
            ps_attach_process(p);
            mm_clean_address_space(&p->address_space);
            ps_detach_process();
        }
        mm_delete_address_space(&p->address_space);
    }
    uint32_t irq = ke_acquire_spin_lock(&ps_list_lock);
    list_remove(&p->link);
    process_count--;
    ke_release_spin_lock(&ps_list_lock, irq);
}

/* ---- what the object manager asks of ps (kernel/ob/ob.h) ---- */

static struct ob_handle_table *handle_table_of(struct ps_process *p) { return p->handle_table; }
static void *current_process_object(void) { return ps_current_process(); }
static void *current_thread_object(void) { return ps_current_thread(); }

static const struct ob_process_callouts ob_callouts = {
    .handle_table = handle_table_of,
    .current_process = current_process_object,
    .current_thread = current_thread_object,
    .quota_process = ps_quota_process,
    .charge_pool_quota = ps_charge_pool_quota,
    .return_pool_quota = ps_return_pool_quota,
};

/* ---- the System process ---- */

void ps_init(void)
{
    NTSTATUS status;
    ke_set_thread_callouts(&ps_thread_callouts);
    ob_set_process_callouts(&ob_callouts);
    ps_init_quota();
    ps_system_process = new_process_object("System", &status);
    if (!ps_system_process)
        ke_panic("ps: cannot create the System process: %08x", (uint32_t)status);
    ps_system_process->unique_id = 4;
    mm_init_kernel_address_space(&ps_system_process->address_space);
    ps_system_process->handle_table = ob_create_handle_table(NULL);
    struct ps_thread *boot, *idle;
    if (!ps_system_process->handle_table ||
        !NT_SUCCESS(
            ps_create_boot_thread(ps_system_process, (vaddr_t)(uintptr_t)boot_stack_top, &boot)))
        ke_panic("ps: cannot create the boot thread");
    struct ps_thread_start start = {.kernel_routine = (void (*)(void *))ke_idle_loop,
                                    .priority = PS_PRIORITY_IDLE,
                                    .suspended = true};
    status = ps_create_thread(ps_system_process, &start, &idle);
    if (!NT_SUCCESS(status))
        ke_panic("ps: cannot create the idle thread: %08x", (uint32_t)status);
    idle->tcb.priority = PS_PRIORITY_IDLE;
    ke_sched_init(&boot->tcb, &idle->tcb);
    ke_set_kernel_stack(ke_kernel_stack_top(&boot->tcb));
}
