/* tests/user/fuzz/shapes.c: what each service's arguments are, so that random calls get past the
 * first checks: handles of the right kind, OBJECT_ATTRIBUTES with names, IO_STATUS_BLOCKs, buffers
 * with lengths that fit. The table comes from the generated service list (PAGODA_SERVICE_LIST): a
 * service without a shape here is still called, with generic words for arguments. A new service
 * gets its shape in the same change (docs/fuzzing.md says what a shape must keep safe). */
#include "tests/user/fuzz/fuzz.h"

#define SHAPE(name) void fz_shape_##name(struct fz_worker *w, struct fz_call *c)
#define A           (c->args)

/* A service with no shape links to NULL (a weak reference) and gets generic arguments. */
#define DECLARE(name, argc)                                                                        \
    void fz_shape_##name(struct fz_worker *, struct fz_call *) __attribute__((weak));
PAGODA_SERVICE_LIST(DECLARE)
#undef DECLARE

void fz_generic_shape(struct fz_worker *w, struct fz_call *c)
{
    for (uint32_t i = 0; i < c->argc; i++)
        A[i] = fz_word(w);
}

static uint32_t boolean(struct fz_worker *w)
{
    return fz_chance(w, 90) ? fz_below(w, 2) : fz_random(w) & 0xFFu;
}

/* An output handle: remembered as kind when the call succeeds and the pointer was ours. */
uint32_t fz_handle_output(struct fz_worker *w, struct fz_call *c, enum fz_kind kind)
{
    w->out_handle = NULL;
    uint32_t p = fz_output(w, &w->out_handle, sizeof(HANDLE));
    bool ours = p == (uint32_t)(uintptr_t)&w->out_handle ||
                (p >= (uint32_t)(uintptr_t)w->scratch &&
                 p < (uint32_t)(uintptr_t)w->scratch + FZ_SCRATCH - 4);
    if (ours) {
        c->out_handle = (HANDLE *)(uintptr_t)p;
        c->out_kind = kind;
    }
    return p;
}

static uint32_t optional_output(struct fz_worker *w, uint32_t size)
{
    return fz_chance(w, 20) ? 0 : fz_output(w, NULL, size);
}

/* A query's buffer: half the time exactly the size the class needs (NT's query services take
 * nothing else for fixed-size classes), else anything fz_buffer makes. */
static void sized_buffer(struct fz_worker *w, uint32_t *pointer, uint32_t *length, uint32_t exact)
{
    if (fz_chance(w, 50)) {
        *pointer = (uint32_t)(uintptr_t)fz_scratch(w, exact) & ~7u;
        *length = exact;
        return;
    }
    fz_buffer(w, pointer, length);
}

static uint32_t info_class(struct fz_worker *w, uint32_t known)
{
    return fz_chance(w, 80) ? fz_below(w, known) : fz_random(w) & (fz_chance(w, 50) ? 0x3F : ~0u);
}

/* ---- console, objects, handles ---- */

SHAPE(NtDisplayString)
{
    /* Printing is kept to nothing or one short line starting with spaces: the serial log is read
     * by the test harness. The probes still see odd, misaligned and bad strings. */
    static const WCHAR line[] = {' ', ' ', 'f', 'u', 'z', 'z', '\n'};
    memcpy(w->name2, line, sizeof line);
    w->string2 = (UNICODE_STRING){0, sizeof line, w->name2};
    switch (fz_below(w, 10)) {
    case 0: w->string2.Length = 1; break;
    case 1: w->string2.Length = 0xFFFE; break;
    case 2: /* not the shared page, which is readable: its bytes would be printed */
        w->string2.Buffer = (WCHAR *)(uintptr_t)(fz_bad_pointer(w) | 0x80000000u);
        break;
    case 3: w->string2.Buffer = (WCHAR *)((uint8_t *)w->name2 + 1); break;
    case 4:
        if (fz_chance(w, 2))
            w->string2.Length = sizeof line;
        break;
    default: break;
    }
    if (w->string2.Buffer != w->name2 && w->string2.Length == 0)
        w->string2.Length = 2 * fz_below(w, 4);
    A[0] = fz_input(w, &w->string2);
}

