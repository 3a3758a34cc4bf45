/* tests/user/fuzz/vm.c: the shapes of the virtual-memory and section services, and what keeps the
 * fuzzer alive while they run on its own address space (docs/fuzzing.md, "The VM services").
 *
 *   own process:  [ image | stacks, TEBs, PEB: never destroyed ] [ arena: anything goes ]
 *                 [ a worker's transient region: made, touched and released by that worker only ]
 *   the target:   anything goes (the kernel test's throwaway process; it may die)
 *
 * A call that can destroy memory (free, decommit, protect, commit over, reset, unmap) names in the
 * fuzzer's own process only the arena, addresses that are no memory at all, or ranges the kernel
 * must refuse. Memory the kernel places (NULL bases) is the worker's transient region, or is
 * released at once when it would push stacks or TEBs towards the arena. */
#include "tests/user/fuzz/fuzz.h"

#define ARENA_START 0x60000000u /* bottom-up stacks and top-down TEBs never get this far */
#define ARENA_END   0x70000000u
#define SMALL_MAX   (16u << 20) /* the largest region the kernel may place in the own process */
#define TOUCH_PAGES 32
#define SWEEP_EVERY 200 /* VM calls of a worker between two sweeps of the arenas */
#define SHAPE(name) void fz_shape_##name(struct fz_worker *w, struct fz_call *c)
#define A           (c->args)

HANDLE fz_target[3]; /* the target process: all access, VM operations only, query only */
HANDLE fz_own_vm; /* the own process with VM operations and queries, never closed */

/* Huge sizes that no NULL base can take in a 2 GiB address space. */
static const uint32_t huge_sizes[] = {0x7FFF0000u, 0x80000000u, 0xFFFFFFFFu,
                                      0xFFFFF000u, 0xC0000000u, 0x7FFFFFFFu};

static bool in_arena(uint32_t a) { return a >= ARENA_START && a < ARENA_END; }

bool fz_is_target(uint32_t h)
{
    for (int i = 0; i < 3; i++)
        if (fz_target[i] && (h & ~3u) == (uint32_t)(uintptr_t)fz_target[i])
            return true;
    return false;
}

/* ---- whose address space ---- */

/* The process of a VM call: own (NtCurrentProcess or fz_own_vm: results are tracked), target
 * (anything goes), or maybe (any other handle, which may name the own process: own rules, and
 * nothing it makes is tracked, so it may only make memory in the arena). */
static uint32_t vm_process(struct fz_worker *w)
{
    uint32_t r = fz_below(w, 100), h;
    if (fz_target[0] && r < 35) {
        w->vm.who = FZ_VM_TARGET;
        return (uint32_t)(uintptr_t)fz_target[r < 25 || w->vm.good ? 0 : r < 30 ? 1 : 2];
    }
    if (r < 88 || w->vm.good) {
        w->vm.who = FZ_VM_OWN;
        return r < 78 ? 0xFFFFFFFFu : (uint32_t)(uintptr_t)fz_own_vm;
    }
    w->vm.who = FZ_VM_MAYBE;
    do
        h = fz_handle(w, r < 94 ? FZ_PROCESS : FZ_NONE);
    while (fz_is_target(h));
    return h;
}

/* ---- addresses ---- */

static uint32_t arena_address(struct fz_worker *w)
{
    uint32_t a = ARENA_START + fz_below(w, ARENA_END - ARENA_START);
    uint32_t r = fz_below(w, 10);
    return r < 4 ? a & ~0xFFFFu : r < 8 ? a & ~0xFFFu : a;
}

/* A region remembered for the process kind, a view when one is wanted and there is one. */
static const struct fz_region *hint(struct fz_worker *w, bool target, bool view)
{
    const struct fz_region *set = target ? w->vm.target : w->vm.hints;
    uint32_t start = fz_below(w, FZ_VM_REGIONS);
    for (uint32_t i = 0; view && i < FZ_VM_REGIONS; i++)
        if (set[(start + i) % FZ_VM_REGIONS].size && set[(start + i) % FZ_VM_REGIONS].view)
            return &set[(start + i) % FZ_VM_REGIONS];
    return &set[start];
}

/* Inside (or just past) a region remembered for the process kind, else the arena. */
static uint32_t hint_address(struct fz_worker *w, bool target)
{
    const struct fz_region *r = hint(w, target, fz_chance(w, 30));
    if (!r->size)
        return arena_address(w);
    switch (fz_below(w, 6)) {
    case 0:
    case 1: return r->base;
    case 2: return r->base + (fz_below(w, r->size) & ~0xFFFu);
    case 3: return r->base + fz_below(w, r->size);
    case 4: return r->base + r->size;
    default: return r->base + (r->size & ~0xFFFu) - 0x1000u;
    }
}

