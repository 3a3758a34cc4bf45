/* tests/user/fuzz.c: the system-call fuzzer (issue 12). From a seed, worker threads make random
 * calls to every service (tests/user/fuzz/), through int 0x2E, the SystemCall stub and sysenter,
 * with random registers and flags, and check that the kernel preserved what it must. The main
 * thread only supervises: it restarts workers that were ended, reports calls that never return,
 * prints the figures and ends the run. The kernel-side test (tests/kernel/fuzz.c) checks that the
 * process left nothing behind. Command line (docs/fuzzing.md):
 *
 *   fuzz [seed=N] [calls=N] [threads=1..8] [flags=safe|all] [files=off|unique|on]
 *        [end=exit|tf|badsysenter] [stats]
 *
 * Exit status: the number of failures (0: clean); 2 for a bad command line; an ending other than
 * exit ends the process on purpose (STATUS_SINGLE_STEP, STATUS_ACCESS_VIOLATION). */
#include "kernel/rtl/format.h"
#include "tests/user/fuzz/fuzz.h"

#define MAX_REPORTS      40
#define STALL_MS         20000u /* a call that takes longer than this is reported */
#define RESPAWN_GIVEUP   5000u /* ms without being able to start any worker */
#define SURVIVED_TF      0x5EA1 /* faults.c's status for "the fault did not end the process" */
#define FAST_STUB_OPCODE 0x340FD48Bu /* mov edx, esp; sysenter (KiFastSystemCall) */

struct fz_options fz_options = {.seed = 1, .calls = 10000, .threads = 4};
HANDLE fz_reserved_process[3];
volatile HANDLE fz_worker_threads[FZ_MAX_WORKERS];
volatile uint32_t fz_calls_started, fz_failures, fz_thread_entries;
bool fz_has_sysenter;

/* Worker states: a slot's thread uses one until the run loses track of that thread (another worker
 * closed the slot's handle), and a lost one is never given to another thread, which would share its
 * prepared inputs. The last one is the main thread's. */
#define STATES (2 * FZ_MAX_WORKERS)
static struct fz_worker workers[STATES + 1];
static uint32_t slot_state[FZ_MAX_WORKERS], slot_generation[FZ_MAX_WORKERS];
static uint32_t next_spare = FZ_MAX_WORKERS;
static bool retired[FZ_MAX_WORKERS]; /* lost, and no spare state left */
static HANDLE worker_ids[FZ_MAX_WORKERS]; /* each slot's thread's client ID */
/* The scratch of every state (tests/user/fuzz/layout.c). */
static uint8_t *scratch_area;
static uint32_t respawns, lost;

uint32_t fz_atomic_add(volatile uint32_t *p, uint32_t n)
{
    return __atomic_fetch_add(p, n, __ATOMIC_SEQ_CST);
}

void fz_report(const char *fmt, ...)
{
    if (fz_atomic_add(&fz_failures, 1) >= MAX_REPORTS)
        return;
    char line[RT_PRINT_MAX - 16];
    va_list ap;
    va_start(ap, fmt);
    rtl_vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    rt_print("  fuzz: %s\n", line);
}

bool fz_is_reserved(HANDLE h)
{
    uint32_t v = (uint32_t)(uintptr_t)h & ~3u;
    for (int i = 0; i < 3; i++)
        if (v == (uint32_t)(uintptr_t)fz_reserved_process[i])
            return true;
    for (int i = 0; i < FZ_MAX_WORKERS; i++)
        if (v == (uint32_t)(uintptr_t)fz_worker_threads[i])
            return true;
    /* a child's handles until its worker has ended it: closed and reused meanwhile, the worker
     * would end some other process and leave its child running */
    for (int i = 0; i <= STATES; i++)
        if (v && (v == (uint32_t)(uintptr_t)workers[i].spawned[0] ||
                  v == (uint32_t)(uintptr_t)workers[i].spawned[1]))
            return true;
    return fz_is_target(v) || v == (uint32_t)(uintptr_t)fz_own_vm;
}

/* ---- the command line ---- */

