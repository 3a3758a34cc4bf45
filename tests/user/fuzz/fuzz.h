/* tests/user/fuzz/fuzz.h: the system-call fuzzer's shared state (tests/user/fuzz.c drives it).
 * Worker threads make random calls to every service of build/user/include/pagoda/services.h; a
 * shape per service (shapes.c) builds arguments that get past the first checks, from the generators
 * of args.c, and the worker (worker.c) makes each call through tests/user/fuzz/call.asm and checks
 * registers.
 *
 * Outputs of the kernel go to the scratch area or to prepared slots. The scratch is a region of its
 * own with a reserved page after it, so a length that overruns it faults instead of overwriting the
 * fuzzer; random words never name the fuzzer's own memory (layout.c). */
#ifndef PAGODA_FUZZ_H
#define PAGODA_FUZZ_H

#include "pagoda/services.h"
#include "user/rt/rt.h"

#define FZ_MAX_WORKERS  8
#define FZ_MAX_ARGS     16
#define FZ_HANDLES      48 /* handles a worker remembers */
#define FZ_NAME_CHARS   300 /* longer than a full path may be (255) */
#define FZ_WAIT_HANDLES 70 /* more than MAXIMUM_WAIT_OBJECTS (64) */
#define FZ_STACK_WORDS  256 /* the call stack: arguments and the dummy return slot */
#define FZ_SCRATCH      (16u << 10) /* a worker's scratch bytes */
#define FZ_INFO_BYTES   640 /* FILE_*_INFORMATION inputs, a rename's name included */

enum fz_flags_mode { FZ_FLAGS_SAFE, FZ_FLAGS_ALL };
enum fz_files_mode { FZ_FILES_OFF, FZ_FILES_UNIQUE, FZ_FILES_ON };
enum fz_end_mode { FZ_END_EXIT, FZ_END_TF, FZ_END_BAD_SYSENTER };
enum fz_path { FZ_PATH_INT, FZ_PATH_STUB, FZ_PATH_SYSENTER, FZ_PATH_SYSENTER_EDX };

struct fz_options {
    uint32_t seed, calls, threads;
    enum fz_flags_mode flags;
    enum fz_files_mode files;
    enum fz_end_mode end;
    bool stats; /* print calls and successes per service at the end */
};

/* What a remembered handle was made as. */
enum fz_kind {
    FZ_NONE,
    FZ_EVENT,
    FZ_SEMAPHORE,
    FZ_MUTANT,
    FZ_THREAD,
    FZ_PROCESS,
    FZ_FILE,
    FZ_DIRECTORY,
    FZ_SECTION,
    FZ_UNKNOWN, /* a duplicate of something the worker did not know */
    FZ_KINDS
};

struct fz_handle {
    HANDLE value;
    enum fz_kind kind;
};

/* The registers of one call (call.asm's offsets). */
struct fz_regs {
    uint32_t eax, edx, ebx, esi, edi, ebp, esp, eflags, path;
    uint32_t out_ebx, out_esi, out_edi, out_ebp, out_esp, out_eflags;
    uint32_t out_ds, out_es, out_fs, out_gs, out_ss;
    uint32_t saved_esp;
};
_Static_assert(offsetof(struct fz_regs, out_ebx) == 36 && offsetof(struct fz_regs, saved_esp) == 80,
               "call.asm's offsets");

struct fz_worker;
struct fz_call;
/* What a VM call may make, for fz_vm_after to track. */
enum fz_vm_made { FZ_VM_MADE_NOTHING, FZ_VM_MADE_PRIVATE, FZ_VM_MADE_VIEW };

