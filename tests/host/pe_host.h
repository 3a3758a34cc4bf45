/* tests/host/pe_host.h: what the PE host tests share (tests/host/pe_host.c): files, images opened
 * and laid out, binutils as the independent oracle (objdump -p/-h, nm), and the pipeline that runs
 * every walker of ldr/pe.h over one image and says where it stopped. Helpers return NULL or a
 * message. */
#ifndef PAGODA_TESTS_PE_HOST_H
#define PAGODA_TESTS_PE_HOST_H

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ldr/pe.h"

extern char message[512];

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            snprintf(message, sizeof message, __VA_ARGS__);                                        \
            return message;                                                                        \
        }                                                                                          \
    } while (0)
#define CHECK_EQ(actual, expected)                                                                 \
    do {                                                                                           \
        unsigned long long a_ = (unsigned long long)(actual), e_ = (expected);                     \
        CHECK(a_ == e_, "%s at line %d: 0x%llx, expected 0x%llx", #actual, __LINE__, a_, e_);      \
    } while (0)
#define CHECK_STATUS(expr, want)                                                                   \
    do {                                                                                           \
        NTSTATUS s_ = (expr);                                                                      \
        CHECK(s_ == (NTSTATUS)(want), "%s at line %d: status 0x%08X, expected 0x%08X", #expr,      \
              __LINE__, (unsigned)s_, (unsigned)(want));                                           \
    } while (0)
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        const char *e_ = (expr);                                                                   \
        if (e_)                                                                                    \
            return e_;                                                                             \
    } while (0)

/* Where the images are: build/pe (PE_BUILD overrides) and the sources in tests/pe. */
const char *pe_build_dir(void);

/* A whole file in memory (free with free()). */
const char *pe_read_file(const char *path, uint8_t **data, uint32_t *size);

/* An image parsed from a file and laid out at its preferred base. */
struct pe_loaded {
    uint8_t *file;
    uint32_t file_size;
    struct ldr_pe_image *image;
    uint8_t *memory;
    struct ldr_pe_view view;
};

/* Parses `file` (kept, not copied) and lays it out; on failure everything is freed. */
NTSTATUS pe_open(const uint8_t *file, uint32_t size, struct pe_loaded *l, const char **why);
/* The same from build/pe/NAME, reading the file (pe_close frees it). */
const char *pe_open_path(const char *name, struct pe_loaded *l);
void pe_close(struct pe_loaded *l);

/* binutils: `objdump -p` value of a header line ("SizeOfImage 00012400" -> 0x12400; for "Entry"
 * the directory `index`), and nm's address of the first symbol with this prefix and suffix. */
const char *objdump_value(const char *path, const char *key, int index, uint32_t *value);
/* The output of the command `fmt` with the path in it (cached; NULL when it cannot run), and its
 * lines one by one. */
const char *pe_command(const char *fmt, const char *path);
bool pe_next_line(const char **at, char *line, size_t size);
const char *nm_symbol(const char *path, const char *prefix, const char *suffix, uint32_t *va);

/* How far pe_check got. */
enum pe_stage {
    STAGE_PARSE,
    STAGE_IMPORTS,
    STAGE_DELAY,
    STAGE_EXPORTS,
    STAGE_RELOCS,
    STAGE_TLS,
    STAGE_BIND,
    STAGE_OK
};
extern const char *const pe_stage_names[];

struct pe_result {
    enum pe_stage stage; /* STAGE_OK when everything succeeded */
    NTSTATUS status;
    char why[160];
};

#define PE_TEST_DELTA 0x01000000u /* pe_check relocates every image by this much */

/* Runs parse, every import and delay import, every export (by ordinal, by name with the right
 * hint), the relocation scan and apply (checking the image is untouched when applying fails),
 * TLS at the relocated base and, when `bind` is set, each import against the exporting DLL of
 * build/pe when there is one. Returns NULL or a message for a broken invariant (not for a
 * status). */
const char *pe_check(const uint8_t *file, uint32_t size, int bind, struct pe_result *result);

#endif
