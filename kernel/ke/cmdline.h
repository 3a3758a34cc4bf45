/* kernel/ke/cmdline.h: the kernel command line, parsed into struct ke_config.
 * Pure C (no kernel services): the parser is also tested on the host (tests/host). */
#ifndef PAGODA_CMDLINE_H
#define PAGODA_CMDLINE_H

#include "kernel/ndk/types.h"

#define KE_CMDLINE_MAX         512
#define KE_TEST_FILTER_MAX     128
#define KE_CONFIG_MAX_WARNINGS 8
#define KE_WARNING_LEN         96
#define KE_AUTORUN_MAX         256

enum ke_split { KE_SPLIT_2G = 2, KE_SPLIT_3G = 3 }; /* GiB of user space (mm_compute_split) */

struct ke_config {
    enum ke_split split;
    int log_level; /* enum ke_log_level */
    uint64_t mem_limit; /* bytes of RAM to use; 0 = all */
    unsigned timer_hz;
    bool run_tests;
    bool sysenter; /* use sysenter for system calls where the CPU can */
    bool ata_pio; /* ata=pio: disks use PIO even where there is a bus master */
    bool trace_faults; /* trace=faults: a log line per page fault */
    bool copy_yield; /* copyyield=1: every copy of user memory yields the processor first */
    /* autorun=PATH ARGS: the rest of the command line, GRUB's escapes undone ("" when absent) */
    char autorun[KE_AUTORUN_MAX];
    char
        test_filter[KE_TEST_FILTER_MAX]; /* "all", "none", "panic" or subsystems, comma-separated */
    int warning_count;
    char warnings[KE_CONFIG_MAX_WARNINGS][KE_WARNING_LEN];
};

#define KE_DEFAULT_HZ 100
#define KE_MIN_HZ     19 /* the PIT's 16-bit divisor cannot go slower */
#define KE_MAX_HZ     1000

/* Sets the defaults, then applies each option of cmdline. `autorun=` takes the rest of the line
 * (a program and its arguments), with GRUB's backslash escapes undone. Unknown options and bad
 * values are recorded in config->warnings (and otherwise ignored); the parse never fails. A first
 * word with a '/' and no '=' is the kernel's path (QEMU's -kernel passes it) and is skipped. */
void ke_parse_cmdline(const char *cmdline, struct ke_config *config);
/* The kernel's configuration, parsed by kmain (kernel/init.c). */
extern struct ke_config ke_config;

/* Parses "<n>[K|M|G]" (bytes); false on anything else or when it does not fit 64 bits. */
bool ke_parse_size(const char *s, size_t len, uint64_t *out);

#endif
