/* tests/kernel/program.h: the test programs (tests/user, tests/win32), PE files on C: under \Tests,
 * started by the kernel's tests as any process is (kernel/ps/create.c). */
#ifndef PAGODA_TESTS_KERNEL_PROGRAM_H
#define PAGODA_TESTS_KERNEL_PROGRAM_H

#include "kernel/ps/thread.h"
#include "mm/mm.h"

/* A process running \??\C:\Tests\NAME.exe with command_line (its first word is argv[0]), one
 * reference for the caller; ps_create_user_process's statuses. */
NTSTATUS kt_start_program(const char *name, const char *command_line, struct ps_process **process);

/* mm_get_frame_stats after the images no process maps any more are let go (their pages, segments
 * and file objects), for a test that measures what programs leave: compare kt_frames_used, as
 * ntdll.dll's pages stay (the first program reads some, later ones more). */
void kt_frame_stats(struct mm_frame_stats *stats);
/* Of stats, the frames in use but the kernel's page tables and the image cache. */
static inline uint32_t kt_frames_used(const struct mm_frame_stats *stats)
{
    return stats->active - stats->page_tables - stats->image_pages;
}

/* A whole file's bytes in pool memory, for tests of code that takes a file's contents. */
struct kt_file {
    uint8_t *data;
    uint32_t size;
};
/* Opens path (\??\C:\...) for reading, sharing reads: one reference to the file object. */
struct io_file;
NTSTATUS kt_open_file(const char *path, struct io_file **file);
/* Reads path (\??\C:\..., at most 1 MiB) into file; NULL, or what failed. */
const char *kt_read_file(const char *path, struct kt_file *file);
void kt_free_file(struct kt_file *file);

#endif
