/* tests/user/fuzz/args.c: the fuzzer's random arguments: words, pointers that are good, misaligned
 * or bad, buffers with lengths that fit or do not, handles (remembered, pseudo, reserved, forged,
 * tagged, closed), timeouts that never block for long, and names for objects and files. */
#include "kernel/rtl/format.h"
#include "tests/user/fuzz/fuzz.h"

/* ---- random numbers: xorshift32, one state per worker ---- */

uint32_t fz_random(struct fz_worker *w)
{
    uint32_t x = w->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return w->rng = x;
}

uint32_t fz_below(struct fz_worker *w, uint32_t n) { return n ? fz_random(w) % n : 0; }
bool fz_chance(struct fz_worker *w, uint32_t percent) { return fz_below(w, 100) < percent; }

uint32_t fz_pick(struct fz_worker *w, const uint32_t *values, size_t count)
{
    return values[fz_below(w, (uint32_t)count)];
}

/* ---- words, pointers, lengths ---- */

/* A length that reaches past user space from anywhere in the image, with either split. */
static const uint32_t huge_lengths[] = {0xFFFFFFFFu, 0xFFFFFFFEu, 0xFFFF0000u, 0xC0000000u,
                                        0xF0000001u};

uint32_t fz_bad_pointer(struct fz_worker *w)
{
    static const uint32_t bad[] = {0,           0x00000001u, 0x00001000u, 0x0000FFFCu, 0x02000000u,
                                   0x0FFFF000u, 0x7FFE0000u, 0x7FFEFFFCu, 0x7FFF0000u, 0x7FFFFFFFu,
                                   0x80000000u, 0x80000001u, 0xBFFFFFFCu, 0xC0000000u, 0xC0100000u,
                                   0xFFC00000u, 0xFFFFF000u, 0xFFFFFFFCu};
    return FZ_PICK(w, bad);
}

/* fz_bad_pointer but never the shared page, which can be read: an input read from there would be
 * whatever it holds (a CONTEXT from it starts a thread at EIP 0). */
static uint32_t unreadable(struct fz_worker *w)
{
    uint32_t p = fz_bad_pointer(w);
    return p == KUSER_SHARED_DATA_ADDRESS ? 0 : p;
}

void *fz_scratch(struct fz_worker *w, uint32_t size)
{
    uint32_t room = size < FZ_SCRATCH ? FZ_SCRATCH - size : 0;
    return w->scratch + fz_below(w, room + 1);
}

uint32_t fz_length(struct fz_worker *w, uint32_t fits)
{
    switch (fz_below(w, 8)) {
    case 0: return 0;
    case 1: return fz_below(w, 16);
    case 2: return fits;
    case 3: return fits + 1;
    case 4: return fits ? fits - 1 : 0;
    case 5: return FZ_PICK(w, huge_lengths);
    default: return fz_below(w, fits + 1);
    }
}

static uint32_t random_word(struct fz_worker *w)
{
    uint32_t v;
    do
        v = fz_random(w);
    while (fz_is_hazard(v));
    return v;
}

uint32_t fz_word(struct fz_worker *w)
{
    static const uint32_t edges[] = {0x7FFFFFFFu, 0x80000000u, 0xFFFFu, 0x10000u, 0x1000u,
                                     0xFFFFFFFFu, 0xFFFFFFFEu, 0x3Fu,   0x40u,    0x41u};
    switch (fz_below(w, 9)) {
    case 0: return fz_below(w, 17);
    case 1: return FZ_PICK(w, edges);
    case 2: return fz_bad_pointer(w);
    case 3: return (uint32_t)(uintptr_t)fz_scratch(w, 64) & ~3u;
    case 4: return (uint32_t)(uintptr_t)fz_scratch(w, 64);
    case 5: return fz_handle(w, FZ_NONE);
    case 6: return FZ_PICK(w, huge_lengths);
    default: return random_word(w);
    }
}