/* One call as the worker builds it: a shape fills args and says what to remember afterwards. */
struct fz_call {
    uint32_t number, argc;
    uint32_t args[FZ_MAX_ARGS];
    HANDLE *out_handle; /* a handle output to remember on success ... */
    enum fz_kind out_kind; /* ... as this kind */
    HANDLE closes; /* a handle the call closes on success (NtClose, DUPLICATE_CLOSE_SOURCE) */
    uint64_t index; /* the call's number in the whole run */
    /* run after the call (tests/user/fuzz/vm.c tracks what it made) */
    void (*after)(struct fz_worker *w, struct fz_call *c, NTSTATUS status);
    enum fz_vm_made made;
};

/* A region a VM call made (tests/user/fuzz/vm.c); size 0: none. */
struct fz_region {
    uint32_t base, size;
    bool view;
};

#define FZ_VM_REGIONS 8
/* A section a worker made, and its size (views that fit it reach the deep code). */
struct fz_section {
    HANDLE handle;
    uint32_t size;
};
enum fz_vm_who { FZ_VM_OWN, FZ_VM_MAYBE, FZ_VM_TARGET };

/* A worker's VM state. fz_vm_retire releases what a worker kept when its state is reused. */
struct fz_vm {
    enum fz_vm_who who; /* the process of the call being built */
    bool good; /* a plausible call: every argument valid (else anything) */
    uint8_t slots[2][8] __attribute__((aligned(8))); /* BaseAddress and RegionSize (in/out) */
    uint8_t *out[2]; /* where the values are in the slots; NULL: a bad pointer was passed */
    LARGE_INTEGER_QUAD offset, section_size;
    bool offset_given;
    struct fz_section sections[FZ_VM_REGIONS];
    uint32_t old_protect, protect;
    struct fz_region hints[FZ_VM_REGIONS]; /* made in the arena (own process or maybe) */
    struct fz_region target[FZ_VM_REGIONS]; /* made in the target, released oldest first */
    struct fz_region transient; /* the own process, outside the arena: this worker's alone */
    uint32_t calls, last_sweep;
    uint32_t sink;
};

/* NtCreateUserProcess's inputs (shapes.c): never the target of an output. */
struct fz_spawn {
    PAGODA_PROCESS_PARAMETERS params;
    WCHAR line[32], image[64];
    PS_ATTRIBUTE_LIST list; /* one attribute: the image name */
    PS_CREATE_INFO info;
};

/* A worker's state. Everything a call reads that must stay safe (timeouts, the thread context) is
 * rewritten by the shape before each call and never the target of an output. */
struct fz_worker {
    uint32_t slot, generation;
    uint32_t rng;
    uint32_t calls; /* made by this worker */
    uint32_t name_serial; /* fresh names in files=unique */
    bool section_names; /* object names are fzsN, not fzN (vm.c) */
    volatile uint32_t progress; /* rt_tick_count() of the last finished call */
    volatile uint32_t busy; /* inside a call */
    struct fz_call current; /* the call in progress, for a report if it never returns */
    enum fz_path current_path;
    uint32_t current_eflags;
    struct fz_handle handles[FZ_HANDLES];
    HANDLE last_closed;
    /* prepared inputs */
    WCHAR name[FZ_NAME_CHARS], name2[FZ_NAME_CHARS];
    UNICODE_STRING string, string2;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;
    uint8_t timeout[16] __attribute__((aligned(8))); /* the value at offset 0..3 */
    LARGE_INTEGER_QUAD offset, size;
    uint32_t key;
    HANDLE out_handle;
    CONTEXT context;
    INITIAL_TEB initial_teb;
    CLIENT_ID client_id;
    HANDLE spawned[2]; /* NtCreateUserProcess's process and thread handles */
    struct fz_spawn spawn;
    HANDLE wait_handles[FZ_WAIT_HANDLES];
    uint64_t info[FZ_INFO_BYTES / 8];
    struct fz_vm vm;
    uint32_t stack[FZ_STACK_WORDS];
    uint8_t *scratch; /* FZ_SCRATCH bytes in the tail of the image */
};

