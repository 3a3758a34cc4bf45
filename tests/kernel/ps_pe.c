/* tests/kernel/ps_pe.c: processes started from PE files on C: (kernel/ps/create.c): the program's
 * return value is the exit status, a fault ends it with its status, and a second launch of the same
 * program reads no page of its image from the disk again (one image segment per file). */
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ob/ob.h"
#include "kernel/ps/thread.h"
#include "mm/mm.h"
#include "tests/kernel/program.h"

#define HELLO             "\\??\\C:\\Tests\\hello.exe"
#define IMAGE_SEGMENT_TAG MM_TAG('M', 'm', 'S', 'i') /* mm/image.c */

/* Runs the program at path with cmdline; it must end with expected. */
static const char *run_path(const char *path, const char *cmdline, NTSTATUS expected)
{
    struct ps_process *p;
    NTSTATUS status = ps_create_user_process(path, cmdline, &p);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting %s failed with %08x", path, (uint32_t)status);
    int64_t timeout = -300000000ll;
    if (ke_wait_for_object(p, &timeout) == STATUS_TIMEOUT) {
        ps_terminate_process(p, STATUS_TIMEOUT);
        ke_wait_for_object(p, NULL);
    }
    NTSTATUS exit_status = p->exit_status;
    ob_dereference_object(p);
    if (exit_status != expected)
        return ktest_failf("'%s' exited with %08x, expected %08x", cmdline, (uint32_t)exit_status,
                           (uint32_t)expected);
    return NULL;
}

static const char *run(const char *cmdline, NTSTATUS expected)
{
    return run_path(HELLO, cmdline, expected);
}

KTEST(pe, program_return_is_the_exit_status)
{
    KT_RUN(run("hello.exe", 42));
    KT_RUN(run("hello.exe fault", STATUS_ACCESS_VIOLATION));
    return NULL;
}

KTEST(pe, second_launch_reads_no_image_page)
{
    KT_RUN(run("hello.exe", 42));
    uint32_t before = ps_image_pages_read(HELLO);
    KT_RUN(run("hello.exe", 42));
    KT_EQ(ps_image_pages_read(HELLO), before);
    KT_TRUE(before > 0);
    return NULL;
}

/* Regression: a program's second launch found its cached image segment through the file's FCB and
 * took a reference without taking it off the unused list, so its end put it on the list twice and
 * a later trim or purge freed a segment still listed (a kernel page fault at a garbage address).
 * Three launches, then every unused image goes: nothing of hello.exe's may be left. */
KTEST(pe, relaunched_image_leaves_the_unused_list)
{
    mm_purge_unused_segments();
    size_t before = mm_pool_tag_bytes(IMAGE_SEGMENT_TAG);
    for (int i = 0; i < 3; i++)
        KT_RUN(run("hello.exe", 42));
    KT_TRUE(mm_pool_tag_bytes(IMAGE_SEGMENT_TAG) > before); /* kept for the next launch */
    mm_purge_unused_segments();
    KT_EQ(mm_pool_tag_bytes(IMAGE_SEGMENT_TAG), before);
    return NULL;
}

/* Regression: two processes that loaded one image at once made a segment each (making one reads
 * the headers from the disk, and the other looked at the FCB meanwhile), so a SHARED section was
 * shared by neither: tests/win32/shared.c failed now and then under copyyield=1. Two kernel threads
 * open hello.exe, then make its image section at once, with nothing of it cached: one segment for
 * both. */
struct image_opener {
    struct ke_event *go;
    struct io_file *file;
    struct mm_section *section;
    NTSTATUS status;
};

static void make_hello_section(void *context)
{
    struct image_opener *o = context;
    ke_wait_for_object(o->go, NULL);
    o->status = mm_create_image_section(o->file, &o->section);
}

KTEST(pe, concurrent_loads_share_one_image_segment)
{
    struct ke_event go;
    ke_init_dispatcher_header(&go.header, KE_NOTIFICATION_EVENT, 0);
    struct image_opener openers[2] = {{&go, NULL, NULL, STATUS_PENDING},
                                      {&go, NULL, NULL, STATUS_PENDING}};
    struct ps_thread *threads[2] = {NULL, NULL};
    mm_purge_unused_segments();
    size_t before = mm_pool_tag_bytes(IMAGE_SEGMENT_TAG);
    for (int i = 0; i < 2; i++) {
        KT_EQ(kt_open_file(HELLO, &openers[i].file), STATUS_SUCCESS);
        struct ps_thread_start start = {.kernel_routine = make_hello_section,
                                        .kernel_context = &openers[i]};
        KT_EQ(ps_create_thread(ps_system_process, &start, &threads[i]), STATUS_SUCCESS);
    }
    ke_set_event(&go);
    for (int i = 0; i < 2; i++) {
        ke_wait_for_object(threads[i], NULL);
        ob_dereference_object(threads[i]);
    }
    bool same =
        openers[0].section && openers[1].section &&
        mm_section_image_info(openers[0].section) == mm_section_image_info(openers[1].section);
    for (int i = 0; i < 2; i++) {
        if (openers[i].section)
            ob_dereference_object(openers[i].section);
        ob_dereference_object(openers[i].file);
    }
    mm_purge_unused_segments();
    KT_EQ(openers[0].status, STATUS_SUCCESS);
    KT_EQ(openers[1].status, STATUS_SUCCESS);
    KT_TRUE(same);
    KT_EQ(mm_pool_tag_bytes(IMAGE_SEGMENT_TAG), before);
    return NULL;
}

/* Regression: PAGE_EXECUTE_WRITECOPY on an untouched image page was taken for the view's own
 * protection and dropped (tests/win32/imageprot.c). */
KTEST(pe, protect_untouched_image_page_execute_writecopy)
{
    return run_path("\\??\\C:\\Tests\\imageprot.exe", "imageprot", 0);
}
