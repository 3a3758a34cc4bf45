/* tests/kernel/mm_sections.c: sections and views driven from the kernel: the user program
 * tests/user/sections.c on C: (pagefile-backed and data-file sections, aliasing, copy-on-write,
 * coherence with NtReadFile/NtWriteFile, statuses), a named section shared by two processes, and
 * no frame or pool byte left behind by either. */
#include "kernel/ke.h"
#include "kernel/ktest.h"
#include "kernel/ob.h"
#include "kernel/thread.h"
#include "mm/mm.h"

#define SEGMENT_TAG MM_TAG('M', 'm', 'S', 'g')
#define CHUNK_TAG   MM_TAG('M', 'm', 'P', 't')

static NTSTATUS start(const char *cmdline, struct ps_process **p)
{
    return ps_create_process_from_image("sections", cmdline, MM_LIMIT_2GB, p);
}

static NTSTATUS finish(struct ps_process *p)
{
    int64_t timeout = -300000000ll;
    if (ke_wait_for_object(p, &timeout) == STATUS_TIMEOUT) {
        ps_terminate_process(p, STATUS_TIMEOUT);
        ke_wait_for_object(p, NULL);
    }
    NTSTATUS status = p->exit_status;
    ob_dereference_object(p);
    return status;
}

KTEST(mm, sections_from_user_mode)
{
    struct mm_frame_stats before, after;
    mm_get_frame_stats(&before);
    struct ps_process *p;
    const char *cmdline =
        "sections C alias writecopy reserve named file_view file_extend file_coherence statuses";
    NTSTATUS status = start(cmdline, &p);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting sections failed with %08x", (uint32_t)status);
    status = finish(p);
    mm_get_frame_stats(&after);
    if (status != 0)
        return ktest_failf("'%s' exited with %08x (%d failed checks?)", cmdline, (uint32_t)status,
                           (int)status);
    KT_EQ(mm_pool_tag_bytes(SEGMENT_TAG), 0);
    KT_EQ(mm_pool_tag_bytes(CHUNK_TAG), 0);
    KT_EQ(after.active - after.page_tables, before.active - before.page_tables);
    return NULL;
}

/* Starts "sections C <first>" and "sections C <second>" together; both must pass. */
static const char *run_pair(const char *first_cmd, const char *second_cmd)
{
    struct ps_process *first, *second;
    KT_EQ(start(first_cmd, &first), STATUS_SUCCESS);
    NTSTATUS status = start(second_cmd, &second);
    if (!NT_SUCCESS(status)) {
        ps_terminate_process(first, status);
        finish(first);
        return ktest_failf("starting the second process failed with %08x", (uint32_t)status);
    }
    NTSTATUS a = finish(first), b = finish(second);
    KT_EQ(a, 0);
    KT_EQ(b, 0);
    KT_EQ(mm_pool_tag_bytes(SEGMENT_TAG), 0);
    return NULL;
}

KTEST(mm, named_section_shared_by_two_processes)
{
    return run_pair("sections C named_first", "sections C named_second");
}

/* One process maps a file's named section shared, another maps it copy-on-write. */
KTEST(mm, copy_on_write_view_beside_a_shared_one_in_another_process)
{
    return run_pair("sections C cow_first", "sections C cow_second");
}
