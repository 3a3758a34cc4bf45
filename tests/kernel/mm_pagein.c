/* tests/kernel/mm_pagein.c: page-ins of mapped files (tests/user/pagein.c): collided faults, where
 * several threads fault on a page being read and one read serves them all, on the test ramfs (whose
 * gate holds the read until every thread waits) and on C:; and a process ended while its threads
 * wait for a page-in, which must end once the read completes, leaving nothing behind. */
#include "kernel/rtl/format.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ex/sync.h"
#include "kernel/ob/ob.h"
#include "kernel/ps/thread.h"
#include "mm/mi.h"
#include "tests/kernel/pagein.h"
#include "tests/kernel/ramfs.h"
#include "tests/kernel/program.h"

#define VIEW_BASE   0x30000000u /* where tests/user/pagein.c maps its file */
#define HOT_OFFSET  (2u * PAGE_SIZE) /* its HOT_PAGE */
#define COLLIDERS   4u
#define SEGMENT_TAG MM_TAG('M', 'm', 'S', 'g')
#define CHUNK_TAG   MM_TAG('M', 'm', 'P', 't')
#define INPAGE_TAG  MM_TAG('M', 'm', 'I', 'p')

static const int64_t thirty_seconds = -300000000ll;

static size_t wlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static NTSTATUS named_event(const WCHAR *name, struct ke_event **out)
{
    NTSTATUS status =
        ob_create_object(&ex_event_type, sizeof **out, name, wlen(name), (void **)out);
    if (NT_SUCCESS(status)) {
        ke_init_dispatcher_header(&(*out)->header, KE_NOTIFICATION_EVENT, 0);
        status = ob_insert_object(*out, 0, 0, NULL, (void **)out);
    }
    return status;
}

/* True when the event comes before the process ends (or 30 s pass). */
static bool event_before_exit(struct ke_event *event, struct ps_process *p)
{
    void *objects[2] = {event, p};
    return ke_wait_for_objects(2, objects, WaitAny, &thirty_seconds) == STATUS_WAIT_0;
}

/* Polls until every thread of p waits (or has ended): the page-in's collisions have all
 * happened. */
static bool all_threads_wait(struct ps_process *p)
{
    for (int tries = 0; tries < 1000; tries++) {
        bool all = true;
        uint32_t irq = ke_disable_interrupts();
        LIST_FOR_EACH(e, &p->threads)
        {
            struct ps_thread *t = CONTAINING_RECORD(e, struct ps_thread, process_link);
            all =
                all && (t->tcb.state == KE_THREAD_WAITING || t->tcb.state == KE_THREAD_TERMINATED);
        }
        ke_restore_interrupts(irq);
        if (all)
            return true;
        ke_delay_execution(-100000, KE_WAIT_KERNEL);
    }
    return false;
}

/* The process's exit status and fault counters, once it has ended; drops the reference. */
static NTSTATUS finish(struct ps_process *p, struct mm_fault_counters *faults)
{
    if (ke_wait_for_object(p, &thirty_seconds) == STATUS_TIMEOUT) {
        ps_terminate_process(p, STATUS_TIMEOUT);
        ke_wait_for_object(p, NULL);
    }
    NTSTATUS status = p->exit_status;
    *faults = p->address_space.faults;
    ob_dereference_object(p);
    return status;
}

/* pages_read of the segment behind the view at VIEW_BASE of p. */
static uint32_t view_pages_read(struct ps_process *p)
{
    struct mm_address_space *as = &p->address_space;
    ke_acquire_lock(&as->lock);
    struct mm_vad *vad = mi_find_vad(as, VIEW_BASE);
    uint32_t pages = vad && vad->segment ? vad->segment->pages_read : UINT32_MAX;
    ke_release_lock(&as->lock);
    return pages;
}

struct collide_run {
    struct mm_fault_counters faults;
    uint32_t pages_read;
    NTSTATUS exit_status;
};