/* ---- the run (tests/user/fuzz.c) ---- */
extern struct fz_options fz_options;
extern HANDLE fz_reserved_process[3]; /* no PROCESS_TERMINATE: query, nothing, create+dup */
extern volatile HANDLE fz_worker_threads[FZ_MAX_WORKERS];
extern volatile uint32_t fz_calls_started, fz_failures, fz_thread_entries;
extern bool fz_has_sysenter;
/* Counts one failure and prints the line (the first 40 only). */
void fz_report(const char *fmt, ...) PRINTF_LIKE(1, 2);
bool fz_is_reserved(HANDLE h); /* the run's own handles: never closed, never terminated */
uint32_t fz_atomic_add(volatile uint32_t *p, uint32_t n);

/* ---- the fuzzer's own memory (tests/user/fuzz/layout.c) ---- */
extern uint32_t fz_image_start, fz_image_end; /* the exe */
/* Maps what is mapped now as the fuzzer's own, then makes the scratch region (NULL: none). */
uint8_t *fz_layout_init(uint32_t scratch_bytes);
void fz_layout_add_thread(HANDLE thread); /* its TEB and stack are the fuzzer's own too */
bool fz_is_hazard(uint32_t v); /* whether v is in the fuzzer's own memory */

/* ---- the VM services (tests/user/fuzz/vm.c) ---- */
extern HANDLE fz_target[3]; /* the target process: all access, VM operations only, query only */
extern HANDLE fz_own_vm; /* the own process with VM operations and queries: never closed */
bool fz_is_target(uint32_t h);
void fz_vm_after(struct fz_worker *w, struct fz_call *c, NTSTATUS status);
void fz_vm_sweep(struct fz_worker *w); /* releases everything in the arenas */
void fz_vm_retire(struct fz_worker *w); /* releases what a finished worker kept */
/* A buffer in memory the worker's VM calls made; false when there is none. */
bool fz_vm_buffer(struct fz_worker *w, uint32_t *pointer, uint32_t *length);

/* ---- random arguments (tests/user/fuzz/args.c) ---- */
uint32_t fz_random(struct fz_worker *w);
uint32_t fz_below(struct fz_worker *w, uint32_t n); /* 0..n-1 */
bool fz_chance(struct fz_worker *w, uint32_t percent);
uint32_t fz_pick(struct fz_worker *w, const uint32_t *values, size_t count);
#define FZ_PICK(w, array) fz_pick((w), (array), ARRAY_SIZE(array))

uint32_t fz_word(struct fz_worker *w); /* any argument: ints, -1, addresses, pointers, handles */
uint32_t fz_length(struct fz_worker *w, uint32_t fits); /* small, fits, odd, huge */
uint32_t fz_bad_pointer(struct fz_worker *w); /* NULL, system space, unmapped, read-only, wrap */
void *fz_scratch(struct fz_worker *w, uint32_t size); /* a random place with size bytes after */
/* An output of size bytes: scratch (sometimes misaligned), one of the worker's slots, or bad. */
uint32_t fz_output(struct fz_worker *w, void *slot, uint32_t size);
/* An input that must be read: the prepared slot, the slot misaligned by 1..3, or unreadable. */
uint32_t fz_input(struct fz_worker *w, const void *slot);
/* A buffer and its length together: fits the scratch, empty, or a bad pointer or huge length. */
void fz_buffer(struct fz_worker *w, uint32_t *pointer, uint32_t *length);

ACCESS_MASK fz_access(struct fz_worker *w);
uint32_t fz_handle(struct fz_worker *w, enum fz_kind kind); /* a handle, most often of kind */
uint32_t fz_handle_to_close(struct fz_worker *w); /* fz_handle but never a reserved one */
uint32_t fz_process_handle(struct fz_worker *w); /* for arguments that name a process */
uint32_t fz_terminate_process_handle(struct fz_worker *w); /* never one that can end the run */
void fz_remember(struct fz_worker *w, HANDLE h, enum fz_kind kind);
void fz_forget(struct fz_worker *w, HANDLE h);
enum fz_kind fz_kind_of(struct fz_worker *w, HANDLE h);

