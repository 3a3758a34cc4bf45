/* tests/user/fuzz/worker.c: a fuzzing worker's loop: pick a service (sometimes a number past the
 * table), let its shape build the arguments, choose the entry (int 0x2E, the SystemCall stub or
 * sysenter), random EBX/ESI/EDI/EBP/ESP and EFLAGS, an argument pointer that is sometimes
 * unreadable, make the call and check what the kernel preserved. Also the threads the fuzzer's
 * NtCreateThread calls start. */
#include "kernel/rtl/format.h"
#include "tests/user/fuzz/fuzz.h"

#define EFLAGS_CF    0x1u
#define EFLAGS_PF    0x4u
#define EFLAGS_AF    0x10u
#define EFLAGS_ZF    0x40u
#define EFLAGS_SF    0x80u
#define EFLAGS_TF    0x100u
#define EFLAGS_IF    0x200u
#define EFLAGS_DF    0x400u
#define EFLAGS_OF    0x800u
#define EFLAGS_NT    0x4000u
#define EFLAGS_AC    0x40000u
#define EFLAGS_ARITH (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF)
#define EFLAGS_FIXED (EFLAGS_IF | 0x2u) /* what user mode always has */
#define USER_DS      0x23u
#define USER_TEB     0x3Bu

volatile uint32_t fz_service_calls[PAGODA_SERVICE_COUNT + 1];
volatile uint32_t fz_service_successes[PAGODA_SERVICE_COUNT + 1];

static const char *const path_names[] = {"int 0x2e", "SystemCall", "sysenter", "sysenter+EDX"};

/* ---- building a call ---- */

static uint32_t unknown_service(struct fz_worker *w)
{
    static const uint32_t numbers[] = {PAGODA_SERVICE_COUNT,
                                       PAGODA_SERVICE_COUNT + 1,
                                       0x0FFF,
                                       0x1000,
                                       0x1001,
                                       0x3000,
                                       0x7FFFFFFF,
                                       0x80000000u,
                                       0xFFFFFFFFu};
    return fz_chance(w, 50) ? FZ_PICK(w, numbers) : PAGODA_SERVICE_COUNT + fz_random(w) % 0x2000;
}

void fz_build_call(struct fz_worker *w, struct fz_call *c)
{
    memset(c, 0, sizeof *c);
    c->number = fz_chance(w, 3) ? unknown_service(w) : fz_below(w, PAGODA_SERVICE_COUNT);
    if (c->number >= PAGODA_SERVICE_COUNT) {
        c->argc = FZ_MAX_ARGS;
        fz_generic_shape(w, c);
        return;
    }
    /* Never generic words for a shaped service: a shape also keeps the fuzzer alive (a CONTEXT
     * from random bytes would start a thread anywhere, a NULL NtTerminateProcess would end all). */
    const struct fz_service *s = &fz_services[c->number];
    c->argc = s->argc;
    if (s->shape)
        s->shape(w, c);
    else
        fz_generic_shape(w, c);
}

/* ---- making it ---- */

/* EFLAGS for a call: random arithmetic flags, DF and AC; NT where the mode allows it (int 0x2E
 * always: the gate clears it and iret restores it; sysenter keeps it, which the kernel must not
 * mind, only with flags=all). */
static uint32_t random_eflags(struct fz_worker *w, enum fz_path path)
{
    uint32_t f = (fz_random(w) & EFLAGS_ARITH) | EFLAGS_FIXED;
    if (fz_chance(w, 30))
        f |= EFLAGS_DF;
    if (fz_chance(w, 20))
        f |= EFLAGS_AC;
    if (fz_chance(w, 15) && (path == FZ_PATH_INT || fz_options.flags == FZ_FLAGS_ALL))
        f |= EFLAGS_NT;
    return f;
}

static enum fz_path random_path(struct fz_worker *w)
{
    uint32_t n = fz_below(w, fz_has_sysenter ? 3 : 2);
    return (enum fz_path)n;
}

/* EDX for int 0x2E: the arguments, or (sometimes) a block that cannot be read whole: NULL, system
 * space, or the end of the shared page so that the block runs off it. Never readable memory with
 * other contents: the words there would be the arguments (a NULL process handle ends every thread).
 * A misaligned block comes from a misaligned ESP, with the right words in it. */
static uint32_t argument_pointer(struct fz_worker *w, uint32_t arguments, uint32_t argc)
{
    if (fz_chance(w, 92))
        return arguments;
    switch (fz_below(w, 3)) {
    case 0: return 0;
    case 1: /* k < argc words fit before the end of the page */
        return KUSER_SHARED_DATA_ADDRESS + 4096 - 4 * (argc > 1 ? 1 + fz_below(w, argc - 1) : 0);
    default: return fz_bad_pointer(w) | 0x80000000u;
    }
}

static void describe(char *buf, size_t size, const struct fz_call *c)
{
    const char *name = c->number < PAGODA_SERVICE_COUNT ? fz_services[c->number].name : "(none)";
    int n = rtl_snprintf(buf, size, "service 0x%X %s(", c->number, name);
    for (uint32_t i = 0; i < c->argc && n > 0 && (size_t)n < size; i++)
        n += rtl_snprintf(buf + n, size - (size_t)n, "%s0x%X", i ? ", " : "", c->args[i]);
    if (n > 0 && (size_t)n < size)
        rtl_snprintf(buf + n, size - (size_t)n, ")");
}