uint32_t fz_output(struct fz_worker *w, void *slot, uint32_t size)
{
    uint32_t choice = fz_below(w, 20);
    if (choice < 12 && slot)
        return (uint32_t)(uintptr_t)slot;
    if (choice < 16)
        return (uint32_t)(uintptr_t)fz_scratch(w, size) & ~3u;
    if (choice < 18)
        return (uint32_t)(uintptr_t)fz_scratch(w, size);
    return fz_bad_pointer(w);
}

uint32_t fz_input(struct fz_worker *w, const void *slot)
{
    uint32_t choice = fz_below(w, 20);
    if (choice < 17)
        return (uint32_t)(uintptr_t)slot;
    if (choice < 18)
        return (uint32_t)(uintptr_t)slot + 1 + fz_below(w, 3);
    return unreadable(w);
}

void fz_buffer(struct fz_worker *w, uint32_t *pointer, uint32_t *length)
{
    uint8_t *p = fz_scratch(w, 16);
    uint32_t room = (uint32_t)(w->scratch + FZ_SCRATCH - p);
    switch (fz_below(w, 10)) {
    case 0: *pointer = fz_bad_pointer(w), *length = fz_length(w, 256); return;
    case 1: *pointer = fz_word(w), *length = 0; return;
    case 2: *pointer = (uint32_t)(uintptr_t)p, *length = FZ_PICK(w, huge_lengths); return;
    case 3: *pointer = (uint32_t)(uintptr_t)p, *length = room + fz_below(w, 64); return;
    case 4: /* memory the worker's VM calls made: the kernel's copies touch views and regions */
        if (fz_vm_buffer(w, pointer, length))
            return;
        /* fall through */
    default:
        *pointer = (uint32_t)(uintptr_t)(fz_chance(w, 80) ? (uint8_t *)((uintptr_t)p & ~7u) : p);
        *length = fz_below(w, 4) ? fz_below(w, MIN(room, 600u)) : fz_below(w, room);
    }
}

ACCESS_MASK fz_access(struct fz_worker *w)
{
    static const uint32_t masks[] = {0,
                                     MAXIMUM_ALLOWED,
                                     GENERIC_ALL,
                                     GENERIC_READ,
                                     GENERIC_WRITE,
                                     0x001F0003,
                                     SYNCHRONIZE,
                                     0x1,
                                     0x2,
                                     0x0003,
                                     0x00120089,
                                     0x00120116,
                                     0x001F01FF,
                                     FILE_READ_ATTRIBUTES,
                                     0xFFFFFFFFu};
    return fz_chance(w, 90) ? FZ_PICK(w, masks) : fz_random(w);
}

/* ---- handles ---- */

void fz_remember(struct fz_worker *w, HANDLE h, enum fz_kind kind)
{
    if (!h || (uint32_t)(uintptr_t)h >= 0xFFFFFFF0u)
        return;
    struct fz_handle *slot = &w->handles[fz_below(w, FZ_HANDLES)];
    for (int i = 0; i < FZ_HANDLES; i++)
        if (w->handles[i].value == h || w->handles[i].kind == FZ_NONE) {
            slot = &w->handles[i];
            break;
        }
    /* A handle forgotten is closed: left open, the objects (sections and their commit above all)
     * would pile up over a long run until the system's commit runs out. */
    if (slot->kind != FZ_NONE && slot->value != h && !fz_is_reserved(slot->value))
        NtClose(slot->value);
    *slot = (struct fz_handle){h, kind};
}

void fz_forget(struct fz_worker *w, HANDLE h)
{
    for (int i = 0; i < FZ_HANDLES; i++)
        if (w->handles[i].value == h)
            w->handles[i] = (struct fz_handle){NULL, FZ_NONE};
    w->last_closed = h;
}

enum fz_kind fz_kind_of(struct fz_worker *w, HANDLE h)
{
    for (int i = 0; i < FZ_HANDLES; i++)
        if (w->handles[i].value == h)
            return w->handles[i].kind;
    return FZ_UNKNOWN;
}

