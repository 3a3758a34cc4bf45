/* kernel/ke/cmdline.c: parses the kernel command line (split=, test=, loglevel=, mem=, hz=,
 * sysenter=, ata=, trace=, copyyield=, autorun=).
 * Never fails: what it cannot use becomes a warning that kmain prints once the console is up. */
#include <stdarg.h>
#include "kernel/ke/cmdline.h"
#include "kernel/rtl/format.h"

struct token {
    const char *key;
    size_t key_len;
    const char *value; /* NULL when the word has no '=' */
    size_t value_len;
};

static void warn(struct ke_config *c, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void warn(struct ke_config *c, const char *fmt, ...)
{
    if (c->warning_count >= KE_CONFIG_MAX_WARNINGS)
        return;
    va_list ap;
    va_start(ap, fmt);
    rtl_vsnprintf(c->warnings[c->warning_count++], KE_WARNING_LEN, fmt, ap);
    va_end(ap);
}

static char lower(char ch) { return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch; }

/* Case-insensitive comparison of a counted string with a C string. */
static bool equals(const char *s, size_t len, const char *word)
{
    size_t i = 0;
    for (; i < len && word[i]; i++)
        if (lower(s[i]) != lower(word[i]))
            return false;
    return i == len && !word[i];
}

bool ke_parse_size(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (i == 0)
        return false;
    unsigned shift = 0;
    if (i + 1 == len) {
        switch (lower(s[i])) {
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        case 'g': shift = 30; break;
        default: return false;
        }
    } else if (i != len) {
        return false;
    }
    if (shift && v > (UINT64_MAX >> shift))
        return false;
    *out = v << shift;
    return true;
}

static bool parse_uint(const char *s, size_t len, unsigned max, unsigned *out)
{
    unsigned v = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

static void option_split(struct ke_config *c, const struct token *t)
{
    if (equals(t->value, t->value_len, "2G"))
        c->split = KE_SPLIT_2G;
    else if (equals(t->value, t->value_len, "3G"))
        c->split = KE_SPLIT_3G;
    else
        warn(c, "split=%.*s is not 2G or 3G; using 2G", (int)t->value_len, t->value);
}

static void option_loglevel(struct ke_config *c, const struct token *t)
{
    static const char *const names[] = {"error", "warn", "info", "debug", "trace"};
    for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
        if (equals(t->value, t->value_len, names[i]) ||
            (t->value_len == 1 && t->value[0] == (char)('0' + i))) {
            c->log_level = (int)i;
            return;
        }
    }
    warn(c, "loglevel=%.*s is not error, warn, info, debug, trace or 0-4", (int)t->value_len,
         t->value);
}

static void option_mem(struct ke_config *c, const struct token *t)
{
    uint64_t bytes;
    if (ke_parse_size(t->value, t->value_len, &bytes) && bytes > 0)
        c->mem_limit = bytes;
    else
        warn(c, "mem=%.*s is not a size like 16M; ignored", (int)t->value_len, t->value);
}

static void option_hz(struct ke_config *c, const struct token *t)
{
    unsigned hz;
    if (parse_uint(t->value, t->value_len, KE_MAX_HZ, &hz) && hz >= KE_MIN_HZ)
        c->timer_hz = hz;
    else
        warn(c, "hz=%.*s is not in %u..%u; using %u", (int)t->value_len, t->value, KE_MIN_HZ,
             KE_MAX_HZ, c->timer_hz);
}

static void option_sysenter(struct ke_config *c, const struct token *t)
{
    if (equals(t->value, t->value_len, "on"))
        c->sysenter = true;
    else if (equals(t->value, t->value_len, "off"))
        c->sysenter = false;
    else
        warn(c, "sysenter=%.*s is not on or off; using on", (int)t->value_len, t->value);
}

static void option_ata(struct ke_config *c, const struct token *t)
{
    if (equals(t->value, t->value_len, "pio"))
        c->ata_pio = true;
    else if (equals(t->value, t->value_len, "auto"))
        c->ata_pio = false;
    else
        warn(c, "ata=%.*s is not pio or auto; using auto", (int)t->value_len, t->value);
}

static void option_trace(struct ke_config *c, const struct token *t)
{
    if (equals(t->value, t->value_len, "faults"))
        c->trace_faults = true;
    else if (equals(t->value, t->value_len, "none"))
        c->trace_faults = false;
    else
        warn(c, "trace=%.*s is not faults or none; ignored", (int)t->value_len, t->value);
}

static void option_copyyield(struct ke_config *c, const struct token *t)
{
    if (equals(t->value, t->value_len, "1") || equals(t->value, t->value_len, "on"))
        c->copy_yield = true;
    else if (equals(t->value, t->value_len, "0") || equals(t->value, t->value_len, "off"))
        c->copy_yield = false;
    else
        warn(c, "copyyield=%.*s is not 1 or 0; ignored", (int)t->value_len, t->value);
}

static void option_test(struct ke_config *c, const struct token *t)
{
    if (t->value_len == 0 || t->value_len >= KE_TEST_FILTER_MAX) {
        warn(c, "test= needs a value of 1 to %d characters; ignored", KE_TEST_FILTER_MAX - 1);
        return;
    }
    for (size_t i = 0; i < t->value_len; i++)
        c->test_filter[i] = t->value[i];
    c->test_filter[t->value_len] = 0;
    c->run_tests = true;
}

static const struct {
    const char *name;
    void (*apply)(struct ke_config *c, const struct token *t);
} options[] = {
    {"split", option_split}, {"loglevel", option_loglevel}, {"mem", option_mem},
    {"hz", option_hz},       {"test", option_test},         {"sysenter", option_sysenter},
    {"ata", option_ata},     {"trace", option_trace},       {"copyyield", option_copyyield},
};

static void apply_token(struct ke_config *c, const struct token *t)
{
    for (unsigned i = 0; i < ARRAY_SIZE(options); i++) {
        if (!equals(t->key, t->key_len, options[i].name))
            continue;
        if (t->value)
            options[i].apply(c, t);
        else
            warn(c, "option '%s' needs a value (%s=...); ignored", options[i].name,
                 options[i].name);
        return;
    }
    if (t->value)
        warn(c, "unknown option '%.*s=%.*s' ignored", (int)t->key_len, t->key, (int)t->value_len,
             t->value);
    else
        warn(c, "unknown option '%.*s' ignored", (int)t->key_len, t->key);
}

/* QEMU's -kernel puts the kernel's file name first ("/x/kernel.elf" or "build/kernel.elf"): a
 * first word with a '/' and no '=' is that, not an option. */
static bool looks_like_path(const char *word, size_t len)
{
    bool slash = false;
    for (size_t i = 0; i < len; i++) {
        if (word[i] == '=')
            return false;
        slash |= word[i] == '/';
    }
    return slash;
}

static bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* Does word start with prefix (ASCII, case-insensitive, as options are)? 0 when it does. */
static int strncmp_prefix(const char *word, const char *prefix)
{
    for (; *prefix; word++, prefix++) {
        char a = *word >= 'A' && *word <= 'Z' ? (char)(*word + 32) : *word;
        if (a != *prefix)
            return 1;
    }
    return 0;
}

/* autorun=: the rest of the line. GRUB 2.06 escapes \\, ' and " with a backslash and puts double
 * quotes around words that have spaces (which the program's own argument parser reads); QEMU's
 * -kernel passes the line as it is. Both come out the same here. */
static void take_autorun(struct ke_config *c, const char *value)
{
    size_t n = 0;
    bool truncated = false;
    for (const char *q = value; *q; q++) {
        char ch = *q;
        if (ch == '\\' && (q[1] == '\\' || q[1] == '"' || q[1] == '\''))
            ch = *++q;
        if (n + 1 >= KE_AUTORUN_MAX) {
            truncated = true;
            break;
        }
        c->autorun[n++] = ch;
    }
    while (n && is_space(c->autorun[n - 1]))
        n--;
    c->autorun[n] = 0;
    if (truncated)
        warn(c, "autorun= is longer than %d characters; cut", KE_AUTORUN_MAX - 1);
}

void ke_parse_cmdline(const char *cmdline, struct ke_config *c)
{
    *c = (struct ke_config){
        .split = KE_SPLIT_2G, .log_level = 2, .timer_hz = KE_DEFAULT_HZ, .sysenter = true};
    const char *p = cmdline ? cmdline : "";
    bool first = true;
    while (*p) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        const char *word = p;
        while (*p && !is_space(*p))
            p++;
        bool is_path = first && looks_like_path(word, (size_t)(p - word));
        first = false;
        if (is_path)
            continue;
        if (!strncmp_prefix(word, "autorun=")) {
            take_autorun(c, word + 8);
            break;
        }
        struct token t = {.key = word, .key_len = (size_t)(p - word)};
        for (const char *q = word; q < p; q++) {
            if (*q == '=') {
                t.key_len = (size_t)(q - word);
                t.value = q + 1;
                t.value_len = (size_t)(p - q - 1);
                break;
            }
        }
        apply_token(c, &t);
    }
}
