/* kernel/ke/thread.h: the kernel's half of a thread (NT's KTHREAD): what the scheduler, the waits,
 * the FPU and the trap layer work on. kernel/ps embeds it first in struct ps_thread (as ETHREAD
 * embeds KTHREAD) and builds processes, client IDs and termination on it; ke reaches ps only
 * through the callouts below, so nothing in ke includes a ps header. kernel/ke/thread.c. */
#ifndef PAGODA_KE_THREAD_H
#define PAGODA_KE_THREAD_H

#include "kernel/ke/trap.h"
#include "kernel/ke/wait.h"

#define KE_PRIORITY_LEVELS    32
#define KE_KERNEL_STACK_PAGES 3 /* 12 KiB, plus an unmapped guard page below */
#define KE_MAX_WAIT_BLOCKS    MAXIMUM_WAIT_OBJECTS

enum ke_thread_state {
    KE_THREAD_INITIALIZED,
    KE_THREAD_READY,
    KE_THREAD_RUNNING,
    KE_THREAD_WAITING,
    KE_THREAD_TERMINATED,
};

struct mm_address_space;

struct ke_thread {
    struct ke_dispatcher_header header; /* first: signaled when the thread has ended */
    /* the scheduler (kernel/ke/sched.c) */
    uint8_t state; /* enum ke_thread_state */
    uint8_t priority;
    uint8_t base_priority;
    int8_t quantum;
    /* Asked to end: its user-mode waits end with STATUS_THREAD_IS_TERMINATING, and on its way back
     * to user mode it ends (the exit_thread callout). Set by ps, with interrupts off. */
    bool terminating;
    struct list_entry ready_link;
    /* What a kernel thread runs after its first switch (it must not return); NULL for a user
     * thread, which returns to user mode through trap_frame. */
    void (*startup)(void);
    /* the kernel stack */
    vaddr_t kernel_stack; /* lowest mapped byte; the guard page is below it */
    uint32_t kernel_esp; /* saved by the context switch */
    struct ke_trap_frame *trap_frame; /* at the top of the kernel stack for user threads */
    /* where it runs: its process's address space, or another it is attached to */
    struct mm_address_space *address_space;
    bool attached;
    vaddr_t teb; /* FS's base in user mode; 0 for kernel threads and once freed */
    /* waits (kernel/ke/wait.c) */
    struct ke_wait_block wait_blocks[KE_MAX_WAIT_BLOCKS];
    uint32_t wait_count;
    uint8_t wait_mode; /* enum ke_wait_mode of the current wait */
    NTSTATUS wait_status;
    uint64_t wait_deadline; /* tick; UINT64_MAX for none */
    struct list_entry timer_link;
    struct list_entry owned_mutants; /* struct ke_mutant.owner_link */
    /* the FPU (kernel/ke/fpu.c): fnsave's 108-byte image while another thread owns it */
    bool fpu_used;
    uint8_t fpu_state[108] __attribute__((aligned(16)));
};

/* The running thread; NULL before ke_sched_init. */
struct ke_thread *ke_current_thread(void);

/* Sets up the kernel half of a new thread: not yet ready, on address_space. */
void ke_init_thread(struct ke_thread *thread, uint8_t priority,
                    struct mm_address_space *address_space);
/* KE_KERNEL_STACK_PAGES pages under a guard page; STATUS_NO_MEMORY. */
NTSTATUS ke_allocate_kernel_stack(struct ke_thread *thread);
/* Frees the stack (if it has one); never the running thread's. */
void ke_free_kernel_stack(struct ke_thread *thread);
uint32_t ke_kernel_stack_top(const struct ke_thread *thread);
/* Builds the frames the thread's first switch returns through: for a kernel thread (startup set)
 * into ke_thread_startup; for a user thread first a copy of user_frame at the top of the stack,
 * which its first return to user mode restores. */
void ke_init_thread_context(struct ke_thread *thread, void (*startup)(void),
                            const struct ke_trap_frame *user_frame);
/* Called by ke_thread_trampoline (boot/switch.asm) on a new thread's first run. */
void ke_thread_startup(void);

/* What ke needs of the process manager, which sits above it (NT's kernel reaches it through kernel
 * APCs and the reaper list, which Pagoda does not have). ps_init sets them before the scheduler
 * starts. */
struct ke_thread_callouts {
    /* Ends the current thread, which is terminating, on its way back to user mode. */
    NORETURN void (*exit_thread)(void);
    /* Ends the current thread's process with status (an exception in user mode). */
    NORETURN void (*exit_process)(NTSTATUS status);
    /* Frees what an ended thread held; called on the next thread to run (a thread cannot free the
     * stack it runs on). */
    void (*reap_thread)(struct ke_thread *thread);
    /* Names the thread for messages: "process NAME (pid P, tid T)". */
    void (*describe_thread)(struct ke_thread *thread, char *buffer, size_t size);
};
void ke_set_thread_callouts(const struct ke_thread_callouts *callouts);
extern const struct ke_thread_callouts *ke_thread_callouts;
/* The callout's name for thread, or "thread <address>" before ps set them. */
void ke_describe_thread(struct ke_thread *thread, char *buffer, size_t size);

#endif