/* Runs "pagein <drive> collide": with a gate, holds the hot page's read until every thread waits
 * for it; reads the segment's count while the view exists (the program's handshake). */
static const char *run_collide(const char *cmdline, struct kt_ramfs_gate *gate,
                               struct collide_run *run)
{
    struct ke_event *ready, *go;
    KT_EQ(named_event(u"\\BaseNamedObjects\\PagodaPageinReady", &ready), STATUS_SUCCESS);
    KT_EQ(named_event(u"\\BaseNamedObjects\\PagodaPageinGo", &go), STATUS_SUCCESS);
    const char *error = NULL;
    struct ps_process *p;
    kt_ramfs_gate = gate;
    NTSTATUS status = kt_start_program("pagein", cmdline, &p);
    if (!NT_SUCCESS(status)) {
        error = ktest_failf("starting '%s' failed with %08x", cmdline, (uint32_t)status);
    } else {
        if (gate && !event_before_exit(&gate->reached, p))
            error = "the hot page's read never reached the file system";
        else if (gate && !all_threads_wait(p))
            error = "the threads did not all come to wait for the page-in";
        if (gate)
            ke_set_event(&gate->open);
        if (!event_before_exit(ready, p) && !error)
            error = "the program ended (or hung) before its handshake";
        run->pages_read = view_pages_read(p);
        ke_set_event(go);
        run->exit_status = finish(p, &run->faults);
    }
    kt_ramfs_gate = NULL;
    ob_dereference_object(ready);
    ob_dereference_object(go);
    return error;
}

/* On the ramfs, deterministically: the first thread's read is held at the gate until the other
 * three wait for it. One read of the page reaches the file system; three faults collided. */
KTEST(mm, pagein_collided_faults_read_once)
{
    struct mm_frame_stats before, after;
    kt_frame_stats(&before);
    KT_EQ(kt_ramfs_mount('R'), STATUS_SUCCESS);
    struct kt_ramfs_gate gate = {.offset = HOT_OFFSET};
    ke_init_dispatcher_header(&gate.reached.header, KE_NOTIFICATION_EVENT, 0);
    ke_init_dispatcher_header(&gate.open.header, KE_NOTIFICATION_EVENT, 0);
    struct collide_run run = {0};
    const char *error = run_collide("pagein R collide", &gate, &run);
    NTSTATUS unmounted = kt_ramfs_unmount('R');
    kt_frame_stats(&after);
    KT_RUN(error);
    KT_EQ(run.exit_status, 0);
    KT_EQ(unmounted, STATUS_SUCCESS);
    KT_EQ(gate.hits, 1); /* one read of the hot page, whatever the number of faults */
    KT_EQ(run.pages_read, 2); /* the hot page and the one the main thread reads after */
    KT_EQ(run.faults.views.read, 2);
    KT_EQ(run.faults.views.collided, COLLIDERS - 1);
    /* Threads share the PTE: the first retry maps the page, the others find it mapped. */
    KT_EQ(run.faults.views.resident, 2);
    KT_EQ(mm_pool_tag_bytes(INPAGE_TAG), 0);
    KT_EQ(mm_pool_tag_bytes(SEGMENT_TAG), 0);
    KT_EQ(kt_frames_used(&after), kt_frames_used(&before));
    return NULL;
}

/* The same on C:, where the read goes to the disk and the scheduler decides how many threads come
 * while it is in flight: still one read of the page, and every thread saw the data. */
KTEST(mm, pagein_collided_faults_on_c)
{
    struct collide_run run = {0};
    KT_RUN(run_collide("pagein C collide", NULL, &run));
    ke_info("mm: %u of %u faults on the page collided with its read\n", run.faults.views.collided,
            COLLIDERS);
    KT_EQ(run.exit_status, 0);
    KT_EQ(run.pages_read, 2);
    KT_EQ(run.faults.views.read, 2);
    KT_TRUE(run.faults.views.collided <= COLLIDERS - 1);
    KT_EQ(run.faults.views.resident, 2);
    KT_EQ(mm_pool_tag_bytes(INPAGE_TAG), 0);
    return NULL;
}

