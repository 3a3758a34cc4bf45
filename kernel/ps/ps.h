/* kernel/ps/ps.h: processes and threads. A process is an address space, a handle table and threads;
 * a thread is a kernel stack (with a guard page below it), a trap frame at its top while it runs
 * user code, a TEB reached through FS in user mode, and a priority. Both are objects (ob.h) whose
 * bodies start with a dispatcher header, so they can be waited on: signaled when they end.
 *
 * A ps thread embeds the kernel's thread (struct ke_thread, kernel/ke/thread.h) first, as NT's
 * ETHREAD embeds KTHREAD: the scheduler, the waits and the FPU work on that half alone. */
#ifndef PAGODA_PS_H
#define PAGODA_PS_H

#include "kernel/rtl/list.h"
#include "kernel/ndk/ntapi.h"
#include "kernel/ke/thread.h"
#include "kernel/ob/ob.h"
#include "mm/mm.h"

#define PS_PRIORITY_IDLE   0
#define PS_PRIORITY_NORMAL 8
#define PS_PRIORITY_HIGH   15

/* A copy of what a process writes on the console, for tests: they set ps_process.console right
 * after creating the process (its first thread has not run yet: kernel code is not preempted). */
struct ps_console_capture {
    char *text; /* NUL-terminated; what does not fit is dropped */
    size_t size, length;
};

/* Non-paged pool charged to a process (NT's quota block, for the one pool Pagoda has): its objects
 * and its handle table. kernel/ps/quota.c. */
struct ps_pool_quota {
    size_t usage, peak, limit; /* bytes */
    bool refused; /* a charge has failed (it is logged once) */
};

struct ps_process {
    struct ke_dispatcher_header header; /* signaled when the last thread has ended */
    struct mm_address_space address_space;
    struct ob_handle_table *handle_table;
    struct list_entry threads; /* struct ps_thread.process_link */
    uint32_t thread_count; /* threads not yet ended */
    NTSTATUS exit_status; /* STATUS_PENDING while it runs */
    bool terminating;
    uint32_t unique_id; /* a multiple of 4, like NT's client IDs */
    vaddr_t peb;
    KPRIORITY base_priority;
    char name[16];
    struct list_entry link; /* on the list of all processes */
    struct ps_pool_quota pool_quota;
    /* PE processes: ntdll's LdrInitializeThunk, where every thread starts (0: a flat program). */
    vaddr_t system_dll_entry;
    vaddr_t system_dll_base; /* where ntdll is: LdrInitializeThunk's second argument */
    struct ps_console_capture *console; /* tests: NtDisplayString's text is appended here too */
};

struct ps_thread {
    struct ke_thread tcb; /* first: the object's body starts with its dispatcher header */
    struct ps_process *process;
    struct list_entry process_link;
    uint32_t unique_id;
    NTSTATUS exit_status;
    uint32_t suspend_count; /* a new thread becomes ready when it drops to 0 */
    /* user mode */
    vaddr_t teb_address; /* what NtQueryInformationThread reports, even after the TEB is freed */
    vaddr_t user_stack; /* the reservation of a stack the kernel made (0: the caller's stack) */
    /* kernel threads */
    void (*kernel_routine)(void *);
    void *kernel_context;
};
_Static_assert(offsetof(struct ps_thread, tcb) == 0, "a ps_thread is its ke_thread");

/* The ps thread around a ke thread (a cast: tcb is first, so NULL stays NULL). */
static inline struct ps_thread *ps_thread_of(struct ke_thread *thread)
{
    return (struct ps_thread *)thread;
}
/* The current thread and process (the System process for kernel threads). */
static inline struct ps_thread *ps_current_thread(void)
{
    return ps_thread_of(ke_current_thread());
}
static inline struct ps_process *ps_current_process(void) { return ps_current_thread()->process; }
extern struct ps_process *ps_system_process;
extern struct ob_type ps_process_type, ps_thread_type;

#endif