/* Addresses that are no memory of the fuzzer's: below 64 KiB, the shared page and NT's reserved
 * block after it, past user space, system space. */
static uint32_t outside_address(struct fz_worker *w)
{
    static const uint32_t outside[] = {0x1000u,     0xFFFFu,     0x7FFE0000u, 0x7FFE0800u,
                                       0x7FFE1000u, 0x7FFEF000u, 0x7FFEFFFFu, 0x7FFF0000u,
                                       0x7FFFFFFFu, 0x80000000u, 0xBFFF0000u, 0xC0000000u,
                                       0xC0300000u, 0xFFFFF000u, 0xFFFFFFFFu, 0x00000FFFu};
    return FZ_PICK(w, outside);
}

/* Where a call that may destroy memory can point in the own process. */
static uint32_t destructive_address(struct fz_worker *w)
{
    uint32_t r = fz_below(w, 100);
    return r < 45 ? hint_address(w, false) : r < 75 ? arena_address(w) : outside_address(w);
}

static PAGODA_TEB *own_teb(void)
{
    PAGODA_TEB *teb;
    __asm__("mov %%fs:0x18, %0" : "=r"(teb));
    return teb;
}

/* Anywhere: the fuzzer's image, its stack and TEB, the PEB, the top of user space, random words,
 * and everything destructive_address gives. Only for calls that cannot destroy memory. */
static uint32_t any_address(struct fz_worker *w)
{
    uint32_t image = fz_image_start, image_size = fz_image_end - fz_image_start;
    PAGODA_TEB *teb = own_teb();
    uint32_t stack = (uint32_t)(uintptr_t)teb->DeallocationStack;
    uint32_t stack_size = (uint32_t)(uintptr_t)teb->NtTib.StackBase - stack;
    switch (fz_below(w, 12)) {
    case 0: return image + fz_below(w, image_size);
    case 1: return stack + (fz_below(w, stack_size) & ~0xFFFu);
    case 2: return fz_chance(w, 50) ? (uint32_t)(uintptr_t)teb : 0x7FFDF000u; /* the PEB */
    case 3: return 0x7FFD0000u + (fz_below(w, 0x10000) & ~0xFFFu);
    case 4:
        return w->vm.transient.size ? w->vm.transient.base + fz_below(w, w->vm.transient.size) : 0;
    case 5: return fz_random(w);
    case 6: return fz_random(w) & ~0xFFFFu;
    case 7: return 0;
    default: return destructive_address(w);
    }
}

/* The target's own image, stack and TEB are fair game, but rarely: a thread the fuzzer starts
 * there (NtCreateThread) runs its code. */
static uint32_t target_address(struct fz_worker *w)
{
    uint32_t r = fz_below(w, 100);
    return r < 50   ? hint_address(w, true)
           : r < 80 ? arena_address(w)
           : r < 92 ? outside_address(w)
                    : any_address(w);
}

/* ---- sizes, types, protections ---- */

static uint32_t small_size(struct fz_worker *w)
{
    static const uint32_t sizes[] = {0,        1,        0xFFFu,    0x1000u,   0x1001u,
                                     0x2000u,  0x3000u,  0xFFFFu,   0x10000u,  0x10001u,
                                     0x11000u, 0x20000u, 0x100000u, 0x400000u, SMALL_MAX};
    if (fz_chance(w, 50))
        return 0x1000u * (1 + fz_below(w, 16)) + (fz_chance(w, 10) ? fz_below(w, 0x1000) : 0);
    return FZ_PICK(w, sizes);
}

/* A size for a region at base: anything for the target; in the own process, one that keeps a
 * region the kernel might make in the arena, or small, or too big for any address. */
static uint32_t vm_size(struct fz_worker *w, uint32_t base)
{
    static const uint32_t big[] = {0x2000000u, 0x10000000u, 0x20000000u, 0x40000000u};
    uint32_t r = fz_below(w, 100);
    if (r < 75)
        return small_size(w);
    if (r < 85)
        return FZ_PICK(w, huge_sizes);
    if (in_arena(base))
        return ARENA_END - base - (fz_chance(w, 50) ? 0 : fz_below(w, ARENA_END - base));
    if (w->vm.who == FZ_VM_TARGET)
        return fz_chance(w, 50) ? FZ_PICK(w, big) : 0x7FFE0000u - (base & 0x7FFFFFFFu);
    return small_size(w);
}