/* A remembered handle, of kind if one is (FZ_NONE: any); NULL when none is remembered. */
static HANDLE remembered(struct fz_worker *w, enum fz_kind kind)
{
    uint32_t start = fz_below(w, FZ_HANDLES);
    HANDLE any = NULL;
    for (uint32_t i = 0; i < FZ_HANDLES; i++) {
        struct fz_handle *h = &w->handles[(start + i) % FZ_HANDLES];
        if (h->kind == FZ_NONE)
            continue;
        if (kind == FZ_NONE || h->kind == kind)
            return h->value;
        any = any ? any : h->value;
    }
    return any;
}

uint32_t fz_handle(struct fz_worker *w, enum fz_kind kind)
{
    static const uint32_t invalid[] = {0x12345678u, 0x80000004u, 0xFFFFFFF0u, 0x7FFFFFFCu,
                                       0x00FFFFFCu, 0x04000000u, 0xFFFFFFFCu};
    uint32_t choice = fz_below(w, 100);
    HANDLE h = remembered(w, kind);
    if (choice < 50 && h)
        return (uint32_t)(uintptr_t)h;
    if (choice < 58)
        return fz_chance(w, 50) ? 0xFFFFFFFFu : 0xFFFFFFFEu;
    if (choice < 64)
        return (uint32_t)(uintptr_t)fz_reserved_process[fz_below(w, 3)];
    if (choice < 74)
        return 4 * (1 + fz_below(w, 128));
    if (choice < 78)
        return 0;
    if (choice < 84)
        return (uint32_t)(uintptr_t)(h ? h : (HANDLE)(uintptr_t)(4 * fz_below(w, 64))) |
               (1 + fz_below(w, 3));
    if (choice < 90)
        return FZ_PICK(w, invalid);
    if (choice < 95)
        return (uint32_t)(uintptr_t)w->last_closed;
    return fz_word(w);
}

uint32_t fz_handle_to_close(struct fz_worker *w)
{
    uint32_t h;
    do
        h = fz_handle(w, FZ_NONE);
    while (fz_is_reserved((HANDLE)(uintptr_t)h));
    return h;
}

uint32_t fz_process_handle(struct fz_worker *w)
{
    if (fz_target[0] && fz_chance(w, 2))
        return (uint32_t)(uintptr_t)fz_target[fz_below(w, 3)];
    if (fz_chance(w, 60))
        return fz_chance(w, 50) ? 0xFFFFFFFFu : (uint32_t)(uintptr_t)fz_reserved_process[2];
    return fz_handle(w, FZ_PROCESS);
}

/* Handles that cannot end the process: the reserved process handles lack PROCESS_TERMINATE, and
 * the other values are no handle at all (tagged, past the table's reach, kernel handles) or not a
 * process. Never NULL (every other thread), -1 or a remembered handle whose value may have been
 * closed and reused by another worker since. */
uint32_t fz_terminate_process_handle(struct fz_worker *w)
{
    static const uint32_t harmless[] = {0xFFFFFFFEu, 0x12345678u, 0x80000004u, 0x7FFFFFFCu,
                                        0x04000000u, 0x80000000u, 0xFFFFFFF0u};
    /* the target may be ended (the kernel test expects that), rarely: its memory is fuzzed */
    if (fz_target[0] && fz_below(w, 20000) == 0)
        return (uint32_t)(uintptr_t)fz_target[0];
    if (fz_chance(w, 50))
        return (uint32_t)(uintptr_t)fz_reserved_process[fz_below(w, 3)] |
               (fz_chance(w, 20) ? 1 : 0);
    return FZ_PICK(w, harmless);
}

/* ---- timeouts ---- */

/* Relative timeouts up to 20 ms, a poll, the past (an absolute time of 1), 100 ns. The value lives
 * in a slot no output ever targets, so it stays short whatever another thread does; a misaligned
 * pointer gets the value written at its own address, never a mix of neighbouring bytes. */
