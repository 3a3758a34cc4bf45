/* tests/kernel/pagein.h: the check of a mapped page whose read fails (tests/kernel/mm_pagein.c),
 * shared by the ramfs test and the blkdebug one (tests/kernel/inject.c). */
#ifndef PAGODA_TESTS_KERNEL_PAGEIN_H
#define PAGODA_TESTS_KERNEL_PAGEIN_H

/* Runs "pagein <drive> inpage_touch" (must end with STATUS_IN_PAGE_ERROR) and "... inpage_copy"
 * (must pass); NULL or what went wrong. */
const char *kt_check_in_page_errors(char drive);

#endif