/* Keeps what the kernel may place in the own process within the rules above: a size no range can
 * take when nothing made could be tracked, or a small one. */
static uint32_t creating_size(struct fz_worker *w, uint32_t base, uint32_t size)
{
    if (w->vm.who == FZ_VM_TARGET || size >= huge_sizes[0])
        return size;
    if (in_arena(base))
        return size <= ARENA_END - base ? size : FZ_PICK(w, huge_sizes);
    if (w->vm.who == FZ_VM_MAYBE)
        return FZ_PICK(w, huge_sizes);
    return MIN(size, SMALL_MAX);
}

/* What a protection is for: which values are valid differs. */
enum protection_use { FOR_PRIVATE, FOR_VIEW, FOR_SECTION };

/* Valid for the use in a plausible call (w->vm.good); else any base value, with PAGE_GUARD or
 * PAGE_NOCACHE, both, unknown bits, PAGE_WRITECOMBINE. */
static uint32_t protection(struct fz_worker *w, enum protection_use use)
{
    static const uint32_t bases[] = {
        PAGE_NOACCESS, PAGE_READONLY,     PAGE_READWRITE,         PAGE_WRITECOPY,
        PAGE_EXECUTE,  PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY};
    static const uint32_t private_ok[] = {PAGE_NOACCESS, PAGE_READONLY,     PAGE_READWRITE,
                                          PAGE_EXECUTE,  PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE};
    static const uint32_t odd[] = {0,
                                   PAGE_WRITECOMBINE | PAGE_READWRITE,
                                   PAGE_GUARD,
                                   PAGE_NOCACHE,
                                   PAGE_READONLY | PAGE_READWRITE,
                                   0x800u,
                                   0xFFFFFFFFu,
                                   0x3u};
    uint32_t r = fz_below(w, 100);
    if (w->vm.good) {
        if (use != FOR_PRIVATE)
            return r < 40 ? PAGE_READWRITE : bases[1 + fz_below(w, 7)];
        uint32_t p = r < 40 ? PAGE_READWRITE : FZ_PICK(w, private_ok);
        return p == PAGE_NOACCESS || r % 5 ? p : p | (r & 1 ? PAGE_GUARD : PAGE_NOCACHE);
    }
    uint32_t p = FZ_PICK(w, bases);
    if (r < 50)
        return p;
    if (r < 70)
        return p | PAGE_GUARD;
    if (r < 85)
        return p | PAGE_NOCACHE;
    if (r < 88)
        return p | PAGE_GUARD | PAGE_NOCACHE;
    return r < 97 ? FZ_PICK(w, odd) : fz_random(w);
}

static uint32_t allocation_type(struct fz_worker *w)
{
    static const uint32_t common[] = {MEM_COMMIT | MEM_RESERVE,
                                      MEM_RESERVE,
                                      MEM_COMMIT,
                                      MEM_RESET,
                                      MEM_RESERVE | MEM_TOP_DOWN,
                                      MEM_COMMIT | MEM_RESERVE | MEM_TOP_DOWN};
    static const uint32_t bits[] = {MEM_COMMIT,      MEM_RESERVE,  MEM_RESET,       MEM_TOP_DOWN,
                                    MEM_WRITE_WATCH, MEM_PHYSICAL, MEM_LARGE_PAGES, MEM_DECOMMIT};
    uint32_t r = fz_below(w, 100), type = 0;
    if (w->vm.good || r < 40)
        return FZ_PICK(w, common);
    if (r < 95) {
        for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
            type |= fz_chance(w, 30) ? bits[i] : 0;
        return type;
    }
    return fz_random(w);
}

static uint32_t zero_bits(struct fz_worker *w)
{
    uint32_t r = fz_below(w, 100);
    return w->vm.good || r < 70 ? 0 : r < 95 ? fz_below(w, 24) : fz_random(w);
}

/* ---- in/out arguments ---- */

/* A pointer-sized in/out argument holding value: the prepared slot, the slot misaligned (the value
 * written at that address), or unreadable. The kernel's answer is read back from w->vm.out[i]. */
static uint32_t inout(struct fz_worker *w, uint32_t i, uint32_t value)
{
    uint8_t *slot = w->vm.slots[i];
    uint32_t at = !w->vm.good && fz_chance(w, 20) ? 1 + fz_below(w, 3) : 0;
    memset(slot, 0, sizeof w->vm.slots[i]);
    memcpy(slot + at, &value, sizeof value);
    w->vm.out[i] = slot + at;
    if (!w->vm.good && fz_chance(w, 10)) {
        w->vm.out[i] = NULL;
        return fz_bad_pointer(w) | (fz_chance(w, 50) ? 0x80000000u : 0);
    }
    return (uint32_t)(uintptr_t)(slot + at);
}