SHAPE(NtClose)
{
    A[0] = fz_handle_to_close(w);
    c->closes = (HANDLE)(uintptr_t)A[0];
}

SHAPE(NtDuplicateObject)
{
    static const uint32_t options[] = {0,
                                       DUPLICATE_SAME_ACCESS,
                                       DUPLICATE_SAME_ATTRIBUTES,
                                       DUPLICATE_SAME_ACCESS | DUPLICATE_SAME_ATTRIBUTES,
                                       DUPLICATE_CLOSE_SOURCE,
                                       DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS,
                                       8};
    A[0] = fz_process_handle(w);
    A[6] = fz_chance(w, 95) ? FZ_PICK(w, options) : fz_random(w);
    A[1] = A[6] & DUPLICATE_CLOSE_SOURCE ? fz_handle_to_close(w) : fz_handle(w, FZ_NONE);
    A[2] = fz_chance(w, 10) ? 0 : fz_process_handle(w);
    enum fz_kind kind = A[1] == 0xFFFFFFFFu   ? FZ_PROCESS
                        : A[1] == 0xFFFFFFFEu ? FZ_THREAD
                                              : fz_kind_of(w, (HANDLE)(uintptr_t)A[1]);
    A[3] = fz_chance(w, 10) ? 0 : fz_handle_output(w, c, kind);
    A[4] = fz_access(w);
    A[5] = fz_chance(w, 90) ? (fz_chance(w, 50) ? 0 : OBJ_INHERIT) : fz_random(w);
    if (A[6] & DUPLICATE_CLOSE_SOURCE)
        c->closes = (HANDLE)(uintptr_t)A[1];
}

SHAPE(NtQueryObject)
{
    static const uint32_t sizes[] = {56, 8 + 2 * 256, 96 + 64};
    A[0] = fz_handle(w, FZ_NONE);
    A[1] = info_class(w, 4);
    sized_buffer(w, &A[2], &A[3], A[1] < 3 ? sizes[A[1]] : 64);
    A[4] = optional_output(w, 4);
}

/* ---- waits ---- */

SHAPE(NtDelayExecution)
{
    A[0] = boolean(w);
    A[1] = fz_timeout(w);
}

SHAPE(NtWaitForSingleObject)
{
    A[0] = fz_handle(w, FZ_NONE);
    A[1] = boolean(w);
    A[2] = fz_timeout(w);
}

SHAPE(NtWaitForMultipleObjects)
{
    uint32_t count = fz_chance(w, 90) ? fz_below(w, 9) : fz_below(w, FZ_WAIT_HANDLES + 1);
    for (uint32_t i = 0; i < FZ_WAIT_HANDLES; i++)
        w->wait_handles[i] = (HANDLE)(uintptr_t)fz_handle(w, FZ_NONE);
    if (count > 1 && fz_chance(w, 10))
        w->wait_handles[1] = w->wait_handles[0];
    A[0] = fz_chance(w, 95) ? count : fz_word(w);
    A[1] = fz_input(w, w->wait_handles);
    A[2] = fz_chance(w, 90) ? fz_below(w, 2) : fz_random(w);
    A[3] = boolean(w);
    A[4] = fz_timeout(w);
}

SHAPE(NtSignalAndWaitForSingleObject)
{
    A[0] = fz_handle(w, FZ_NONE);
    A[1] = fz_handle(w, FZ_NONE);
    A[2] = boolean(w);
    A[3] = fz_timeout(w);
}

/* ---- events, semaphores, mutants ---- */

SHAPE(NtCreateEvent)
{
    A[0] = fz_handle_output(w, c, FZ_EVENT);
    A[1] = fz_access(w);
    A[2] = fz_object_attributes(w);
    A[3] = fz_chance(w, 95) ? fz_below(w, 2) : fz_random(w);
    A[4] = boolean(w);
}

static void open_shape(struct fz_worker *w, struct fz_call *c, enum fz_kind kind)
{
    A[0] = fz_handle_output(w, c, kind);
    A[1] = fz_access(w);
    A[2] = fz_object_attributes(w);
}