/* A process ended while one thread reads a page in and another waits for that read: kernel waits
 * are not cut short, so it ends when the read completes, with the status it was given, and leaves
 * no frame, pool block or file reference behind (the ramfs unmounts only with every file
 * closed). */
KTEST(mm, pagein_process_ended_while_waiting)
{
    struct mm_frame_stats before, after;
    kt_frame_stats(&before);
    KT_EQ(kt_ramfs_mount('R'), STATUS_SUCCESS);
    struct kt_ramfs_gate gate = {.offset = HOT_OFFSET};
    ke_init_dispatcher_header(&gate.reached.header, KE_NOTIFICATION_EVENT, 0);
    ke_init_dispatcher_header(&gate.open.header, KE_NOTIFICATION_EVENT, 0);
    kt_ramfs_gate = &gate;
    struct ps_process *p;
    NTSTATUS status = kt_start_program("pagein", "pagein R inpage_wait", &p);
    const char *error = NULL;
    NTSTATUS exit_status = 0, early = 0;
    struct mm_fault_counters faults;
    if (!NT_SUCCESS(status)) {
        error = ktest_failf("starting pagein failed with %08x", (uint32_t)status);
    } else {
        if (!event_before_exit(&gate.reached, p) || !all_threads_wait(p))
            error = "the threads never came to wait for the page-in";
        ps_terminate_process(p, 0x1234);
        int64_t short_wait = -1000000; /* 100 ms */
        early = ke_wait_for_object(p, &short_wait);
        ke_set_event(&gate.open);
        exit_status = finish(p, &faults);
    }
    kt_ramfs_gate = NULL;
    NTSTATUS unmounted = kt_ramfs_unmount('R');
    kt_frame_stats(&after);
    KT_RUN(error);
    KT_EQ(early, STATUS_TIMEOUT); /* the read holds its thread */
    KT_EQ(exit_status, 0x1234);
    KT_EQ(gate.hits, 1);
    KT_EQ(unmounted, STATUS_SUCCESS);
    KT_EQ(mm_pool_tag_bytes(INPAGE_TAG), 0);
    KT_EQ(mm_pool_tag_bytes(SEGMENT_TAG), 0);
    KT_EQ(mm_pool_tag_bytes(CHUNK_TAG), 0);
    KT_EQ(kt_frames_used(&after), kt_frames_used(&before));
    return NULL;
}

/* The segment's last reference writes a modified page back (held at the gate) while another thread
 * of the process reads the file with NtReadFile, which looks for the segment's pages: the segment
 * must neither be found half-deleted nor be deleted twice, and the read sees the view's write. */
KTEST(mm, segment_read_during_its_last_flush)
{
    KT_EQ(kt_ramfs_mount('R'), STATUS_SUCCESS);
    struct kt_ramfs_gate gate = {.offset = HOT_OFFSET, .write = true};
    ke_init_dispatcher_header(&gate.reached.header, KE_NOTIFICATION_EVENT, 0);
    ke_init_dispatcher_header(&gate.open.header, KE_NOTIFICATION_EVENT, 0);
    struct ke_event *ready, *go;
    KT_EQ(named_event(u"\\BaseNamedObjects\\PagodaPageinReady", &ready), STATUS_SUCCESS);
    KT_EQ(named_event(u"\\BaseNamedObjects\\PagodaPageinGo", &go), STATUS_SUCCESS);
    kt_ramfs_gate = &gate;
    struct ps_process *p;
    NTSTATUS status = kt_start_program("pagein", "pagein R flush_race", &p);
    const char *error = NULL;
    NTSTATUS exit_status = 0;
    struct mm_fault_counters faults;
    if (!NT_SUCCESS(status)) {
        error = ktest_failf("starting pagein failed with %08x", (uint32_t)status);
    } else {
        if (!event_before_exit(&gate.reached, p))
            error = "the last view's write-back never reached the file system";
        ke_set_event(go);
        if (!error && !event_before_exit(ready, p))
            error = "the racing NtReadFile did not complete while the write-back waited";
        ke_set_event(&gate.open);
        exit_status = finish(p, &faults);
    }
    kt_ramfs_gate = NULL;
    ob_dereference_object(ready);
    ob_dereference_object(go);
    NTSTATUS unmounted = kt_ramfs_unmount('R');
    KT_RUN(error);
    KT_EQ(exit_status, 0);
    KT_EQ(gate.hits, 1);
    KT_EQ(unmounted, STATUS_SUCCESS);
    KT_EQ(mm_pool_tag_bytes(SEGMENT_TAG), 0);
    KT_EQ(mm_pool_tag_bytes(CHUNK_TAG), 0);
    return NULL;
}

