/* ldr/loader_name.c: DLL names and the search order: comparing names as NT does (case folded),
 * adding ".dll", and the directories a DLL is looked for in, one after the other. */
#include "ldr/loaderp.h"

WCHAR ldrp_fold(WCHAR c) { return c >= 'a' && c <= 'z' ? (WCHAR)(c - 'a' + 'A') : c; }

/* NT compares module names without regard to case; Pagoda folds ASCII letters only, as its object
 * names do (no Unicode upcase table yet). '/' and '\\' are the same separator. */
bool ldrp_names_equal(const WCHAR *a, uint32_t a_chars, const WCHAR *b, uint32_t b_chars)
{
    if (a_chars != b_chars)
        return false;
    for (uint32_t i = 0; i < a_chars; i++) {
        WCHAR x = a[i] == '/' ? '\\' : ldrp_fold(a[i]), y = b[i] == '/' ? '\\' : ldrp_fold(b[i]);
        if (x != y)
            return false;
    }
    return true;
}

static bool is_separator(WCHAR c) { return c == '\\' || c == '/'; }

uint32_t ldrp_base_name_offset(const WCHAR *path, uint32_t chars)
{
    uint32_t offset = 0;
    for (uint32_t i = 0; i < chars; i++)
        if (is_separator(path[i]) || path[i] == ':')
            offset = i + 1;
    return offset;
}

bool ldrp_has_path(const WCHAR *name, uint32_t chars)
{
    return ldrp_base_name_offset(name, chars) != 0;
}

uint32_t ldrp_wcslen(const WCHAR *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* NT's rule: a name whose last component has no '.' gets ".dll"; a trailing '.' means "no
 * extension" and is dropped. out holds LDRP_NAME_CHARS characters and is NUL-terminated. */
NTSTATUS ldrp_normalize_name(const WCHAR *name, uint32_t chars, WCHAR *out, uint32_t *out_chars)
{
    static const WCHAR dll[] = {'.', 'd', 'l', 'l'};
    if (chars == 0)
        return STATUS_DLL_NOT_FOUND;
    if (chars > LDR_MAX_PATH)
        return STATUS_NAME_TOO_LONG;
    uint32_t base = ldrp_base_name_offset(name, chars);
    if (base == chars)
        return STATUS_DLL_NOT_FOUND; /* a directory: no file name */
    bool has_dot = false;
    for (uint32_t i = base; i < chars; i++)
        has_dot |= name[i] == '.';
    uint32_t n = 0;
    for (; n < chars; n++)
        out[n] = name[n];
    if (name[chars - 1] == '.')
        n--;
    else if (!has_dot)
        for (uint32_t i = 0; i < ARRAY_SIZE(dll); i++)
            out[n++] = dll[i];
    out[n] = 0;
    *out_chars = n;
    return n > base ? STATUS_SUCCESS : STATUS_DLL_NOT_FOUND; /* "C:\dir\." names no file */
}

uint32_t ldrp_widen(const char *ascii, uint32_t length, WCHAR *out, uint32_t capacity)
{
    uint32_t n = 0;
    for (; n < length && n + 1 < capacity; n++)
        out[n] = (uint8_t)ascii[n];
    out[n] = 0;
    return n;
}

/* For messages: characters past 0x7E become '?'. */
void ldrp_narrow(const WCHAR *wide, uint32_t chars, char *out, size_t size)
{
    size_t n = 0;
    for (; n < chars && n + 1 < size; n++)
        out[n] = wide[n] >= 0x20 && wide[n] < 0x7F ? (char)wide[n] : '?';
    if (size)
        out[n] = 0;
}

/* ---- the directories a DLL is looked for in ---- */

enum { DIR_EXE, DIR_SYSTEM32, DIR_WINDOWS, DIR_CURRENT, DIR_PATH, DIR_END };

void ldrp_dirs_begin(struct ldrp_dirs *it, const WCHAR *list, uint32_t list_chars)
{
    *it = (struct ldrp_dirs){.list = list, .list_chars = list_chars};
    if (!list)
        ldr_sys_search_inputs(&it->inputs);
}

/* The next ';'-separated element of [list, list + chars) from *pos, empty ones skipped. */
static bool next_element(const WCHAR *list, uint32_t chars, uint32_t *pos, const WCHAR **element,
                         uint32_t *length)
{
    while (*pos < chars && list[*pos] == ';')
        (*pos)++;
    if (*pos >= chars)
        return false;
    uint32_t start = *pos;
    while (*pos < chars && list[*pos] != ';')
        (*pos)++;
    *element = list + start;
    *length = *pos - start;
    return true;
}

/* Copies src and then suffix (ASCII) into dir; false when they do not fit. */
static bool put_dir(WCHAR *dir, uint32_t capacity, const WCHAR *src, uint32_t chars,
                    const char *suffix, uint32_t *out_chars)
{
    uint32_t n = 0;
    for (; n < chars && n + 1 < capacity; n++)
        dir[n] = src[n];
    for (; suffix && *suffix && n + 1 < capacity; n++)
        dir[n] = (WCHAR)*suffix++;
    dir[n] = 0;
    *out_chars = n;
    return n < capacity - 1 && n > 0;
}

/* The default order's source `step` (it may be empty: then false). */
static bool default_dir(struct ldrp_dirs *it, WCHAR *dir, uint32_t capacity, uint32_t *chars)
{
    const struct ldr_sys_search *in = &it->inputs;
    const LDR_DATA_TABLE_ENTRY *exe = ldrp.exe ? &ldrp.exe->entry : NULL;
    switch (it->step) {
    case DIR_EXE:
        return exe &&
               put_dir(dir, capacity, exe->FullDllName.Buffer,
                       ldrp_base_name_offset(exe->FullDllName.Buffer, exe->FullDllName.Length / 2),
                       NULL, chars);
    case DIR_SYSTEM32:
        return put_dir(dir, capacity, in->windows, in->windows_chars, "\\System32", chars);
    case DIR_WINDOWS: return put_dir(dir, capacity, in->windows, in->windows_chars, NULL, chars);
    case DIR_CURRENT: return put_dir(dir, capacity, in->current, in->current_chars, NULL, chars);
    default: return false;
    }
}

/* The next directory to look in: its characters in dir (NUL-terminated, at most capacity - 1,
 * maybe ending in '\\'). False when there is none left. */
bool ldrp_dirs_next(struct ldrp_dirs *it, WCHAR *dir, uint32_t capacity, uint32_t *chars)
{
    const WCHAR *element;
    uint32_t length;
    if (it->list) {
        while (next_element(it->list, it->list_chars, &it->pos, &element, &length))
            if (put_dir(dir, capacity, element, length, NULL, chars))
                return true;
        return false;
    }
    for (; it->step < DIR_PATH; it->step++)
        if (default_dir(it, dir, capacity, chars)) {
            it->step++;
            return true;
        }
    while (it->step == DIR_PATH &&
           next_element(it->inputs.path, it->inputs.path_chars, &it->pos, &element, &length))
        if (put_dir(dir, capacity, element, length, NULL, chars))
            return true;
    it->step = DIR_END;
    return false;
}