SHAPE(NtOpenEvent) { open_shape(w, c, FZ_EVENT); }
SHAPE(NtOpenSemaphore) { open_shape(w, c, FZ_SEMAPHORE); }
SHAPE(NtOpenMutant) { open_shape(w, c, FZ_MUTANT); }

static void signal_shape(struct fz_worker *w, struct fz_call *c, enum fz_kind kind)
{
    A[0] = fz_handle(w, kind);
    A[1] = optional_output(w, 4);
}

SHAPE(NtSetEvent) { signal_shape(w, c, FZ_EVENT); }
SHAPE(NtResetEvent) { signal_shape(w, c, FZ_EVENT); }
SHAPE(NtReleaseMutant) { signal_shape(w, c, FZ_MUTANT); }

static uint32_t count(struct fz_worker *w)
{
    static const uint32_t edges[] = {0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0x7FFFFFFEu};
    return fz_chance(w, 85) ? fz_below(w, 5) : FZ_PICK(w, edges);
}

SHAPE(NtCreateSemaphore)
{
    A[0] = fz_handle_output(w, c, FZ_SEMAPHORE);
    A[1] = fz_access(w);
    A[2] = fz_object_attributes(w);
    A[3] = count(w);
    A[4] = count(w);
}

SHAPE(NtReleaseSemaphore)
{
    A[0] = fz_handle(w, FZ_SEMAPHORE);
    A[1] = count(w);
    A[2] = optional_output(w, 4);
}

SHAPE(NtCreateMutant)
{
    A[0] = fz_handle_output(w, c, FZ_MUTANT);
    A[1] = fz_access(w);
    A[2] = fz_object_attributes(w);
    A[3] = boolean(w);
}

/* ---- threads and processes ---- */

/* A CONTEXT that always starts in fz_thread_entry (anything else would crash the fuzzer), with
 * the registers the new thread checks, and random flags, segments and stack pointer (the kernel
 * sanitizes or ignores them). */
static void thread_context(struct fz_worker *w)
{
    CONTEXT *ctx = &w->context;
    uint32_t seed = fz_random(w);
    memset(ctx, 0, sizeof *ctx);
    ctx->ContextFlags = fz_chance(w, 80) ? CONTEXT_FULL : fz_random(w);
    ctx->Ebx = seed;
    ctx->Ecx = fz_context_pattern(seed, 0);
    ctx->Edx = fz_context_pattern(seed, 1);
    ctx->Esi = fz_context_pattern(seed, 2);
    ctx->Edi = fz_context_pattern(seed, 3);
    ctx->Ebp = fz_context_pattern(seed, 4);
    ctx->Eip = (uint32_t)(uintptr_t)fz_thread_entry;
    ctx->Eax = fz_random(w);
    ctx->Esp = fz_word(w);
    ctx->EFlags = fz_random(w) & ~0x100u; /* TF would end the process at its first instruction */
    ctx->SegCs = fz_below(w, 0x40), ctx->SegSs = fz_below(w, 0x40);
    ctx->SegDs = fz_below(w, 0x40), ctx->SegEs = fz_below(w, 0x40);
    ctx->SegFs = fz_below(w, 0x40), ctx->SegGs = fz_below(w, 0x40);
}

/* An INITIAL_TEB: zero (a kernel-made stack) mostly; else stack bounds the kernel must refuse. */
static uint32_t initial_teb(struct fz_worker *w)
{
    INITIAL_TEB *t = &w->initial_teb;
    memset(t, 0, sizeof *t);
    if (fz_chance(w, 15)) {
        t->StackBase = (void *)(uintptr_t)fz_word(w);
        t->StackLimit = (void *)((uintptr_t)t->StackBase + fz_below(w, 3) * 0x1000u);
        w->context.Esp = fz_chance(w, 50) ? (uint32_t)(uintptr_t)t->StackBase + 4 : fz_word(w);
    }
    return fz_input(w, t);
}

SHAPE(NtCreateThread)
{
    A[0] = fz_handle_output(w, c, FZ_THREAD);
    A[1] = fz_access(w);
    A[2] = fz_chance(w, 80) ? 0 : fz_object_attributes(w);
    A[3] = fz_process_handle(w);
    A[4] = fz_chance(w, 30) ? 0 : fz_output(w, &w->client_id, sizeof(CLIENT_ID));
    thread_context(w);
    A[5] = fz_chance(w, 5) ? 0 : fz_input(w, &w->context);
    A[6] = initial_teb(w);
    A[7] = fz_chance(w, 10) ? (fz_chance(w, 90) ? 1 : 0x100 | fz_random(w)) : 0;
}

