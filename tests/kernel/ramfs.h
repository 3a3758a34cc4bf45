/* tests/kernel/ramfs.h: the test file system of tests/kernel/io_ramfs.c, for other kernel tests:
 * mount it under a letter, and hold one read or write at a given offset at a gate, so a test can
 * act while a page-in or a write-back is in flight (tests/kernel/mm_pagein.c). */
#ifndef PAGODA_TESTS_KERNEL_RAMFS_H
#define PAGODA_TESTS_KERNEL_RAMFS_H

#include "kernel/ke/wait.h"

/* While kt_ramfs_gate points at one, every read (or write, when `write`) at exactly `offset` counts
 * itself in `hits`, signals `reached`, waits until `open` is signaled and then fails with `status`
 * unless it is 0 (an unreadable sector). Events are notification events the test initializes. */
struct kt_ramfs_gate {
    uint64_t offset;
    bool write;
    NTSTATUS status;
    uint32_t hits;
    struct ke_event reached, open;
};
extern struct kt_ramfs_gate *volatile kt_ramfs_gate;

/* Mounts an empty ramfs as letter; the unmount removes every file it holds. */
NTSTATUS kt_ramfs_mount(WCHAR letter);
NTSTATUS kt_ramfs_unmount(WCHAR letter);

#endif
