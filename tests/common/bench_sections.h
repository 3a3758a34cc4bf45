/* tests/common/bench_sections.h: the shape of tests/user/bench_sections.c's samples, which the
 * kernel's bench.section_faults checks against the process's fault counters. */
#ifndef PAGODA_TESTS_COMMON_BENCH_SECTIONS_H
#define PAGODA_TESTS_COMMON_BENCH_SECTIONS_H

#define BENCH_FILE_PAGES    768u /* \Tests\Sizes\size-3145728.bin */
#define BENCH_BATCH_PAGES   32u /* pages faulted per sample: a 128 KiB window of the file */
#define BENCH_FAULT_SAMPLES 201u /* per figure, after one warm-up sample */
#define BENCH_DISK_PAGES    8u /* pages read from the disk per sample, at a 64 KiB boundary */
#define BENCH_DISK_SAMPLES  61u

#endif