SHAPE(NtResumeThread)
{
    A[0] = fz_handle(w, FZ_THREAD);
    A[1] = optional_output(w, 4);
}

/* Ends a thread: sometimes the worker itself (the run starts another in its slot), or a thread
 * of the run, never the main thread, which no handle names. */
SHAPE(NtTerminateThread)
{
    uint32_t choice = fz_below(w, 100);
    A[0] = choice < 3 ? 0xFFFFFFFEu : choice < 5 ? 0 : fz_handle(w, FZ_THREAD);
    if ((A[0] == 0xFFFFFFFEu || A[0] == 0) && choice >= 5)
        A[0] = 0x12345678u; /* the worker itself only at the rate above */
    A[1] = fz_word(w);
}

SHAPE(NtTerminateProcess)
{
    A[0] = fz_terminate_process_handle(w);
    A[1] = fz_word(w);
}

static void query_shape(struct fz_worker *w, struct fz_call *c, enum fz_kind kind)
{
    A[0] = kind == FZ_PROCESS ? fz_process_handle(w) : fz_handle(w, kind);
    A[1] = info_class(w, 2);
    sized_buffer(w, &A[2], &A[3], kind == FZ_PROCESS ? 24 : 28);
    A[4] = optional_output(w, 4);
}

SHAPE(NtQueryInformationProcess) { query_shape(w, c, FZ_PROCESS); }
SHAPE(NtQueryInformationThread) { query_shape(w, c, FZ_THREAD); }
SHAPE(NtQuerySystemTime) { A[0] = fz_output(w, NULL, 8); }

/* ---- files (all under the scratch directory, fz_file_name) ---- */

static uint32_t create_options(struct fz_worker *w)
{
    static const uint32_t bits[] = {FILE_DIRECTORY_FILE,          FILE_NON_DIRECTORY_FILE,
                                    FILE_SYNCHRONOUS_IO_NONALERT, FILE_SYNCHRONOUS_IO_ALERT,
                                    FILE_DELETE_ON_CLOSE,         FILE_WRITE_THROUGH,
                                    FILE_SEQUENTIAL_ONLY};
    uint32_t options = 0;
    for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
        if (fz_chance(w, i == 2 ? 60 : i == 4 ? 8 : 15))
            options |= bits[i];
    return fz_chance(w, 95) ? options : options | fz_random(w);
}

static enum fz_kind file_kind(uint32_t options)
{
    return options & FILE_DIRECTORY_FILE ? FZ_DIRECTORY : FZ_FILE;
}

static uint32_t share(struct fz_worker *w)
{
    return fz_chance(w, 95) ? fz_below(w, 8) : fz_random(w);
}

SHAPE(NtCreateFile)
{
    static const uint32_t attributes[] = {0,
                                          FILE_ATTRIBUTE_NORMAL,
                                          FILE_ATTRIBUTE_READONLY,
                                          0x2,
                                          FILE_ATTRIBUTE_ARCHIVE,
                                          FILE_ATTRIBUTE_DIRECTORY,
                                          0x24,
                                          0x7FFFu};
    uint32_t options = create_options(w);
    A[0] = fz_handle_output(w, c, file_kind(options));
    A[1] = fz_access(w);
    A[2] = fz_file_attributes(w);
    A[3] = fz_output(w, &w->iosb, sizeof w->iosb);
    w->size = fz_chance(w, 90) ? fz_below(w, 65536) : (LARGE_INTEGER_QUAD)1 << 40;
    A[4] = fz_chance(w, 70) ? 0 : fz_input(w, &w->size);
    A[5] = fz_chance(w, 95) ? FZ_PICK(w, attributes) : fz_random(w);
    A[6] = share(w);
    A[7] = fz_chance(w, 95) ? fz_below(w, 6) : fz_random(w);
    A[8] = options;
    A[9] = fz_chance(w, 90) ? 0 : (uint32_t)(uintptr_t)fz_scratch(w, 64);
    A[10] = fz_chance(w, 90) ? 0 : fz_length(w, 64);
}