static uint32_t read_out(struct fz_worker *w, uint32_t i)
{
    uint32_t v = 0;
    if (w->vm.out[i])
        memcpy(&v, w->vm.out[i], sizeof v);
    return v;
}

/* An output: the worker's slot in a plausible call, else anything fz_output gives. */
static uint32_t output(struct fz_worker *w, void *slot, uint32_t size)
{
    return w->vm.good ? (uint32_t)(uintptr_t)slot : fz_output(w, slot, size);
}

/* A range inside a remembered region (a view when wanted): whole, a page run, or one page. */
static bool hint_range(struct fz_worker *w, bool view, uint32_t *base, uint32_t *size)
{
    const struct fz_region *r = hint(w, w->vm.who == FZ_VM_TARGET, view);
    if (!r->size)
        return false;
    uint32_t pages = (r->size + 0xFFFu) / 0x1000u, first = fz_below(w, pages);
    switch (fz_below(w, 3)) {
    case 0: *base = r->base, *size = fz_chance(w, 50) ? 0 : r->size; break;
    case 1:
        *base = r->base + first * 0x1000u, *size = (1 + fz_below(w, pages - first)) * 0x1000u;
        break;
    default: *base = r->base + first * 0x1000u + fz_below(w, 0x1000), *size = 1; break;
    }
    return true;
}

/* Starts a VM call: the process, and whether this one is plausible (every argument valid, the
 * address in a region the worker made) or anything. */
static void begin(struct fz_worker *w, struct fz_call *c, uint32_t process_arg, bool sweeps)
{
    if (sweeps && ++w->vm.calls % SWEEP_EVERY == 0)
        fz_vm_sweep(w);
    w->vm.good = fz_chance(w, 60);
    A[process_arg] = vm_process(w);
    c->after = fz_vm_after;
    c->made = FZ_VM_MADE_NOTHING;
}

/* A base and size for a call that may destroy memory: in a plausible call a region made before,
 * else where the rules allow (size 0: the whole region). */
static void destroy_range(struct fz_worker *w, uint32_t *base, uint32_t *size, bool view)
{
    if (w->vm.good && hint_range(w, view, base, size))
        return;
    *base = w->vm.who == FZ_VM_TARGET ? target_address(w) : destructive_address(w);
    *size = fz_chance(w, 30) ? 0 : vm_size(w, *base);
}

/* ---- the shapes ---- */

SHAPE(NtAllocateVirtualMemory)
{
    begin(w, c, 0, true);
    uint32_t type = allocation_type(w), base, size = 0;
    uint32_t r = fz_below(w, 100);
    if (!(type & MEM_RESERVE) && r < 60 && hint_range(w, false, &base, &size)) {
        /* commit, reset or re-protect inside a region made before */
    } else if (w->vm.who == FZ_VM_TARGET) {
        base = r < 30 ? 0 : target_address(w);
    } else if (type & MEM_RESERVE) { /* a reservation never destroys: it conflicts */
        base = r < 25   ? 0
               : r < 65 ? arena_address(w)
               : r < 75 ? hint_address(w, false)
                        : any_address(w);
    } else {
        base = r < 75 ? 0 : destructive_address(w);
    }
    bool creating = !(type & MEM_RESET) && (base == 0 || (type & MEM_RESERVE));
    if (!size)
        size = w->vm.good ? small_size(w) : vm_size(w, base);
    if (creating)
        size = creating_size(w, base, size);
    A[1] = inout(w, 0, base);
    A[2] = zero_bits(w);
    A[3] = inout(w, 1, size);
    A[4] = type;
    A[5] = protection(w, FOR_PRIVATE);
    c->made = creating ? FZ_VM_MADE_PRIVATE : FZ_VM_MADE_NOTHING;
}

SHAPE(NtFreeVirtualMemory)
{
    static const uint32_t types[] = {MEM_RELEASE | MEM_DECOMMIT, 0, MEM_COMMIT, MEM_FREE};
    begin(w, c, 0, true);
    uint32_t base, size, r = fz_below(w, 100);
    destroy_range(w, &base, &size, false);
    A[1] = inout(w, 0, base);
    A[2] = inout(w, 1, size);
    A[3] = r < 45 || (w->vm.good && r < 70) ? MEM_RELEASE
           : r < 88 || w->vm.good           ? MEM_DECOMMIT
           : r < 97                         ? FZ_PICK(w, types)
                                            : fz_random(w);
}

