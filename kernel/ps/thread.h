/* kernel/ps/thread.h: creating and ending threads (kernel/ps/thread.c) and processes
 * (kernel/ps/process.c). */
#ifndef PAGODA_THREAD_H
#define PAGODA_THREAD_H

#include "kernel/ps/ps.h"

#define PS_STACK_RESERVE        (1u << 20) /* reserved for a thread's user stack */
#define PS_DEFAULT_STACK_COMMIT (16u << 10) /* committed at its top when the caller gives no size */

/* How a new thread starts: a kernel routine, or user mode with a register context. */
struct ps_thread_start {
    void (*kernel_routine)(void *context); /* NULL for a user thread */
    void *kernel_context;
    /* user threads */
    uint32_t eip, esp, eax, ebx, ecx, edx, esi, edi, ebp;
    /* When the kernel makes the stack: bytes reserved (0: PS_STACK_RESERVE) and committed at first
     * (0: PS_DEFAULT_STACK_COMMIT), as a PE header's SizeOfStackReserve/Commit say. */
    uint32_t stack_reserve, stack_size;
    bool use_given_stack; /* esp and [stack_limit, stack_base) were given by the caller */
    vaddr_t stack_base, stack_limit;
    uint8_t priority;
    bool suspended;
};

/* Creates a thread in process (which must not be terminating), with a TEB and (unless given) a
 * stack of PS_STACK_RESERVE bytes that grows down through its guard page. On success *thread holds
 * one reference for the caller. STATUS_NO_MEMORY, STATUS_COMMITMENT_LIMIT,
 * STATUS_INSUFFICIENT_RESOURCES, STATUS_PROCESS_IS_TERMINATING. */
NTSTATUS ps_create_thread(struct ps_process *process, const struct ps_thread_start *start,
                          struct ps_thread **thread);
/* Makes the thread object for the code already running on the boot stack (kmain's), whose top is
 * stack_top; it never ends. */
NTSTATUS ps_create_boot_thread(struct ps_process *process, vaddr_t stack_top,
                               struct ps_thread **thread);
/* Ends the current thread (and its process with it when it is the last one). */
NORETURN void ps_exit_current_thread(NTSTATUS status);
/* Asks another thread to end with status; it does at its next return to user mode or wait. */
void ps_terminate_thread(struct ps_thread *thread, NTSTATUS status);
NTSTATUS ps_resume_thread(struct ps_thread *thread, uint32_t *previous_count);
/* How ke ends, frees and names threads (ps_init gives them to ke_set_thread_callouts). */
extern const struct ke_thread_callouts ps_thread_callouts;

/* ---- process parameters (kernel/ps/parameters.c) ---- */
/* A UTF-16 string in kernel memory, its length in characters. */
struct ps_string {
    const WCHAR *chars;
    uint32_t length;
};
/* What a new process's parameters say (RTL_USER_PROCESS_PARAMETERS), in kernel memory. */
struct ps_parameters {
    struct ps_string image_path; /* ImagePathName: the exe's Win32 path */
    struct ps_string command_line;
    struct ps_string current_directory; /* a Win32 path ending in a backslash */
    struct ps_string dll_path;
    struct ps_string window_title;
    struct ps_string environment; /* NAME=VALUE\0 ... \0: every character, the last NUL too */
    HANDLE std_handles[3]; /* StandardInput, StandardOutput, StandardError, in handle_source */
    struct ps_process *handle_source; /* whose handles std_handles are; NULL: the child gets none */
};
#define PS_MAX_PARAMETER_CHARS 32767u /* a string's and the environment's limit, NT's */
#define PS_PARAMETERS_TAG      MM_TAG('P', 's', 'P', 'a') /* their strings in the pool */
/* The parameters of a process the kernel starts itself (the tests, autorun=): image_path and
 * command_line as given (ASCII), the current directory C:\, the default environment (PATH is
 * System32 and Windows, SystemRoot), no standard handles. Pool memory: ps_free_parameters. */
NTSTATUS ps_kernel_parameters(const char *image_path, const char *command_line,
                              struct ps_parameters *params);
void ps_free_parameters(struct ps_parameters *params);
/* Builds params in the current process (attached: a new one), normalized, in a region of their
 * own, duplicating the standard handles from params->handle_source; returns the block's address
 * for PEB.ProcessParameters. */