uint32_t fz_timeout(struct fz_worker *w)
{
    static const LARGE_INTEGER_QUAD values[] = {0, -1, 1, -10000, -50000, -100000, -200000};
    LARGE_INTEGER_QUAD value = values[fz_below(w, ARRAY_SIZE(values))];
    uint32_t at = fz_chance(w, 10) ? 1 + fz_below(w, 3) : 0;
    memcpy(w->timeout + at, &value, sizeof value);
    if (fz_chance(w, 8))
        return fz_bad_pointer(w) | 0x80000000u;
    return (uint32_t)(uintptr_t)(w->timeout + at);
}

/* ---- names ---- */

static uint32_t put_ascii(WCHAR *chars, uint32_t at, uint32_t max, const char *s)
{
    while (*s && at < max)
        chars[at++] = (WCHAR)*s++;
    return at;
}

/* Flips the case of some letters: names are looked up case-insensitively with OBJ_CASE_INSENSITIVE
 * and on FAT. */
static void scramble_case(struct fz_worker *w, WCHAR *chars, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (((chars[i] | 0x20) >= 'a' && (chars[i] | 0x20) <= 'z') && fz_chance(w, 10))
            chars[i] ^= 0x20;
}

/* Malformed variants: no leading backslash, an empty component, a trailing backslash, too long,
 * odd characters. */
static uint32_t malformed(struct fz_worker *w, WCHAR *chars, uint32_t n, uint32_t max)
{
    switch (fz_below(w, 6)) {
    case 0: return n > 1 ? (memmove(chars, chars + 1, (n - 1) * sizeof(WCHAR)), n - 1) : n;
    case 1: return put_ascii(chars, n, max, "\\\\x");
    case 2: return put_ascii(chars, n, max, "\\");
    case 3:
        while (n < max)
            chars[n++] = (WCHAR)('a' + fz_below(w, 26));
        return n;
    case 4: return put_ascii(chars, n, max, "*?<>|\"");
    default: chars[n ? fz_below(w, n) : 0] = (WCHAR)fz_random(w); return n ? n : 1;
    }
}

static uint32_t object_name(struct fz_worker *w, WCHAR *chars, uint32_t max)
{
    static const char *const dirs[] = {
        "\\BaseNamedObjects\\", "\\BaseNamedObjects\\", "\\", "\\??\\", "\\Device\\", "\\Nope\\"};
    char leaf[16];
    rtl_snprintf(leaf, sizeof leaf, "fz%s%u", w->section_names ? "s" : "", fz_below(w, 10));
    uint32_t n = put_ascii(chars, 0, max, dirs[fz_chance(w, 80) ? 0 : fz_below(w, 6)]);
    n = put_ascii(chars, n, max, leaf);
    scramble_case(w, chars, n);
    return fz_chance(w, 8) ? malformed(w, chars, n, max) : n;
}

/* Under the scratch directory only, whatever the mode: unique names never name an existing file
 * (FAT's two-handles-to-one-file defect), "on" names collide on purpose, "off" names a drive that
 * does not exist. Never "." or ".." components (they are refused anyway). */
uint32_t fz_file_name(struct fz_worker *w, WCHAR *chars, uint32_t max)
{
    char leaf[48];
    const char *root = "\\??\\C:\\Fuzz\\";
    if (fz_options.files == FZ_FILES_OFF)
        root = fz_chance(w, 50) ? "\\??\\Q:\\Fuzz\\" : "\\BaseNamedObjects\\Fuzz\\";
    if (fz_options.files == FZ_FILES_UNIQUE)
        rtl_snprintf(leaf, sizeof leaf, "s%xw%ug%un%u%s", fz_options.seed, w->slot, w->generation,
                     w->name_serial++, fz_chance(w, 30) ? ".txt" : "");
    else
        rtl_snprintf(leaf, sizeof leaf, "%s%u%s", fz_chance(w, 20) ? "d0\\" : "", fz_below(w, 6),
                     fz_chance(w, 20) ? ".dat" : "");
    uint32_t n = put_ascii(chars, 0, max, root);
    if (fz_options.files == FZ_FILES_ON && fz_chance(w, 5))
        n--; /* the scratch directory itself */
    else
        n = put_ascii(chars, n, max, leaf);
    scramble_case(w, chars, n);
    if (fz_chance(w, 5)) /* malformed, but only past the directory */
        n = put_ascii(chars, n, max, fz_chance(w, 50) ? "*" : ":x");
    return n;
}