SHAPE(NtOpenFile)
{
    uint32_t options = create_options(w);
    A[0] = fz_handle_output(w, c, file_kind(options));
    A[1] = fz_access(w);
    A[2] = fz_file_attributes(w);
    A[3] = fz_output(w, &w->iosb, sizeof w->iosb);
    A[4] = share(w);
    A[5] = options;
}

/* An APC routine Pagoda ignores for now; should it ever run one, it must be harmless. */
static void __attribute__((stdcall))
harmless_apc(void *context, IO_STATUS_BLOCK *iosb, uint32_t reserved)
{
    (void)context, (void)iosb, (void)reserved;
}

/* The event, APC and IO_STATUS_BLOCK arguments shared by reads, writes and directory queries. */
static void io_arguments(struct fz_worker *w, struct fz_call *c, enum fz_kind kind)
{
    A[0] = fz_handle(w, kind);
    A[1] = fz_chance(w, 60) ? 0 : fz_handle(w, FZ_EVENT);
    A[2] = fz_chance(w, 90) ? 0 : (uint32_t)(uintptr_t)harmless_apc;
    A[3] = fz_chance(w, 90) ? 0 : fz_word(w);
    A[4] = fz_output(w, &w->iosb, sizeof w->iosb);
}

static void read_write_shape(struct fz_worker *w, struct fz_call *c)
{
    io_arguments(w, c, FZ_FILE);
    fz_buffer(w, &A[5], &A[6]);
    A[7] = fz_file_offset(w);
    w->key = fz_random(w);
    A[8] = fz_chance(w, 90) ? 0 : fz_input(w, &w->key);
}

SHAPE(NtReadFile) { read_write_shape(w, c); }
SHAPE(NtWriteFile) { read_write_shape(w, c); }

SHAPE(NtQueryInformationFile)
{
    A[0] = fz_handle(w, fz_chance(w, 80) ? FZ_FILE : FZ_DIRECTORY);
    A[1] = fz_output(w, &w->iosb, sizeof w->iosb);
    A[4] = info_class(w, 22);
    sized_buffer(w, &A[2], &A[3],
                 A[4] == FileBasicInformation      ? 40
                 : A[4] == FileStandardInformation ? 24
                                                   : 8);
}

/* The FILE_*_INFORMATION a set asks for, in the prepared info slot. Sizes stay small (extending a
 * file writes zeros to the disk); a rename's target is a name in the scratch directory. */
static uint32_t set_information(struct fz_worker *w, uint32_t class)
{
    uint8_t *info = (uint8_t *)w->info;
    memset(info, 0, sizeof w->info);
    switch (class) {
    case FileBasicInformation: {
        FILE_BASIC_INFORMATION *b = (void *)info;
        b->LastWriteTime = fz_chance(w, 50) ? 0 : (LARGE_INTEGER_QUAD)fz_random(w) << 24;
        b->FileAttributes = fz_chance(w, 80) ? fz_below(w, 0x40) : fz_random(w);
        return sizeof *b;
    }
    case FileRenameInformation: {
        FILE_RENAME_INFORMATION *r = (void *)info;
        r->ReplaceIfExists = (BOOLEAN)fz_below(w, 2);
        uint32_t max = (FZ_INFO_BYTES - offsetof(FILE_RENAME_INFORMATION, FileName)) / 2;
        r->FileNameLength = 2 * fz_file_name(w, r->FileName, max);
        return offsetof(FILE_RENAME_INFORMATION, FileName) + r->FileNameLength;
    }
    case FileDispositionInformation: info[0] = (uint8_t)boolean(w); return 4;
    case FilePositionInformation:
    case FileEndOfFileInformation: {
        LARGE_INTEGER_QUAD v =
            fz_chance(w, 95) ? fz_below(w, 1 << 18) : (LARGE_INTEGER_QUAD)1 << 40;
        memcpy(info, &v, sizeof v);
        return sizeof v;
    }
    default: return fz_below(w, 64);
    }
}

