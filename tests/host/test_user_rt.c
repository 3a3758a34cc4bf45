/* tests/host/test_user_rt.c: the pure parts of the user runtime (user/rt) on the host, under
 * the sanitizers: the command-line splitter that builds main's argv. One "ok"/"FAIL" line a
 * case. */
#include <stdio.h>
#include <string.h>
#include "user/rt/cmdline.h"

static int failed;

/* Splits ascii (widened to UTF-16, with `extra` appended) and compares with the expected words. */
static const char *split(const char *ascii, uint16_t extra, size_t size, int max_args,
                         const char *const *want, int want_argc)
{
    static uint16_t line[256];
    static char buf[256];
    static char *argv[33];
    static char message[256];
    size_t n = strlen(ascii);
    for (size_t i = 0; i < n; i++)
        line[i] = (unsigned char)ascii[i];
    if (extra)
        line[n++] = extra;
    memset(argv, 0x5A, sizeof argv);
    int argc = rt_split_command_line(line, n, buf, size, argv, max_args);
    if (argc != want_argc) {
        snprintf(message, sizeof message, "\"%s\": argc %d, expected %d", ascii, argc, want_argc);
        return message;
    }
    if (argv[argc] != NULL)
        return "argv[argc] is not NULL";
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], want[i]) != 0) {
            snprintf(message, sizeof message, "\"%s\": argv[%d] = \"%s\", expected \"%s\"", ascii,
                     i, argv[i], want[i]);
            return message;
        }
    return NULL;
}

static void report(const char *name, const char *error)
{
    if (error) {
        printf("FAIL host.user_rt_%s: %s\n", name, error);
        failed++;
    } else {
        printf("ok host.user_rt_%s\n", name);
    }
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__})
#define SPLIT(ascii, ...)                                                                          \
    split(ascii, 0, 256, 32, WORDS(__VA_ARGS__),                                                   \
          (int)(sizeof WORDS(__VA_ARGS__) / sizeof(const char *)))

static const char *words_and_spaces(void)
{
    const char *e;
    if ((e = SPLIT("sync timeouts", "sync", "timeouts")))
        return e;
    if ((e = SPLIT("  \tfaults   write_2g  ", "faults", "write_2g")))
        return e;
    return SPLIT("handles", "handles");
}

static const char *quotes(void)
{
    const char *e;
    if ((e = SPLIT("isolation \"5A 5A\" x", "isolation", "5A 5A", "x")))
        return e;
    if ((e = SPLIT("a\"\"b", "ab")))
        return e;
    return SPLIT("p \"\"", "p", "");
}

static const char *non_ascii(void) { return split("caf", 0x00E9, 256, 32, WORDS("caf?"), 1); }

static const char *limits(void)
{
    const char *e;
    if ((e = split("a b c d", 0, 256, 2, WORDS("a", "b"), 2)))
        return e;
    /* 4 bytes of buffer: "abc" fits with its terminator, nothing more. */
    if ((e = split("abcdef gh", 0, 4, 32, WORDS("abc"), 1)))
        return e;
    if ((e = split("", 0, 256, 32, WORDS(""), 0)))
        return e;
    char *argv[2];
    char buf[8];
    if (rt_split_command_line(NULL, 5, buf, sizeof buf, argv, 1) != 0 || argv[0] != NULL)
        return "a NULL command line did not give argc 0";
    return NULL;
}

int main(void)
{
    report("cmdline_words_and_spaces", words_and_spaces());
    report("cmdline_quotes", quotes());
    report("cmdline_non_ascii", non_ascii());
    report("cmdline_limits", limits());
    return failed ? 1 : 0;
}