static bool number(const char *s, uint32_t *out)
{
    uint32_t v = 0, base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2, base = 16;
    if (!*s)
        return false;
    for (; *s; s++) {
        uint32_t d = *s >= '0' && *s <= '9'                     ? (uint32_t)(*s - '0')
                     : (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f' ? (uint32_t)((*s | 0x20) - 'a' + 10)
                                                                : 99;
        if (d >= base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

/* Matches "key=value" against names[]; sets *out to the index. */
static bool choice(const char *arg, const char *key, const char *const *names, uint32_t n,
                   uint32_t *out)
{
    size_t k = strlen(key);
    if (strncmp(arg, key, k) != 0 || arg[k] != '=')
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(arg + k + 1, names[i])) {
            *out = i;
            return true;
        }
    return false;
}

static const char *const flags_names[] = {"safe", "all"};
static const char *const files_names[] = {"off", "unique", "on"};
static const char *const end_names[] = {"exit", "tf", "badsysenter"};

/* "target=F,V,Q": the handles the kernel test put in this process's table for the target process
 * (all access, VM operations only, query only). */
static bool target_handles(const char *s)
{
    char part[12];
    for (int i = 0; i < 3; i++) {
        size_t n = 0;
        while (s[n] && s[n] != ',' && n < sizeof part - 1)
            part[n] = s[n], n++;
        part[n] = 0;
        uint32_t v;
        if (!number(part, &v) || (s[n] != ',') != (i == 2))
            return false;
        fz_target[i] = (HANDLE)(uintptr_t)v;
        s += n + (i < 2);
    }
    return true;
}

static bool parse_option(const char *a, struct fz_options *o)
{
    uint32_t v;
    if (!strncmp(a, "seed=", 5))
        return number(a + 5, &o->seed);
    if (!strncmp(a, "calls=", 6))
        return number(a + 6, &o->calls);
    if (!strncmp(a, "threads=", 8))
        return number(a + 8, &o->threads) && o->threads >= 1 && o->threads <= FZ_MAX_WORKERS;
    if (choice(a, "flags", flags_names, 2, &v))
        return o->flags = v, true;
    if (choice(a, "files", files_names, 3, &v))
        return o->files = v, true;
    if (choice(a, "end", end_names, 3, &v))
        return o->end = v, true;
    if (!strcmp(a, "stats"))
        return o->stats = true;
    if (!strncmp(a, "target=", 7))
        return target_handles(a + 7);
    return false;
}

/* ---- setting up ---- */

static void make_reserved_handles(void)
{
    static const ACCESS_MASK access[3] = {PROCESS_QUERY_INFORMATION, 0,
                                          PROCESS_CREATE_THREAD | PROCESS_DUP_HANDLE |
                                              PROCESS_QUERY_INFORMATION | SYNCHRONIZE};
    for (int i = 0; i < 3; i++) {
        NTSTATUS s = NtDuplicateObject(NtCurrentProcess(), NtCurrentProcess(), NtCurrentProcess(),
                                       &fz_reserved_process[i], access[i], 0, 0);
        if (!NT_SUCCESS(s))
            fz_report("setup: duplicating the process handle returned 0x%X", (uint32_t)s);
    }
    NTSTATUS s =
        NtDuplicateObject(NtCurrentProcess(), NtCurrentProcess(), NtCurrentProcess(), &fz_own_vm,
                          PROCESS_VM_OPERATION | PROCESS_QUERY_INFORMATION, 0, 0);
    if (!NT_SUCCESS(s))
        fz_report("setup: duplicating the process handle returned 0x%X", (uint32_t)s);
}

/* The scratch directory \??\C:\Fuzz (files=unique|on); no handle to it is kept. */
static void make_scratch_directory(void)
{
    struct rt_name n;
    IO_STATUS_BLOCK iosb;
    HANDLE h;
    NTSTATUS s =
        NtCreateFile(&h, FILE_LIST_DIRECTORY | SYNCHRONIZE,
                     rt_named(&n, "\\??\\C:\\Fuzz", OBJ_CASE_INSENSITIVE), &iosb, NULL, 0, 7,
                     FILE_OPEN_IF, FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    if (NT_SUCCESS(s))
        NtClose(h);
    else
        rt_print("  fuzz: no scratch directory \\??\\C:\\Fuzz (0x%X): file calls fail early\n",
                 (uint32_t)s);
}

static void init_worker(uint32_t state, uint32_t slot, uint32_t generation)
{
    struct fz_worker *w = &workers[state];
    fz_vm_retire(w); /* what the state's last thread kept; that thread has ended */
    for (int i = 0; i < FZ_HANDLES; i++) /* and the handles it remembered */
        if (w->handles[i].kind != FZ_NONE && !fz_is_reserved(w->handles[i].value))
            NtClose(w->handles[i].value);
    memset(w, 0, sizeof *w);
    w->slot = slot;
    w->generation = generation;
    w->rng = fz_context_pattern(fz_options.seed, slot * 7919 + generation) | 1;
    w->scratch = scratch_area + state * FZ_SCRATCH;
    for (uint32_t i = 0; i < FZ_SCRATCH; i++)
        w->scratch[i] = (uint8_t)fz_random(w);
    w->progress = rt_tick_count();
}

static void start_worker(uint32_t slot)
{
    HANDLE h;
    if (retired[slot] || fz_worker_threads[slot] || fz_calls_started >= fz_options.calls)
        return;
    init_worker(slot_state[slot], slot, ++slot_generation[slot]);
    CLIENT_ID id;
    if (NT_SUCCESS(rt_create_thread_ex(fz_worker_main, &workers[slot_state[slot]], 0, &h, &id))) {
        fz_layout_add_thread(h);
        worker_ids[slot] = id.UniqueThread;
        fz_worker_threads[slot] = h;
        respawns += slot_generation[slot] > 1;
    }
}

/* ---- supervising ---- */

static uint32_t ms_since(uint32_t tick) { return (rt_tick_count() - tick) * 1000u / rt_timer_hz(); }

static void report_stall(struct fz_worker *w)
{
    struct fz_call c = w->current;
    fz_report("seed %u worker %u.%u call %u (run #%u): service 0x%X (%s) via path %u, EFLAGS 0x%X"
              " has not returned for %u ms; arguments 0x%X 0x%X 0x%X 0x%X 0x%X 0x%X",
              fz_options.seed, w->slot, w->generation, w->calls, (uint32_t)c.index, c.number,
              c.number < PAGODA_SERVICE_COUNT ? fz_services[c.number].name : "none",
              w->current_path, w->current_eflags, ms_since(w->progress), c.args[0], c.args[1],
              c.args[2], c.args[3], c.args[4], c.args[5]);
}

/* The slot's handle no longer names its thread: the value may name something else now, so it is
 * not closed, and the thread, wherever it is, keeps its state to itself. */
static void lose(uint32_t slot)
{
    fz_worker_threads[slot] = NULL;
    lost++;
    if (next_spare < STATES)
        slot_state[slot] = next_spare++;
    else
        retired[slot] = true;
}

/* One look at a worker: ended (restart it while calls remain), lost, stalled or running. Returns
 * whether it still counts as running. */
static bool look_at(uint32_t slot, bool *stall_reported)
{
    HANDLE h = fz_worker_threads[slot];
    struct fz_worker *w = &workers[slot_state[slot]];
    THREAD_BASIC_INFORMATION info;
    if (!h)
        return false;
    NTSTATUS s = NtQueryInformationThread(h, ThreadBasicInformation, &info, sizeof info, NULL);
    /* The handle may have been closed by a call and its value given to another thread since. */
    if (!NT_SUCCESS(s) || info.ClientId.UniqueThread != worker_ids[slot]) {
        lose(slot);
        return false;
    }
    /* Ended means signaled: the exit status cannot tell, as a call may end a worker with any
     * status, STATUS_PENDING (STILL_ACTIVE) included. */
    static const LARGE_INTEGER_QUAD now = 0;
    if (NtWaitForSingleObject(h, 0, (LARGE_INTEGER_QUAD *)&now) == STATUS_TIMEOUT) {
        if (w->busy && ms_since(w->progress) > STALL_MS && !*stall_reported) {
            report_stall(w);
            *stall_reported = true;
        }
        return true;
    }
    fz_worker_threads[slot] = NULL;
    NtClose(h);
    start_worker(slot);
    return fz_worker_threads[slot] != NULL;
}

static void supervise(void)
{
    bool stalled[FZ_MAX_WORKERS] = {false};
    uint32_t last_alive = rt_tick_count();
    for (uint32_t i = 0; i < FZ_MAX_WORKERS; i++)
        slot_state[i] = i;
    for (;;) {
        uint32_t alive = 0;
        for (uint32_t i = 0; i < fz_options.threads; i++) {
            start_worker(i);
            alive += look_at(i, &stalled[i]);
        }
        if (alive)
            last_alive = rt_tick_count();
        if (!alive && fz_calls_started >= fz_options.calls)
            return;
        if (!alive && ms_since(last_alive) > RESPAWN_GIVEUP) {
            fz_report("seed %u: no worker ran for %u ms (%u of %u calls made, %u workers lost)",
                      fz_options.seed, RESPAWN_GIVEUP, fz_calls_started, fz_options.calls, lost);
            return;
        }
        rt_sleep_ms(10);
    }
}

/* ---- figures and endings ---- */

static void print_figures(uint32_t ms)
{
    uint32_t calls = 0, successes = 0, unshaped = 0;
    for (uint32_t i = 0; i <= PAGODA_SERVICE_COUNT; i++)
        calls += fz_service_calls[i], successes += fz_service_successes[i];
    for (uint32_t i = 0; i < PAGODA_SERVICE_COUNT; i++)
        unshaped += fz_services[i].argc > 0 && !fz_services[i].shape;
    if (unshaped != FZ_UNSHAPED_SERVICES) /* a shape lost at the link, or a service without one */
        fz_report("%u services have no shape, expected %u", unshaped, FZ_UNSHAPED_SERVICES);
    rt_print("  fuzz: seed %u: %u calls to %u services in %u ms, %u succeeded, %u threads started,"
             " %u workers restarted, %u lost, %u services without a shape, %u failures\n",
             fz_options.seed, calls, PAGODA_SERVICE_COUNT, ms, successes, fz_thread_entries,
             respawns, lost, unshaped, fz_failures);
    if (!fz_options.stats)
        return;
    for (uint32_t i = 0; i <= PAGODA_SERVICE_COUNT; i++)
        rt_print("  fuzz:   %-32s %8u calls %8u succeeded%s\n",
                 i < PAGODA_SERVICE_COUNT ? fz_services[i].name : "(numbers past the table)",
                 fz_service_calls[i], fz_service_successes[i],
                 i < PAGODA_SERVICE_COUNT && fz_services[i].argc && !fz_services[i].shape
                     ? " (no shape)"
                     : "");
}

/* The last call of an end=tf run: TF set, through int 0x2E (or any path with flags=all). The
 * single-step trap must end the process with STATUS_SINGLE_STEP, so this never returns. */
static NTSTATUS end_with_tf(struct fz_worker *w)
{
    struct fz_call c;
    do
        fz_build_call(w, &c);
    while (c.number == PAGODA_SERVICE_NtTerminateThread ||
           c.number == PAGODA_SERVICE_NtTerminateProcess);
    enum fz_path path = FZ_PATH_INT;
    if (fz_options.flags == FZ_FLAGS_ALL)
        path = (enum fz_path)fz_below(w, fz_has_sysenter ? 3 : 2);
    rt_print("  fuzz: seed %u: last call with TF through path %u\n", fz_options.seed, path);
    fz_make_call(w, &c, path, 0x100);
    rt_print("  fuzz: seed %u: a call with TF set returned (no single-step trap)\n",
             fz_options.seed);
    return SURVIVED_TF;
}

/* sysenter with EDX in system space: the kernel refuses the arguments and returns with ESP = EDX,
 * so the stub's ret faults and the process ends with STATUS_ACCESS_VIOLATION. */
static NTSTATUS end_with_bad_sysenter(struct fz_worker *w)
{
    struct fz_regs r = {.eax = PAGODA_SERVICE_NtClose, .path = FZ_PATH_SYSENTER_EDX};
    r.esp = (uint32_t)(uintptr_t)&w->stack[128];
    r.edx = fz_bad_pointer(w) | 0x80000000u;
    r.eflags = 0x202;
    rt_print("  fuzz: seed %u: last call: sysenter with EDX 0x%X\n", fz_options.seed, r.edx);
    fz_raw_call(&r);
    rt_print("  fuzz: seed %u: sysenter with EDX 0x%X returned 0x%X\n", fz_options.seed, r.edx,
             r.eax);
    return SURVIVED_TF;
}

/* "fuzz target": the process whose handles the kernel test gives the fuzzer (target=). It waits in
 * the kernel, so that its own stack and image may go without ending it before something runs in
 * it; the kernel test ends it. */
static NORETURN int be_a_target(void)
{
    LARGE_INTEGER_QUAD hour = -36000000000ll;
    for (;;)
        NtDelayExecution(0, &hour);
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "target"))
        return be_a_target();
    for (int i = 1; i < argc; i++)
        if (!parse_option(argv[i], &fz_options)) {
            rt_print("  fuzz: bad option '%s'\n", argv[i]);
            return 2;
        }
    fz_has_sysenter =
        *(const volatile uint32_t *)(uintptr_t)RT_SHARED_DATA->SystemCall == FAST_STUB_OPCODE;
    if (fz_options.end == FZ_END_BAD_SYSENTER && !fz_has_sysenter)
        return 2;
    rt_print("  fuzz: seed %u, %u calls, %u threads, flags=%s files=%s end=%s, %s\n",
             fz_options.seed, fz_options.calls, fz_options.threads, flags_names[fz_options.flags],
             files_names[fz_options.files], end_names[fz_options.end],
             fz_has_sysenter ? "sysenter" : "no sysenter");
    if (!(scratch_area = fz_layout_init((STATES + 1) * FZ_SCRATCH)))
        return (int)fz_failures;
    make_reserved_handles();
    if (fz_options.files != FZ_FILES_OFF)
        make_scratch_directory();
    uint32_t start = rt_tick_count();
    supervise();
    print_figures(ms_since(start));
    struct fz_worker *w = &workers[STATES];
    init_worker(STATES, FZ_MAX_WORKERS, 1);
    if (fz_options.end == FZ_END_TF)
        return end_with_tf(w);
    if (fz_options.end == FZ_END_BAD_SYSENTER)
        return end_with_bad_sysenter(w);
    return (int)fz_failures;
}
