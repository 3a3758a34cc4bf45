/* tests/common/cases.h: test cases for pure code (formatting, the command line, the memory map),
 * written once and run twice: in the kernel (tests/kernel/pure.c) and on the host with sanitizers
 * (tests/host/test_pure.c). Each returns NULL or a failure message, like every ktest. */
#ifndef PAGODA_TESTS_CASES_H
#define PAGODA_TESTS_CASES_H

#include "kernel/ke/ktest.h"
#ifdef PAGODA_HOST
#include <string.h>
#else
#include "kernel/rtl/string.h"
#endif

struct tc_case {
    const char *name;
    const char *(*run)(void);
};

#define TC_LIST(X)                                                                                 \
    X(format_integers)                                                                             \
    X(format_strings_and_padding)                                                                  \
    X(format_truncation)                                                                           \
    X(cmdline_defaults)                                                                            \
    X(cmdline_all_options)                                                                         \
    X(cmdline_unknown_options)                                                                     \
    X(cmdline_bad_values)                                                                          \
    X(cmdline_kernel_path)                                                                         \
    X(cmdline_sizes)                                                                               \
    X(physmap_simple)                                                                              \
    X(physmap_unsorted_overlapping)                                                                \
    X(physmap_reserved_wins)                                                                       \
    X(physmap_exclusions_and_alignment)                                                            \
    X(physmap_odd_entries)                                                                         \
    X(physmap_mem_limit)                                                                           \
    X(vad_insert_lookup_overlap)                                                                   \
    X(vad_find_free_aligned)                                                                       \
    X(vad_random_against_model)                                                                    \
    X(vad_stays_balanced)                                                                          \
    X(protect_from_win32)                                                                          \
    X(protect_round_trips)                                                                         \
    X(pte_states)

#define TC_DECLARE(n) const char *tc_##n(void);
TC_LIST(TC_DECLARE)
#undef TC_DECLARE

#endif