static void check(struct fz_worker *w, const struct fz_call *c, const struct fz_regs *r,
                  uint32_t expected_esp)
{
    char what[160] = "";
    int n = 0;
#define COMPARE(field, want)                                                                       \
    if (r->field != (want) && n >= 0 && (size_t)n < sizeof what)                                   \
        n += rtl_snprintf(what + n, sizeof what - (size_t)n, " %s 0x%X became 0x%X", #field + 4,   \
                          (uint32_t)(want), r->field);
    COMPARE(out_ebx, r->ebx);
    COMPARE(out_esi, r->esi);
    COMPARE(out_edi, r->edi);
    COMPARE(out_ebp, r->ebp);
    COMPARE(out_esp, expected_esp);
    COMPARE(out_ds, USER_DS);
    COMPARE(out_es, USER_DS);
    COMPARE(out_fs, USER_TEB);
    COMPARE(out_ss, USER_DS);
    /* EFLAGS: exactly the caller's through int 0x2E; through sysenter only with flags=all (the
     * suite's mode; flags=safe is for a kernel whose fast path does not give the caller's flags
     * back). */
    if (r->path == FZ_PATH_INT || fz_options.flags == FZ_FLAGS_ALL)
        COMPARE(out_eflags, r->eflags);
#undef COMPARE
    if (n == 0)
        return;
    char call[400];
    describe(call, sizeof call, c);
    fz_report("seed %u worker %u.%u call %u (run #%u): %s via %s, EFLAGS 0x%X, EDX 0x%X ->"
              " status 0x%X:%s",
              fz_options.seed, w->slot, w->generation, w->calls, (uint32_t)c->index, call,
              path_names[r->path], r->eflags, r->edx, r->eax, what);
}

/* Lays the arguments out on the worker's call stack at a random, sometimes misaligned, ESP:
 * [ESP] is the dummy slot a stub's caller would have, the arguments follow. */
static uint32_t lay_out(struct fz_worker *w, const struct fz_call *c)
{
    uint32_t low = (uint32_t)(uintptr_t)&w->stack[64];
    uint32_t esp = low + 4 * fz_below(w, 64) + (fz_chance(w, 15) ? 1 + fz_below(w, 3) : 0);
    uint32_t words[FZ_MAX_ARGS + 1] = {0xDEADBEEFu};
    memcpy(words + 1, c->args, c->argc * sizeof(uint32_t));
    memcpy((void *)(uintptr_t)esp, words, (c->argc + 1) * sizeof(uint32_t));
    return esp;
}

NTSTATUS fz_make_call(struct fz_worker *w, struct fz_call *c, enum fz_path path,
                      uint32_t flags_extra)
{
    struct fz_regs r = {.eax = c->number, .path = path};
    r.esp = lay_out(w, c);
    r.edx = path == FZ_PATH_INT ? argument_pointer(w, r.esp + 4, c->argc) : 0;
    r.ebx = fz_random(w), r.esi = fz_random(w), r.edi = fz_random(w), r.ebp = fz_random(w);
    r.eflags = random_eflags(w, path) | flags_extra;
    w->current = *c;
    w->current_path = path;
    w->current_eflags = r.eflags;
    w->busy = 1;
    fz_raw_call(&r);
    w->busy = 0;
    w->progress = rt_tick_count();
    check(w, c, &r, r.esp);
    return (NTSTATUS)r.eax;
}

/* ---- the loop ---- */

static void account(struct fz_worker *w, struct fz_call *c, NTSTATUS status)
{
    uint32_t k = c->number < PAGODA_SERVICE_COUNT ? c->number : PAGODA_SERVICE_COUNT;
    fz_atomic_add(&fz_service_calls[k], 1);
    if (c->number == PAGODA_SERVICE_NtGetTickCount || !NT_SUCCESS(status))
        return;
    fz_atomic_add(&fz_service_successes[k], 1);
    if (c->closes)
        fz_forget(w, c->closes);
    if (c->out_handle && c->out_kind != FZ_NONE)
        fz_remember(w, *(volatile HANDLE *)c->out_handle, c->out_kind);
}

NTSTATUS fz_worker_main(void *arg)
{
    struct fz_worker *w = arg;
    for (;;) {
        struct fz_call c;
        uint32_t index = fz_atomic_add(&fz_calls_started, 1);
        if (index >= fz_options.calls)
            break;
        fz_build_call(w, &c);
        c.index = index;
        NTSTATUS status = fz_make_call(w, &c, random_path(w), 0);
        w->calls++;
        account(w, &c, status);
        if (c.after)
            c.after(w, &c, status);
    }
    return STATUS_SUCCESS;
}

/* ---- threads created by NtCreateThread calls ---- */

/* The registers a fuzzed CONTEXT gives a thread are a pattern made from EBX (shapes.c), so the
 * thread can tell whether it started with its own context. */
uint32_t fz_context_pattern(uint32_t seed, uint32_t i)
{
    uint32_t x = seed * 0x9E3779B1u + i * 0x85EBCA77u;
    return x ^ (x >> 15);
}

/* regs: ECX, EDX, ESI, EDI, EBP, EBX as the thread started (call.asm's fz_thread_entry). */
void fz_thread_main(const uint32_t regs[6]);
void fz_thread_main(const uint32_t regs[6])
{
    uint32_t seed = regs[5];
    static const char *const names[] = {"ECX", "EDX", "ESI", "EDI", "EBP"};
    fz_atomic_add(&fz_thread_entries, 1);
    for (uint32_t i = 0; i < 5; i++)
        if (regs[i] != fz_context_pattern(seed, i))
            fz_report("a fuzzed thread (EBX 0x%X) started with %s 0x%X, its CONTEXT said 0x%X",
                      seed, names[i], regs[i], fz_context_pattern(seed, i));
    if (seed & 1)
        NtYieldExecution();
    if (seed & 2) {
        LARGE_INTEGER_QUAD delay = -10000 * (LARGE_INTEGER_QUAD)(seed >> 28);
        NtDelayExecution(0, &delay);
    }
    NtTerminateThread(NtCurrentThread(), (NTSTATUS)seed);
}