SHAPE(NtSetInformationFile)
{
    static const uint32_t classes[] = {FileBasicInformation,       FileRenameInformation,
                                       FileDispositionInformation, FilePositionInformation,
                                       FileEndOfFileInformation,   FileStandardInformation};
    A[0] = fz_handle(w, fz_chance(w, 80) ? FZ_FILE : FZ_DIRECTORY);
    A[1] = fz_output(w, &w->iosb, sizeof w->iosb);
    A[4] = fz_chance(w, 90) ? FZ_PICK(w, classes) : info_class(w, 64);
    uint32_t size = set_information(w, A[4]);
    A[2] = fz_input(w, w->info);
    A[3] = fz_chance(w, 85) ? size : fz_length(w, size);
}

SHAPE(NtFlushBuffersFile)
{
    A[0] = fz_handle(w, FZ_FILE);
    A[1] = fz_output(w, &w->iosb, sizeof w->iosb);
}

SHAPE(NtQueryDirectoryFile)
{
    static const uint32_t classes[] = {FileDirectoryInformation,
                                       FileBothDirectoryInformation,
                                       FileNamesInformation,
                                       FileFullDirectoryInformation,
                                       0,
                                       4};
    static const char *const patterns[] = {"*", "?", "<", "*.dat", "\"", "0*", "", "x>"};
    io_arguments(w, c, FZ_DIRECTORY);
    fz_buffer(w, &A[5], &A[6]);
    A[7] = fz_chance(w, 90) ? FZ_PICK(w, classes) : fz_random(w);
    A[8] = boolean(w);
    const char *p = patterns[fz_below(w, ARRAY_SIZE(patterns))];
    uint32_t n = 0;
    while (p[n])
        w->name2[n] = (WCHAR)p[n], n++;
    w->string2 = (UNICODE_STRING){(uint16_t)(2 * n), (uint16_t)(2 * n), w->name2};
    A[9] = fz_chance(w, 50) ? 0 : fz_input(w, &w->string2);
    A[10] = boolean(w);
}

/* ---- process creation ---- */

static uint32_t put_ascii(WCHAR *out, const char *ascii)
{
    uint32_t n = 0;
    for (; ascii[n]; n++)
        out[n] = (WCHAR)(uint8_t)ascii[n];
    out[n] = 0;
    return n;
}

/* A child made by NtCreateUserProcess is made suspended and ended at once, and waited for: it never
 * runs, so the run's calls (a thread of it ended while it holds its loader lock, say) cannot leave
 * it alive, and it is gone before the next call. Its handles are in the worker's own slots (the
 * only good pointers the shape passes for them). */
static void end_child(struct fz_worker *w, struct fz_call *c, NTSTATUS status)
{
    static const LARGE_INTEGER_QUAD five_seconds = -50000000ll;
    HANDLE h = NULL; /* the handle asked for had random rights: one that may end and wait */
    (void)c;
    if (!NT_SUCCESS(
            status)) { /* a process handle written before the call failed: its child ended */
        if (w->spawned[0])
            NtClose(w->spawned[0]);
        w->spawned[0] = w->spawned[1] = NULL;
        return;
    }
    status = NtDuplicateObject(NtCurrentProcess(), w->spawned[0], NtCurrentProcess(), &h,
                               PROCESS_TERMINATE | SYNCHRONIZE, 0, 0);
    if (NT_SUCCESS(status))
        status = NtTerminateProcess(h, 0);
    if (NT_SUCCESS(status))
        status = NtWaitForSingleObject(h, 0, (LARGE_INTEGER_QUAD *)&five_seconds);
    if (status != STATUS_SUCCESS)
        fz_report("a child of NtCreateUserProcess (handle 0x%X) did not end: 0x%X",
                  (uint32_t)(uintptr_t)w->spawned[0], (uint32_t)status);
    NtClose(h);
    HANDLE process = w->spawned[0], thread = w->spawned[1];
    w->spawned[0] = w->spawned[1] = NULL; /* no longer reserved (fz_is_reserved) */
    NtClose(thread);
    NtClose(process);
}

/* NtCreateUserProcess: parameters, attribute list and create info built in the worker's state,
 * naming an exe, one that does not exist, a DLL or a directory; sizes, flags and pointers now and
 * then wrong. The thread flags always ask for a suspended thread, or are refused. */
