/* tests/kernel/mm_sections.c: sections and views driven from the kernel: the user program
 * tests/user/sections.c on C: (pagefile-backed and data-file sections, aliasing, copy-on-write,
 * coherence with NtReadFile/NtWriteFile, statuses), a named section shared by two processes, and
 * no frame or pool byte left behind by either. */
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ob/ob.h"
#include "kernel/ps/thread.h"
#include "mm/mi.h"
#include "tests/kernel/program.h"

#define SEGMENT_TAG MM_TAG('M', 'm', 'S', 'g')
#define CHUNK_TAG   MM_TAG('M', 'm', 'P', 't')

static NTSTATUS start(const char *cmdline, struct ps_process **p)
{
    return kt_start_program("sections", cmdline, p);
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

/* Runs "sections C <subtests>" to its end; its exit status. */
static NTSTATUS run(const char *cmdline)
{
    struct ps_process *p;
    NTSTATUS status = start(cmdline, &p);
    return NT_SUCCESS(status) ? finish(p) : status;
}

KTEST(mm, sections_from_user_mode)
{
    struct mm_frame_stats before, after;
    kt_frame_stats(&before);
    struct ps_process *p;
    const char *cmdline =
        "sections C alias writecopy reserve named file_view file_extend file_coherence statuses";
    NTSTATUS status = start(cmdline, &p);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting sections failed with %08x", (uint32_t)status);
    status = finish(p);
    kt_frame_stats(&after);
    if (status != 0)
        return ktest_failf("'%s' exited with %08x (%d failed checks?)", cmdline, (uint32_t)status,
                           (int)status);
    KT_EQ(mm_pool_tag_bytes(SEGMENT_TAG), 0);
    KT_EQ(mm_pool_tag_bytes(CHUNK_TAG), 0);
    KT_EQ(kt_frames_used(&after), kt_frames_used(&before));
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

/* The room the user side of section_commit_limit gets above the charge: 512 pages, or a quarter of
 * the free frames on a small machine (486-4m), since it touches two pages for each page of room. */
static uint32_t commit_room_pages(void)
{
    struct mm_frame_stats frames;
    kt_frame_stats(&frames);
    uint32_t quarter = (frames.free + frames.zeroed) / 4;
    return quarter < 512 ? quarter : 512;
}

/* The commit limit: a charge fails at the limit, even when the limit was lowered below the total
 * (the test hook can do that); then the user side's sections and views against a limit
 * commit_room_pages() above the charge (tests/user/sections.c commit_limit). Everything is given
 * back. */
KTEST(mm, section_commit_limit)
{
    struct mm_commit_info before, after;
    KT_EQ(mi_charge_commit(NULL, 2), STATUS_SUCCESS);
    mm_get_commit_info(&before);
    uint32_t old = mm_test_set_commit_limit(before.total - 1);
    NTSTATUS below = mi_charge_commit(NULL, 1);
    mi_return_commit(NULL, NT_SUCCESS(below) ? 3 : 2);
    mm_get_commit_info(&before);
    mm_test_set_commit_limit(before.total + commit_room_pages());
    NTSTATUS status = run("sections C commit_limit");
    mm_test_set_commit_limit(old);
    mm_get_commit_info(&after);
    KT_EQ(below, STATUS_COMMITMENT_LIMIT);
    KT_EQ(status, 0);
    KT_EQ(after.total, before.total);
    return NULL;
}

/* 1,000 map/unmap rounds (tests/user/sections.c map_loop) leave no frame and no pool byte: a first
 * run warms up whatever is made once, the second must end where it started. */
KTEST(mm, section_map_loop_leaks_nothing)
{
    KT_EQ(run("sections C map_loop"), 0);
    struct mm_frame_stats before, after;
    kt_frame_stats(&before);
    size_t pool_before = mm_pool_bytes_in_use();
    KT_EQ(run("sections C map_loop"), 0);
    kt_frame_stats(&after);
    KT_EQ(mm_pool_bytes_in_use(), pool_before);
    KT_EQ(kt_frames_used(&after), kt_frames_used(&before));
    KT_EQ(mm_pool_tag_bytes(SEGMENT_TAG), 0);
    return NULL;
}

/* Out of frames: with only the pool's reserve and 256 frames left and no commit limit, touching a
 * 64 MiB section (shared, then copy-on-write) ends the process with STATUS_NO_MEMORY; the kernel
 * goes on, and every frame comes back. */
KTEST(mm, sections_out_of_memory)
{
    struct mm_frame_stats base, after;
    kt_frame_stats(&base);
    uint32_t capacity = base.free + base.zeroed;
    pfn_t *taken = mm_pool_alloc(capacity * sizeof(pfn_t), MM_TAG('T', 'o', 'o', 'm'));
    KT_TRUE(taken != NULL);
    struct mm_frame_stats now;
    kt_frame_stats(&now);
    uint32_t keep = mm_pool_reserve_pages + 256, n = 0;
    while (now.free + now.zeroed > keep + n && (taken[n] = mm_alloc_frame(MM_FRAME_ANY)))
        n++;
    uint32_t old = mm_test_set_commit_limit(UINT32_MAX);
    NTSTATUS shared = run("sections C oom"), copied = run("sections C oom_cow");
    mm_test_set_commit_limit(old);
    while (n)
        mm_free_frame(taken[--n]);
    mm_pool_free(taken, MM_TAG('T', 'o', 'o', 'm'));
    kt_frame_stats(&after);
    KT_EQ(shared, STATUS_NO_MEMORY);
    KT_EQ(copied, STATUS_NO_MEMORY);
    KT_EQ(mm_pool_tag_bytes(SEGMENT_TAG), 0);
    KT_EQ(mm_pool_tag_bytes(CHUNK_TAG), 0);
    KT_EQ(kt_frames_used(&after), kt_frames_used(&base));
    return NULL;
}