/* Runs "pagein <cmdline>" to its end; its exit status and fault counters. */
static const char *run_pagein(const char *cmdline, NTSTATUS *exit_status,
                              struct mm_fault_counters *faults)
{
    struct ps_process *p;
    NTSTATUS status = kt_start_program("pagein", cmdline, &p);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting '%s' failed with %08x", cmdline, (uint32_t)status);
    *exit_status = finish(p, faults);
    return NULL;
}

const char *kt_check_in_page_errors(char drive)
{
    char touch[32], copy[32];
    rtl_snprintf(touch, sizeof touch, "pagein %c inpage_touch", drive);
    rtl_snprintf(copy, sizeof copy, "pagein %c inpage_copy", drive);
    NTSTATUS touched = 0, copied = 0;
    struct mm_fault_counters touch_faults, copy_faults;
    KT_RUN(run_pagein(touch, &touched, &touch_faults));
    KT_RUN(run_pagein(copy, &copied, &copy_faults));
    KT_EQ(touched, STATUS_IN_PAGE_ERROR); /* a user touch ends the process */
    KT_EQ(touch_faults.in_page_errors, 1);
    KT_EQ(copied, 0); /* a system call's copy returns the status (tests/user/pagein.c) */
    KT_EQ(copy_faults.in_page_errors, 2);
    KT_TRUE(copy_faults.from_kernel >= 2);
    KT_EQ(mm_pool_tag_bytes(INPAGE_TAG), 0);
    KT_EQ(mm_pool_tag_bytes(SEGMENT_TAG), 0);
    return NULL;
}

/* A page whose read fails (the ramfs fails every read of the hot page): STATUS_IN_PAGE_ERROR for a
 * touch and for a system call's copy. tests/run's blkdebug entry does the same on the disk. */
KTEST(mm, pagein_read_error)
{
    struct mm_frame_stats before, after;
    kt_frame_stats(&before);
    KT_EQ(kt_ramfs_mount('R'), STATUS_SUCCESS);
    struct kt_ramfs_gate gate = {.offset = HOT_OFFSET, .status = STATUS_DEVICE_DATA_ERROR};
    ke_init_dispatcher_header(&gate.reached.header, KE_NOTIFICATION_EVENT, 0);
    ke_init_dispatcher_header(&gate.open.header, KE_NOTIFICATION_EVENT, 1);
    kt_ramfs_gate = &gate;
    const char *error = kt_check_in_page_errors('R');
    kt_ramfs_gate = NULL;
    NTSTATUS unmounted = kt_ramfs_unmount('R');
    kt_frame_stats(&after);
    KT_RUN(error);
    KT_EQ(unmounted, STATUS_SUCCESS);
    KT_EQ(kt_frames_used(&after), kt_frames_used(&before));
    KT_EQ(gate.hits, 4); /* one touch, two copies, one NtReadFile: each reads again */
    return NULL;
}