SHAPE(NtCreateUserProcess)
{
    static const char *const images[] = {"\\??\\C:\\Tests\\faults.exe", "\\??\\C:\\Fuzz\\none.exe",
                                         "\\??\\C:\\Tests\\log.dll", "\\??\\C:\\Tests"};
    struct fz_spawn *b = &w->spawn;
    PAGODA_PROCESS_PARAMETERS *p = &b->params;
    memset(b, 0, sizeof *b);
    w->spawned[0] = w->spawned[1] = NULL;
    p->Length = p->MaximumLength = sizeof *p;
    p->Flags = fz_chance(w, 90) ? PROCESS_PARAMETERS_NORMALIZED : 0;
    uint32_t n = put_ascii(b->line, "faults ok");
    p->CommandLine = (UNICODE_STRING){(uint16_t)(n * 2), (uint16_t)(n * 2 + 2), b->line};
    if (fz_chance(w, 10))
        p->CommandLine.Length = (uint16_t)fz_word(w);
    p->Environment = fz_chance(w, 80) ? NULL : (void *)(uintptr_t)fz_word(w);
    p->StandardInput = (HANDLE)(uintptr_t)fz_handle(w, FZ_NONE);
    n = put_ascii(b->image, images[fz_below(w, ARRAY_SIZE(images))]);
    b->list.TotalLength = fz_chance(w, 90) ? sizeof b->list : fz_word(w);
    b->list.Attributes[0] = (PS_ATTRIBUTE){PS_ATTRIBUTE_IMAGE_NAME, n * 2, {0}, NULL};
    b->list.Attributes[0].ValuePtr =
        fz_chance(w, 95) ? (void *)b->image : (void *)fz_bad_pointer(w);
    b->info.Size = fz_chance(w, 90) ? sizeof b->info : fz_word(w);
    A[0] = fz_chance(w, 95) ? (uint32_t)(uintptr_t)&w->spawned[0] : fz_bad_pointer(w);
    A[1] = fz_chance(w, 95) ? (uint32_t)(uintptr_t)&w->spawned[1] : fz_bad_pointer(w);
    A[2] = fz_access(w);
    A[3] = fz_access(w);
    A[4] = fz_chance(w, 80) ? 0 : fz_object_attributes(w);
    A[5] = fz_chance(w, 80) ? 0 : fz_object_attributes(w);
    A[6] = fz_chance(w, 80) ? 0 : fz_word(w);
    A[7] = fz_chance(w, 90) ? THREAD_CREATE_FLAGS_CREATE_SUSPENDED : 0x80u | fz_random(w);
    A[8] = fz_chance(w, 95) ? (uint32_t)(uintptr_t)p : fz_bad_pointer(w);
    A[9] = fz_chance(w, 95) ? (uint32_t)(uintptr_t)&b->info : fz_bad_pointer(w);
    A[10] = fz_chance(w, 95) ? (uint32_t)(uintptr_t)&b->list : fz_bad_pointer(w);
    c->after = end_child;
}

/* ---- the table, from the generated list ---- */
#define ENTRY(name, argc) [PAGODA_SERVICE_##name] = {#name, argc, fz_shape_##name},
const struct fz_service fz_services[PAGODA_SERVICE_COUNT] = {PAGODA_SERVICE_LIST(ENTRY)};
#undef ENTRY

/* ---- NtContinue ----
 * A context it could resume with would send the worker anywhere, so the fuzzer gives it only
 * unreadable contexts, or a readable one whose ContextFlags name nothing to restore (then only the
 * return path changes: NtContinue returns through iret and every register survives). */
static CONTEXT empty_context;

SHAPE(NtContinue)
{
    uint32_t bad = fz_bad_pointer(w);
    if (fz_chance(w, 50) && bad != KUSER_SHARED_DATA_ADDRESS) { /* that page can be read */
        A[0] = bad;
    } else {
        empty_context.ContextFlags = fz_chance(w, 50) ? 0 : 0x00010000u; /* CONTEXT_i386 alone */
        A[0] = (uint32_t)(uintptr_t)&empty_context;
    }
    A[1] = boolean(w);
}