SHAPE(NtProtectVirtualMemory)
{
    begin(w, c, 0, true);
    uint32_t base, size;
    destroy_range(w, &base, &size, fz_chance(w, 30));
    A[1] = inout(w, 0, base);
    A[2] = inout(w, 1, size || w->vm.good ? MAX(size, 1u) : 0);
    A[3] = protection(w, fz_chance(w, 70) ? FOR_PRIVATE : FOR_VIEW);
    A[4] = w->vm.good || fz_chance(w, 95) ? output(w, &w->vm.old_protect, 4) : 0;
}

SHAPE(NtQueryVirtualMemory)
{
    begin(w, c, 0, false);
    uint32_t base, size;
    if (fz_chance(w, 40) && hint_range(w, false, &base, &size))
        A[1] = base;
    else
        A[1] = w->vm.who == FZ_VM_TARGET ? target_address(w) : any_address(w);
    A[2] = w->vm.good || fz_chance(w, 60) ? MemoryBasicInformation
                                          : fz_random(w) & (fz_chance(w, 50) ? 7 : ~0u);
    uint32_t r = fz_below(w, 100);
    if (w->vm.good || r < 50) {
        A[3] = (uint32_t)(uintptr_t)fz_scratch(w, sizeof(MEMORY_BASIC_INFORMATION)) & ~3u;
        A[4] = sizeof(MEMORY_BASIC_INFORMATION) + (w->vm.good ? 0 : fz_below(w, 8));
    } else if (r < 65 && fz_vm_buffer(w, &A[3], &A[4])) {
        A[4] = MIN(A[4], 64u);
    } else {
        fz_buffer(w, &A[3], &A[4]);
    }
    A[5] = fz_chance(w, 30) ? 0 : output(w, &w->vm.old_protect, 4);
}

/* ---- sections ---- */

static uint32_t section_attributes(struct fz_worker *w)
{
    static const uint32_t good[] = {SEC_COMMIT,
                                    SEC_COMMIT,
                                    SEC_RESERVE,
                                    SEC_COMMIT | SEC_NOCACHE,
                                    SEC_RESERVE | SEC_FILE,
                                    SEC_COMMIT | SEC_FILE};
    static const uint32_t bad[] = {SEC_IMAGE, SEC_COMMIT | SEC_RESERVE, SEC_IMAGE | SEC_COMMIT,
                                   SEC_LARGE_PAGES | SEC_COMMIT, 0};
    uint32_t r = fz_below(w, 100);
    return w->vm.good || r < 60 ? FZ_PICK(w, good) : r < 95 ? FZ_PICK(w, bad) : fz_random(w);
}

/* MaximumSize: small mostly; for a file, sizes under 1 MiB (a larger writable section extends the
 * file, writing zeros); pagefile sections that commit stay small, reserved ones may be huge. */
static LARGE_INTEGER_QUAD section_size(struct fz_worker *w, bool file, uint32_t attributes)
{
    static const LARGE_INTEGER_QUAD odd[] = {
        -1, -0x1000, (LARGE_INTEGER_QUAD)1 << 40, 0xFFFFF001ll, 0x100000000ll, 0x40000000ll};
    uint32_t r = fz_below(w, 100);
    if (r < 10)
        return 0;
    if (r < 85 || w->vm.good)
        return fz_chance(w, 70) ? 0x1000 * (LARGE_INTEGER_QUAD)(1 + fz_below(w, 64))
                                : (LARGE_INTEGER_QUAD)fz_below(w, file ? 0x100000 : 0x40000);
    if (r < 95)
        return odd[fz_below(w, ARRAY_SIZE(odd))];
    return !file && (attributes & SEC_RESERVE) ? (LARGE_INTEGER_QUAD)SMALL_MAX << fz_below(w, 7)
                                               : 0x100000;
}

/* Names of their own mostly (\BaseNamedObjects\fzsN), so that opens find sections; else the
 * names events, semaphores and mutants use. */
static uint32_t section_object_attributes(struct fz_worker *w)
{
    w->section_names = fz_chance(w, 75);
    uint32_t oa = fz_object_attributes(w);
    w->section_names = false;
    return oa;
}

