/* kernel/ps/ps.h: processes and threads. A process is an address space, a handle table and threads; a
 * thread is a kernel stack (with a guard page below it), a trap frame at its top while it runs user
 * code, a TEB reached through FS in user mode, and a priority. Both are objects (ob.h) whose bodies
 * start with a dispatcher header, so they can be waited on: signaled when they end.
 *
 * The scheduler's state lives in struct ps_thread (there is no separate KTHREAD); kernel/ke/sched.c owns
 * the fields marked "sched". */
#ifndef PAGODA_PS_H
#define PAGODA_PS_H

#include "kernel/rtl/list.h"
#include "kernel/ndk/ntapi.h"
#include "kernel/ke/trap.h"
#include "kernel/ke/wait.h"
#include "mm/mm.h"

#define PS_PRIORITY_LEVELS    32
#define PS_PRIORITY_IDLE      0
#define PS_PRIORITY_NORMAL    8
#define PS_PRIORITY_HIGH      15
#define PS_KERNEL_STACK_PAGES 3 /* 12 KiB, plus an unmapped guard page below */
#define PS_MAX_WAIT_BLOCKS    MAXIMUM_WAIT_OBJECTS

enum ps_thread_state {
    PS_THREAD_INITIALIZED,
    PS_THREAD_READY,
    PS_THREAD_RUNNING,
    PS_THREAD_WAITING,
    PS_THREAD_TERMINATED,
};

/* A copy of what a process writes on the console, for tests: they set ps_process.console right after
 * creating the process (its first thread has not run yet: kernel code is not preempted). */
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
    struct ps_console_capture *console; /* tests: NtDisplayString's text is appended here too */
};

struct ke_wait_block {
    struct list_entry object_link; /* on the object's wait list */
    struct ke_dispatcher_header *object;
    struct ps_thread *thread;
    uint16_t index;
};

struct ps_thread {
    struct ke_dispatcher_header header; /* signaled when the thread has ended */
    struct ps_process *process;
    struct list_entry process_link;
    uint32_t unique_id;
    NTSTATUS exit_status;
    bool terminating; /* NtTerminateThread asked it to end */
    /* sched */
    uint8_t state; /* enum ps_thread_state */
    uint8_t priority;
    uint8_t base_priority;
    int8_t quantum;
    uint32_t suspend_count;
    uint32_t kernel_esp; /* saved by the context switch */
    vaddr_t kernel_stack; /* lowest mapped byte; the guard page is below it */
    struct ke_trap_frame *trap_frame; /* at the top of the kernel stack for user threads */
    struct list_entry ready_link;
    /* waits */
    struct ke_wait_block wait_blocks[PS_MAX_WAIT_BLOCKS];
    uint32_t wait_count;
    uint8_t wait_type; /* WAIT_TYPE */
    uint8_t wait_mode; /* enum ke_wait_mode of the current wait */
    NTSTATUS wait_status;
    uint64_t wait_deadline; /* tick; UINT64_MAX for none */
    struct list_entry timer_link;
    struct list_entry owned_mutants; /* struct ke_mutant.owner_link */
    /* user mode */
    vaddr_t teb; /* 0 once freed, as the thread ends */
    vaddr_t teb_address; /* what NtQueryInformationThread reports, even after */
    vaddr_t user_stack; /* the reservation of a stack the kernel made (0: the caller's stack) */
    struct ps_process *attached; /* the process whose address space it runs on, when not its own */
    void (*kernel_routine)(void *);
    void *kernel_context;
    /* the FPU (kernel/ke/fpu.c): fnsave's 108-byte image while another thread owns it */
    bool fpu_used;
    uint8_t fpu_state[108] __attribute__((aligned(16)));
};

/* The current thread and process (the System process for kernel threads). */
struct ps_thread *ps_current_thread(void);
struct ps_process *ps_current_process(void);
extern struct ps_process *ps_system_process;

#endif
