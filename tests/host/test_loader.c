/* tests/host/test_loader.c: the loader's pure name and search-order code (ldr/loader_name.c) on the
 * host, under the sanitizers: NT's name rules (".dll" added, a trailing dot, case), and the
 * directories the default and an explicit search path give, in order. One "ok"/"FAIL" line a case.
 */
#include <stdio.h>
#include <string.h>
#include "ldr/loaderp.h"

struct ldrp_loader ldrp; /* ldr/loader.c's, which the host does not build */
static struct ldr_sys_search inputs;

void ldr_sys_search_inputs(struct ldr_sys_search *in) { *in = inputs; }

static int failed;
static char message[4096];

static WCHAR *wide(const char *ascii, uint32_t *chars)
{
    static WCHAR buffers[4][600];
    static unsigned next;
    WCHAR *w = buffers[next++ % 4];
    *chars = ldrp_widen(ascii, (uint32_t)strlen(ascii), w, 600);
    return w;
}

static const char *narrow(const WCHAR *w, uint32_t chars)
{
    static char text[4][600];
    static unsigned next;
    char *t = text[next++ % 4];
    ldrp_narrow(w, chars, t, 600);
    return t;
}

static void report(const char *name, const char *error)
{
    printf("%s host.loader_%s%s%s\n", error ? "FAIL" : "ok", name, error ? ": " : "",
           error ? error : "");
    failed += error != NULL;
}

/* ---- names ---- */

static const char *expect_normal(const char *name, NTSTATUS status, const char *want)
{
    uint32_t chars, out_chars = 0;
    WCHAR *w = wide(name, &chars), out[LDRP_NAME_CHARS];
    NTSTATUS got = ldrp_normalize_name(w, chars, out, &out_chars);
    if (got != status || (want && strcmp(narrow(out, out_chars), want)))
        return snprintf(message, sizeof message, "\"%s\": 0x%08X \"%s\", expected 0x%08X \"%s\"",
                        name, (uint32_t)got, NT_SUCCESS(got) ? narrow(out, out_chars) : "",
                        (uint32_t)status, want ? want : ""),
               message;
    return NULL;
}

static const char *normalize(void)
{
    static const struct {
        const char *name;
        NTSTATUS status;
        const char *want;
    } cases[] = {
        {"counter", STATUS_SUCCESS, "counter.dll"},
        {"counter.dll", STATUS_SUCCESS, "counter.dll"},
        {"COUNTER.DRV", STATUS_SUCCESS, "COUNTER.DRV"},
        {"noext.", STATUS_SUCCESS, "noext"},
        {"C:\\dir.d\\name", STATUS_SUCCESS, "C:\\dir.d\\name.dll"}, /* a dot in a directory */
        {"api.ms.win.core", STATUS_SUCCESS, "api.ms.win.core"},
        {"", STATUS_DLL_NOT_FOUND, NULL},
        {".", STATUS_DLL_NOT_FOUND, NULL},
        {"C:\\dir\\", STATUS_DLL_NOT_FOUND, NULL},
        {"C:\\dir\\.", STATUS_DLL_NOT_FOUND, NULL},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *e = expect_normal(cases[i].name, cases[i].status, cases[i].want);
        if (e)
            return e;
    }
    char longest[LDR_MAX_PATH + 2];
    memset(longest, 'a', sizeof longest);
    longest[LDR_MAX_PATH] = 0;
    const char *e = expect_normal(longest, STATUS_SUCCESS, NULL);
    longest[LDR_MAX_PATH] = 'a', longest[LDR_MAX_PATH + 1] = 0;
    return e ? e : expect_normal(longest, STATUS_NAME_TOO_LONG, NULL);
}

static const char *compare(void)
{
    uint32_t a, b;
    WCHAR *x = wide("C:\\Tests\\LOG.dll", &a), *y = wide("c:/tests/log.DLL", &b);
    if (!ldrp_names_equal(x, a, y, b))
        return "case or separators made a difference";
    y = wide("c:/tests/log.dl", &b);
    if (ldrp_names_equal(x, a, y, b))
        return "a shorter name compared equal";
    x = wide("C:name.dll", &a);
    if (ldrp_base_name_offset(x, a) != 2 || !ldrp_has_path(x, a))
        return "a drive-relative name's file name";
    x = wide("C:\\a\\b.dll", &a);
    return ldrp_base_name_offset(x, a) == 5 ? NULL : "the file name of C:\\a\\b.dll";
}

/* ---- search order ---- */

/* Walks the directories and compares them with want, separated by '|'. */
static const char *expect_dirs(const char *list, const char *want)
{
    struct ldrp_dirs it;
    uint32_t chars = 0, n;
    WCHAR *w = list ? wide(list, &chars) : NULL, dir[LDRP_PATH_CHARS];
    char got[1024] = "";
    ldrp_dirs_begin(&it, w, chars);
    while (ldrp_dirs_next(&it, dir, LDRP_PATH_CHARS, &n)) {
        if (got[0])
            strcat(got, "|");
        strncat(got, narrow(dir, n), sizeof got - strlen(got) - 1);
    }
    if (strcmp(got, want))
        return snprintf(message, sizeof message, "search \"%s\": \"%s\", expected \"%s\"",
                        list ? list : "(default)", got, want),
               message;
    return NULL;
}

static const char *search_order(void)
{
    static struct ldr_module exe;
    uint32_t chars;
    WCHAR *path = wide("C:\\Tests\\app.exe", &chars);
    exe.entry.FullDllName = (UNICODE_STRING){(uint16_t)(chars * 2), (uint16_t)(chars * 2), path};
    ldrp.exe = &exe;
    uint32_t w, c, p;
    WCHAR *windows = wide("C:\\Windows", &w), *current = wide("C:\\Cwd\\", &c);
    WCHAR *env = wide(";C:\\One;;C:\\Two;", &p);
    inputs = (struct ldr_sys_search){windows, w, current, c, env, p};
    const char *e = expect_dirs(
        NULL, "C:\\Tests\\|C:\\Windows\\System32|C:\\Windows|C:\\Cwd\\|C:\\One|C:\\Two");
    inputs = (struct ldr_sys_search){windows, w, NULL, 0, NULL, 0}; /* no current directory, PATH */
    ldrp.exe = NULL;
    if (!e)
        e = expect_dirs(NULL, "C:\\Windows\\System32|C:\\Windows");
    if (!e)
        e = expect_dirs("C:\\A;;C:\\B\\;", "C:\\A|C:\\B\\");
    if (!e)
        e = expect_dirs(";;", "");
    return e;
}

int main(void)
{
    report("normalize_names", normalize());
    report("compare_names", compare());
    report("search_order", search_order());
    return failed ? 1 : 0;
}