/* Remembers the size of a section this worker made, so that views can fit it. */
static void section_made(struct fz_worker *w, struct fz_call *c, NTSTATUS status)
{
    if (!NT_SUCCESS(status) || !c->out_handle || A[3] != (uint32_t)(uintptr_t)&w->vm.section_size)
        return;
    struct fz_section *s = &w->vm.sections[fz_below(w, FZ_VM_REGIONS)];
    s->handle = *(volatile HANDLE *)c->out_handle;
    s->size = (uint32_t)w->vm.section_size;
}

SHAPE(NtCreateSection)
{
    static const uint32_t access[] = {SECTION_ALL_ACCESS, SECTION_MAP_READ | SECTION_MAP_WRITE,
                                      SECTION_MAP_READ, SECTION_QUERY,
                                      SECTION_MAP_EXECUTE | SECTION_MAP_READ};
    w->vm.good = fz_chance(w, 60);
    uint32_t r = fz_below(w, 100);
    A[0] = fz_handle_output(w, c, FZ_SECTION);
    if (w->vm.good) {
        w->out_handle = NULL;
        c->out_handle = &w->out_handle;
        c->out_kind = FZ_SECTION;
        A[0] = (uint32_t)(uintptr_t)&w->out_handle;
    }
    A[1] = w->vm.good ? SECTION_ALL_ACCESS : fz_chance(w, 60) ? FZ_PICK(w, access) : fz_access(w);
    A[2] = fz_chance(w, 60) ? 0 : section_object_attributes(w);
    A[5] = section_attributes(w);
    A[6] = r < 60 ? 0 : r < 95 || w->vm.good ? fz_handle(w, FZ_FILE) : fz_handle(w, FZ_NONE);
    w->vm.section_size = section_size(w, A[6] != 0, A[5]);
    A[3] = w->vm.good || fz_chance(w, 85) ? (uint32_t)(uintptr_t)&w->vm.section_size
           : fz_chance(w, 50)             ? 0
                                          : fz_input(w, &w->vm.section_size);
    A[4] = protection(w, FOR_SECTION);
    c->after = section_made;
}

SHAPE(NtOpenSection)
{
    A[0] = fz_handle_output(w, c, FZ_SECTION);
    A[1] = fz_access(w);
    A[2] = section_object_attributes(w);
}

static uint32_t section_offset(struct fz_worker *w)
{
    static const LARGE_INTEGER_QUAD odd[] = {
        0x1000, 0x10001, -1, -0x10000, (LARGE_INTEGER_QUAD)1 << 40, 0xFFFF0000ll};
    uint32_t r = fz_below(w, 100);
    w->vm.offset_given = r >= 20;
    if (r < 20)
        return 0;
    w->vm.offset = r < 60 || (w->vm.good && r < 80) ? 0
                   : r < 85 || w->vm.good           ? 0x10000 * (LARGE_INTEGER_QUAD)fz_below(w, 8)
                                                    : odd[fz_below(w, ARRAY_SIZE(odd))];
    return w->vm.good || fz_chance(w, 95) ? (uint32_t)(uintptr_t)&w->vm.offset
                                          : fz_input(w, &w->vm.offset);
}

/* A view's base: NULL (the kernel places it), the arena, or (own process) anywhere, where it can
 * only conflict or land in free memory. */
static uint32_t view_base(struct fz_worker *w)
{
    uint32_t r = fz_below(w, 100);
    if (w->vm.who == FZ_VM_TARGET)
        return r < 40 ? 0 : target_address(w);
    if (w->vm.who == FZ_VM_MAYBE)
        return r < 20 ? 0 : r < 60 ? arena_address(w) & ~0xFFFFu : hint_address(w, false);
    if (w->vm.good)
        return r < 50 ? 0 : arena_address(w) & ~0xFFFFu;
    return r < 45   ? 0
           : r < 70 ? arena_address(w) & ~0xFFFFu
           : r < 80 ? hint_address(w, false)
                    : any_address(w);
}

/* A view's size: 0 (the whole section), or one that fits a section this worker made. */
static uint32_t view_size(struct fz_worker *w, const struct fz_section *s, uint32_t base)
{
    uint32_t offset = w->vm.offset_given ? (uint32_t)w->vm.offset : 0;
    if (!s || !s->size || offset >= s->size || (!w->vm.good && fz_chance(w, 20)))
        return fz_chance(w, 30) ? 0 : w->vm.good ? small_size(w) : vm_size(w, base);
    uint32_t room = s->size - offset;
    return fz_chance(w, 30) ? room : 0x1000u * fz_below(w, (room + 0xFFFu) / 0x1000u + 1);
}

