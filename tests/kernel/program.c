/* tests/kernel/program.c: starting the test programs on C: (tests/kernel/program.h). */
#include "kernel/io/io.h"
#include "kernel/ke/ktest.h"
#include "kernel/ob/ob.h"
#include "kernel/rtl/format.h"
#include "tests/kernel/program.h"

#define FILE_TAG      MM_TAG('K', 't', 'F', 'i')
#define MAX_PATH      128
#define MAX_FILE_SIZE (1u << 20)

NTSTATUS kt_start_program(const char *name, const char *command_line, struct ps_process **process)
{
    char path[96];
    if (rtl_snprintf(path, sizeof path, "\\??\\C:\\Tests\\%s.exe", name) >= (int)sizeof path)
        return STATUS_OBJECT_NAME_INVALID;
    return ps_create_user_process(path, command_line, process);
}

void kt_frame_stats(struct mm_frame_stats *stats)
{
    mm_purge_unused_segments();
    mm_get_frame_stats(stats);
}

NTSTATUS kt_open_file(const char *path, struct io_file **file)
{
    WCHAR wide[MAX_PATH];
    size_t chars = 0;
    for (; path[chars] && chars < MAX_PATH; chars++)
        wide[chars] = (WCHAR)(uint8_t)path[chars];
    if (path[chars])
        return STATUS_OBJECT_NAME_INVALID;
    struct io_open open = {
        .access = FILE_READ_DATA | SYNCHRONIZE,
        .share = FILE_SHARE_READ,
        .disposition = FILE_OPEN,
        .options = FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE,
    };
    uint32_t action;
    return io_create_file(wide, chars, &open, file, &action);
}

const char *kt_read_file(const char *path, struct kt_file *out)
{
    struct io_file *file;
    uint64_t size = 0;
    uint32_t done = 0;
    *out = (struct kt_file){0};
    NTSTATUS status = kt_open_file(path, &file);
    if (!NT_SUCCESS(status))
        return ktest_failf("opening %s: %08x", path, (uint32_t)status);
    status = io_file_pager.query_size(file, &size);
    if (NT_SUCCESS(status) && (size == 0 || size > MAX_FILE_SIZE))
        status = STATUS_FILE_TOO_LARGE;
    if (NT_SUCCESS(status) && !(out->data = mm_pool_alloc((uint32_t)size, FILE_TAG)))
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (NT_SUCCESS(status))
        status = io_file_pager.read(file, 0, out->data, (uint32_t)size, &done);
    ob_dereference_object(file);
    if (NT_SUCCESS(status) && done != size)
        status = STATUS_END_OF_FILE;
    if (!NT_SUCCESS(status)) {
        kt_free_file(out);
        return ktest_failf("reading %s (%u bytes): %08x", path, (uint32_t)size, (uint32_t)status);
    }
    out->size = (uint32_t)size;
    return NULL;
}

void kt_free_file(struct kt_file *file)
{
    if (file->data)
        mm_pool_free(file->data, FILE_TAG);
    *file = (struct kt_file){0};
}