/* The UNICODE_STRING at us for chars[0..n): mostly right, sometimes odd, too long, misaligned or
 * pointing nowhere. */
static void string_for(struct fz_worker *w, UNICODE_STRING *us, WCHAR *chars, uint32_t n)
{
    us->Length = (uint16_t)(n * 2);
    us->MaximumLength = (uint16_t)(FZ_NAME_CHARS * 2);
    us->Buffer = chars;
    switch (fz_below(w, 40)) {
    case 0: us->Length |= 1; break;
    case 1: us->Length = (uint16_t)(us->MaximumLength + 2); break;
    case 2: us->Buffer = (WCHAR *)((uint8_t *)chars + 1); break;
    case 3: us->Buffer = (WCHAR *)(uintptr_t)fz_bad_pointer(w); break;
    case 4: us->Length = 0; break;
    case 5: us->Length = 0xFFFE, us->MaximumLength = 0xFFFE; break;
    default: break;
    }
}

static uint32_t attributes_for(struct fz_worker *w, bool file)
{
    static const uint32_t bits[] = {0,
                                    OBJ_CASE_INSENSITIVE,
                                    OBJ_OPENIF,
                                    OBJ_INHERIT,
                                    OBJ_CASE_INSENSITIVE | OBJ_OPENIF,
                                    OBJ_PERMANENT,
                                    OBJ_EXCLUSIVE,
                                    0x200 /* OBJ_KERNEL_HANDLE */,
                                    0x400,
                                    0x1};
    uint32_t n =
        file ? fz_file_name(w, w->name, FZ_NAME_CHARS) : object_name(w, w->name, FZ_NAME_CHARS);
    string_for(w, &w->string, w->name, n);
    OBJECT_ATTRIBUTES *oa = &w->attributes;
    *oa = (OBJECT_ATTRIBUTES){sizeof *oa, NULL, &w->string, FZ_PICK(w, bits), NULL, NULL};
    if (fz_chance(w, 5))
        oa->Length = fz_chance(w, 50) ? 0 : sizeof *oa + 4;
    if (fz_chance(w, 3))
        oa->RootDirectory = (HANDLE)(uintptr_t)fz_handle(w, FZ_DIRECTORY);
    if (fz_chance(w, 4))
        oa->ObjectName = (UNICODE_STRING *)(uintptr_t)(fz_chance(w, 50) ? 0 : fz_bad_pointer(w));
    if (fz_chance(w, 3))
        oa->SecurityDescriptor = (void *)(uintptr_t)fz_word(w);
    if (fz_chance(w, 10))
        return fz_chance(w, 50) ? 0 : fz_input(w, oa);
    return (uint32_t)(uintptr_t)oa;
}

uint32_t fz_object_attributes(struct fz_worker *w) { return attributes_for(w, false); }
uint32_t fz_file_attributes(struct fz_worker *w) { return attributes_for(w, true); }

/* ByteOffset of reads and writes: NULL (the file position), a small offset, the special values, or
 * bad. Offsets stay under 1 MiB mostly: extending a file zero-fills the gap on the disk. */
uint32_t fz_file_offset(struct fz_worker *w)
{
    static const LARGE_INTEGER_QUAD special[] = {-1 /* FILE_WRITE_TO_END_OF_FILE */,
                                                 -2 /* FILE_USE_FILE_POINTER_POSITION */,
                                                 -3,
                                                 (LARGE_INTEGER_QUAD)1 << 40,
                                                 0x7FFFFFFFFFFFFFFFll,
                                                 0xFFFFFFFFll};
    if (fz_chance(w, 25))
        return 0;
    w->offset = fz_chance(w, 80)
                    ? (LARGE_INTEGER_QUAD)fz_below(w, fz_chance(w, 80) ? 8192 : 1 << 20)
                    : special[fz_below(w, ARRAY_SIZE(special))];
    return fz_input(w, &w->offset);
}