SHAPE(NtMapViewOfSection)
{
    begin(w, c, 1, true);
    const struct fz_section *s = &w->vm.sections[fz_below(w, FZ_VM_REGIONS)];
    bool known = s->handle && (w->vm.good || fz_chance(w, 50));
    A[0] = known ? (uint32_t)(uintptr_t)s->handle : fz_handle(w, FZ_SECTION);
    uint32_t base = view_base(w);
    A[5] = section_offset(w);
    uint32_t size = view_size(w, known ? s : NULL, base);
    /* Size 0 maps the whole section, however big: in the own process only in the arena, where
     * fz_vm_after releases a view that runs past it. */
    bool whole = size == 0 && w->vm.who == FZ_VM_OWN && in_arena(base);
    if (w->vm.who != FZ_VM_TARGET && !whole)
        size = creating_size(w, base, size ? size : 0x10000u * (1 + fz_below(w, 4)));
    A[2] = inout(w, 0, base);
    A[3] = zero_bits(w);
    A[4] = fz_chance(w, 80) ? 0 : fz_below(w, 0x20000);
    A[6] = inout(w, 1, size);
    uint32_t r = fz_below(w, 100);
    A[7] = w->vm.good || r < 92 ? 1 + fz_below(w, 2) : r < 96 ? fz_below(w, 4) : fz_random(w);
    r = fz_below(w, 100);
    A[8] = r < 80 || w->vm.good ? (r & 1 ? MEM_TOP_DOWN : 0)
           : r < 90             ? MEM_RESERVE
           : r < 96             ? MEM_COMMIT
                                : fz_random(w);
    A[9] = protection(w, FOR_VIEW);
    c->made = FZ_VM_MADE_VIEW;
}

SHAPE(NtUnmapViewOfSection)
{
    begin(w, c, 0, true);
    uint32_t base, size;
    if (w->vm.good && hint_range(w, true, &base, &size))
        A[1] = base;
    else
        A[1] = w->vm.who == FZ_VM_TARGET ? target_address(w) : destructive_address(w);
}

SHAPE(NtFlushVirtualMemory)
{
    begin(w, c, 0, false);
    uint32_t base, size;
    /* A flush writes pages back; it changes no mapping: anywhere in the own process too. */
    if (!(w->vm.good && hint_range(w, true, &base, &size))) {
        base = w->vm.who == FZ_VM_TARGET ? target_address(w) : any_address(w);
        size = fz_chance(w, 40) ? 0 : vm_size(w, base);
    }
    A[1] = inout(w, 0, base);
    A[2] = inout(w, 1, size);
    A[3] = output(w, &w->iosb, sizeof w->iosb);
}

/* ---- what the calls made ---- */

static void release(HANDLE process, const struct fz_region *r)
{
    void *base = (void *)(uintptr_t)r->base;
    size_t size = 0;
    if (r->view)
        NtUnmapViewOfSection(process, base);
    else
        NtFreeVirtualMemory(process, &base, &size, MEM_RELEASE);
}

static bool readable(uint32_t protect)
{
    uint32_t base = protect & 0xFFu;
    return !(protect & PAGE_GUARD) && base != PAGE_NOACCESS && base != 0;
}

static bool writable(uint32_t protect)
{
    return (protect & (PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE |
                       PAGE_EXECUTE_WRITECOPY)) != 0;
}

/* Reads (and writes, where the page allows it) the first pages of the worker's transient region
 * (private memory).
 * Nothing but this worker changes that region, so what the query says holds for the touch. */
static void touch(struct fz_worker *w, const struct fz_region *r)
{
    MEMORY_BASIC_INFORMATION m;
    uint32_t a = r->base, end = r->base + MIN(r->size, TOUCH_PAGES * 0x1000u);
    while (a < end) {
        if (!NT_SUCCESS(NtQueryVirtualMemory(NtCurrentProcess(), (void *)(uintptr_t)a,
                                             MemoryBasicInformation, &m, sizeof m, NULL)))
            return;
        uint32_t run_end = (uint32_t)(uintptr_t)m.BaseAddress + m.RegionSize;
        for (uint32_t p = a; m.State == MEM_COMMIT && readable(m.Protect) && p < MIN(run_end, end);
             p += 0x1000u) {
            volatile uint8_t *byte = (volatile uint8_t *)(uintptr_t)(p + fz_below(w, 0x1000));
            w->vm.sink += *byte;
            if (writable(m.Protect))
                *byte = (uint8_t)fz_random(w);
        }
        a = run_end > a ? run_end : end;
    }
}

