/* user/rt/cmdline.c: splits the process's UTF-16 command line into argv for main (user/rt/start.c).
 * Pure C with no system calls, so the host tests run it under the sanitizers (tests/host). */
#include <stdbool.h>
#include "user/rt/cmdline.h"

static bool is_space(uint16_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int rt_split_command_line(const uint16_t *line, size_t chars, char *buf, size_t size, char **argv,
                          int max_args)
{
    size_t in = 0, out = 0;
    int argc = 0;
    if (!line || !buf || size == 0 || max_args < 0) {
        argv[0] = NULL;
        return 0;
    }
    while (argc < max_args) {
        while (in < chars && is_space(line[in]))
            in++;
        if (in == chars || out + 1 >= size)
            break;
        argv[argc++] = &buf[out];
        bool quoted = false;
        for (; in < chars && (quoted || !is_space(line[in])); in++) {
            uint16_t c = line[in];
            if (c == '"') {
                quoted = !quoted;
                continue;
            }
            if (out + 1 < size)
                buf[out++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
        }
        buf[out] = 0;
        if (out + 1 < size)
            out++;
    }
    argv[argc] = NULL;
    return argc;
}
