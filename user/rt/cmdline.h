/* user/rt/cmdline.h: the command-line splitter of the runtime (user/rt/cmdline.c). Pure C with
 * no NT headers (kernel/ndk/ntapi.h is 32-bit only), so the 64-bit host tests can build it too; the
 * characters are UTF-16 code units, NT's WCHAR. */
#ifndef PAGODA_USER_RT_CMDLINE_H
#define PAGODA_USER_RT_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

/* Splits a UTF-16 command line of `chars` characters into at most max_args ASCII words (characters
 * outside 0x20..0x7E become '?'); double quotes group words with spaces ("a b" is one word, the
 * quotes are dropped, there is no escape character). The words are stored in buf (size bytes,
 * each terminated; words that do not fit are cut or dropped) and argv, which needs max_args + 1
 * entries: argv[argc] is NULL. Returns argc. */
int rt_split_command_line(const uint16_t *line, size_t chars, char *buf, size_t size, char **argv,
                          int max_args);

#endif