static void remember_region(struct fz_region *set, const struct fz_region *r, HANDLE release_with)
{
    for (int i = 0; i < FZ_VM_REGIONS; i++)
        if (!set[i].size) {
            set[i] = *r;
            return;
        }
    if (release_with)
        release(release_with, &set[0]);
    memmove(set, set + 1, (FZ_VM_REGIONS - 1) * sizeof *set);
    set[FZ_VM_REGIONS - 1] = *r;
}

/* A region the kernel made in the own process, outside the arena: the worker's transient region
 * (touched now, released when the next one comes), or released at once when it is too big or
 * reaches into the arena. */
static void own_region(struct fz_worker *w, const struct fz_region *r)
{
    if (r->size > SMALL_MAX || (r->base < ARENA_END && r->base + r->size > ARENA_START) ||
        r->base + r->size < r->base) {
        release(NtCurrentProcess(), r);
        return;
    }
    struct fz_region old = w->vm.transient;
    w->vm.transient = *r;
    if (old.size)
        release(NtCurrentProcess(), &old);
    /* Views are touched only through system calls (fz_vm_buffer): a page-in from a file deleted
     * while only a section held it fails, which ends a process that touches it itself. */
    if (!r->view)
        touch(w, r);
}

void fz_vm_after(struct fz_worker *w, struct fz_call *c, NTSTATUS status)
{
    if (status == STATUS_COMMITMENT_LIMIT && w->vm.calls - w->vm.last_sweep > SWEEP_EVERY / 4)
        fz_vm_sweep(w);
    if (!NT_SUCCESS(status) || c->made == FZ_VM_MADE_NOTHING || !w->vm.out[0] || !w->vm.out[1])
        return;
    struct fz_region r = {read_out(w, 0), read_out(w, 1), c->made == FZ_VM_MADE_VIEW};
    if (w->vm.who == FZ_VM_TARGET)
        remember_region(w->vm.target, &r, fz_target[0]);
    else if (in_arena(r.base) && r.size <= ARENA_END - r.base)
        remember_region(w->vm.hints, &r, NULL);
    else if (w->vm.who == FZ_VM_OWN)
        own_region(w, &r);
    else
        fz_report("seed %u worker %u.%u call %u: %s made 0x%X bytes at 0x%X, outside 0x%X-0x%X"
                  " where it was asked for",
                  fz_options.seed, w->slot, w->generation, w->calls, fz_services[c->number].name,
                  r.size, r.base, ARENA_START, ARENA_END);
}

/* Releases everything in the arena of process: all of it is the fuzzer's. Keeps the commit that
 * views and allocations there hold from growing without end. */
static void sweep(HANDLE process)
{
    MEMORY_BASIC_INFORMATION m;
    for (uint32_t a = ARENA_START; a < ARENA_END;) {
        if (!NT_SUCCESS(NtQueryVirtualMemory(process, (void *)(uintptr_t)a, MemoryBasicInformation,
                                             &m, sizeof m, NULL)))
            return;
        uint32_t allocation = (uint32_t)(uintptr_t)m.AllocationBase;
        uint32_t next = (uint32_t)(uintptr_t)m.BaseAddress + m.RegionSize;
        if (m.State != MEM_FREE && in_arena(allocation)) {
            struct fz_region r = {allocation, 0, m.Type == MEM_MAPPED};
            release(process, &r);
        }
        a = next > a ? next : a + 0x1000u;
    }
}

void fz_vm_sweep(struct fz_worker *w)
{
    w->vm.last_sweep = w->vm.calls;
    sweep(NtCurrentProcess());
    if (fz_target[0])
        sweep(fz_target[0]);
}

void fz_vm_retire(struct fz_worker *w)
{
    if (w->vm.transient.size)
        release(NtCurrentProcess(), &w->vm.transient);
    for (int i = 0; i < FZ_VM_REGIONS; i++)
        if (w->vm.target[i].size && fz_target[0])
            release(fz_target[0], &w->vm.target[i]);
}

bool fz_vm_buffer(struct fz_worker *w, uint32_t *pointer, uint32_t *length)
{
    const struct fz_region *r = &w->vm.transient;
    if (!r->size || fz_chance(w, 50))
        r = &w->vm.hints[fz_below(w, FZ_VM_REGIONS)];
    if (!r->size)
        return false;
    uint32_t offset = fz_below(w, r->size);
    *pointer = r->base + offset;
    *length = fz_below(w, MIN(r->size - offset, 2048u) + 1);
    return true;
}