NTSTATUS ps_write_parameters(struct ps_process *process, const struct ps_parameters *params,
                             vaddr_t *address);

/* ---- processes (kernel/ps/process.c) ---- */
/* A spin lock (kernel/ke/lock.h) over the list of processes, each process's list and count of
 * threads, and the next client IDs. */
extern struct ke_spin_lock ps_list_lock;
void ps_init(void);
/* An empty process: address space (3 GiB of user space only when limit says large-address-aware and
 * the split is 3G), handle table, PEB with the command line, shared user data page. name may be a
 * path: the process is named by its last component, and the whole is the process parameters'
 * ImagePathName. One reference for the caller. */
NTSTATUS ps_create_process(const char *name, const char *command_line, enum mm_address_limit limit,
                           struct ps_process **process);
/* The same with the process parameters given. */
NTSTATUS ps_create_process_with(const char *name, const struct ps_parameters *params,
                                enum mm_address_limit limit, struct ps_process **process);

/* ---- PE processes (kernel/ps/create.c) ---- */
/* Makes the system DLL's image section (\Windows\System32\ntdll.dll on C:) once C: is mounted. */
void ps_init_system_dll(void);
/* A process running the PE program at path (\??\C:\... with / or \ separators): its image
 * section mapped at its base with ntdll.dll, the first thread starting in ntdll's
 * LdrInitializeThunk, which ends in the program's entry; its exit status is what that returns.
 * A large-address-aware image gets 3 GiB with split=3G. STATUS_OBJECT_NAME_NOT_FOUND,
 * STATUS_INVALID_IMAGE_FORMAT, STATUS_DLL_NOT_FOUND (no system DLL),
 * STATUS_CONFLICTING_ADDRESSES. */
NTSTATUS ps_create_user_process(const char *path, const char *command_line,
                                struct ps_process **process);
/* The same from a captured NT path (UTF-16) and parameters (NtCreateUserProcess): the first thread
 * is made suspended and returned with a reference, for the caller to resume. */
NTSTATUS ps_create_user_process_with(const WCHAR *path, uint32_t path_chars,
                                     const struct ps_parameters *params,
                                     struct ps_process **process, struct ps_thread **thread);
/* Pages read from the disk into the image section of path since it was made (tests). */
uint32_t ps_image_pages_read(const char *path);
/* Asks every thread of process to end; the process ends with status. */
void ps_terminate_process(struct ps_process *process, NTSTATUS status);
/* Asks every thread of process but the caller to end with status, and leaves the process running
 * (NtTerminateProcess(NULL, status), ExitProcess's first step). Does not wait for them. */
void ps_terminate_other_threads(struct ps_process *process, NTSTATUS status);
/* Logs every process (ID, name, threads not ended, exit status, handles, references): for a test
 * that finds some left over. */
void ps_log_processes(void);
/* Called by the last thread of a process as it ends. */
void ps_process_exit(struct ps_process *process);
/* Runs the current thread on another process's address space until ps_detach_process (NT's
 * KeStackAttachProcess); it may wait meanwhile (the scheduler restores the attachment). Not nested.
 * The caller holds a reference on process. */
void ps_attach_process(struct ps_process *process);
void ps_detach_process(void);
uint32_t ps_process_count(void);

/* ---- pool quotas (kernel/ps/quota.c) ---- */
/* The limit a new process gets: 1/8 of the RAM the PFN database manages, at least 256 KiB and at
 * most 32 MiB (ps_pool_quota_for_frames); set by ps_init. */
extern size_t ps_default_pool_quota;
size_t ps_pool_quota_for_frames(uint32_t frames);
void ps_init_quota(void);
/* The process that pays for what the current thread creates: its own, or NULL for the kernel (the
 * System process, and boot before there are threads), whose objects are charged to no one. */
struct ps_process *ps_quota_process(void);
/* Charges bytes of pool to process: STATUS_QUOTA_EXCEEDED (nothing charged) past its limit. */
NTSTATUS ps_charge_pool_quota(struct ps_process *process, size_t bytes);
/* Gives back a charge; the process object must still exist (charged objects reference it). */
void ps_return_pool_quota(struct ps_process *process, size_t bytes);
/* The counters of one moment (usage and peak agree). */
void ps_read_pool_quota(struct ps_process *process, struct ps_pool_quota *quota);

#define PS_PEB_ADDRESS 0x7FFDF000u /* TEBs go below it, top down, a page each */

#endif