uint32_t fz_timeout(struct fz_worker *w); /* a short timeout or a bad pointer; never NULL */
uint32_t fz_object_attributes(struct fz_worker *w); /* \BaseNamedObjects names, NULL, bad */
uint32_t fz_file_attributes(struct fz_worker *w); /* names in the scratch directory, NULL, bad */
uint32_t fz_file_offset(struct fz_worker *w); /* ByteOffset: NULL, small, end of file, bad */
/* Writes a file name (\??\C:\Fuzz\...) into chars and returns its length in characters. */
uint32_t fz_file_name(struct fz_worker *w, WCHAR *chars, uint32_t max);

/* ---- per-service shapes (tests/user/fuzz/shapes.c, vm.c) ---- */
/* The shapes of vm.c (shapes.c's are its own; its table refers to every service's through a weak
 * reference, NULL for a service with none). Not weak here: a weak definition in another object
 * than the table's is the table's NULL under PE/COFF's weak externals. */
#define FZ_VM_SHAPES(X)                                                                            \
    X(NtAllocateVirtualMemory)                                                                     \
    X(NtFreeVirtualMemory)                                                                         \
    X(NtProtectVirtualMemory)                                                                      \
    X(NtQueryVirtualMemory)                                                                        \
    X(NtCreateSection)                                                                             \
    X(NtOpenSection)                                                                               \
    X(NtMapViewOfSection)                                                                          \
    X(NtUnmapViewOfSection)                                                                        \
    X(NtFlushVirtualMemory)
#define FZ_DECLARE_SHAPE(name) void fz_shape_##name(struct fz_worker *w, struct fz_call *c);
FZ_VM_SHAPES(FZ_DECLARE_SHAPE)
#undef FZ_DECLARE_SHAPE
/* The services the fuzzer calls with generic words (docs/fuzzing.md): any other without a shape is
 * a failure of the run (a new service gets its shape in the same change). */
#define FZ_UNSHAPED_SERVICES 1 /* NtQueryVolumeInformationFile */
typedef void (*fz_shape)(struct fz_worker *w, struct fz_call *c);
struct fz_service {
    const char *name;
    uint32_t argc;
    fz_shape shape; /* NULL: generic arguments */
};
extern const struct fz_service fz_services[PAGODA_SERVICE_COUNT];
void fz_generic_shape(struct fz_worker *w, struct fz_call *c);
/* An output handle remembered as kind when the call succeeds (and the pointer was the worker's). */
uint32_t fz_handle_output(struct fz_worker *w, struct fz_call *c, enum fz_kind kind);

/* ---- calls (tests/user/fuzz/worker.c, call.asm) ---- */
void fz_raw_call(struct fz_regs *r);
void fz_thread_entry(void);
/* The i-th register (ECX, EDX, ESI, EDI, EBP) of a fuzzed thread's CONTEXT whose EBX is seed. */
uint32_t fz_context_pattern(uint32_t seed, uint32_t i);
/* A worker: calls until the run's budget is spent. arg: its struct fz_worker. */
NTSTATUS fz_worker_main(void *arg);
/* Makes c's call from w with random registers and flags; returns the status. Reports a register
 * the kernel did not preserve. flags_extra is ORed into EFLAGS (the TF ending). */
NTSTATUS fz_make_call(struct fz_worker *w, struct fz_call *c, enum fz_path path,
                      uint32_t flags_extra);
/* Builds a random call (service, shape) into c. */
void fz_build_call(struct fz_worker *w, struct fz_call *c);
/* Statistics per service: calls and successes (NT_SUCCESS). */
extern volatile uint32_t fz_service_calls[PAGODA_SERVICE_COUNT + 1];
extern volatile uint32_t fz_service_successes[PAGODA_SERVICE_COUNT + 1];

#endif
