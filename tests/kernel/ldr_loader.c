/* tests/kernel/ldr_loader.c: ntdll's loader (ldr/loader*.c), driven from the kernel: the PE test
 * programs of tests/win32 run as processes from C: and must exit with 0 (or the status their case
 * names), and what ntdll and the DLLs print is read back from the console (ps_process.console). */
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ob/ob.h"
#include "kernel/ps/thread.h"
#include "kernel/rtl/format.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

#define PROGRAM_TIMEOUT (-300000000ll) /* 30 s */
#define CONSOLE_BYTES   2048

static char console[CONSOLE_BYTES];

/* Where needle first occurs in haystack, or NULL. */
static const char *find_text(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *h = haystack; *h; h++)
        if (!strncmp(h, needle, n))
            return h;
    return NULL;
}

static const char *start(const char *program, const char *command_line, struct ps_process **p,
                         struct ps_console_capture *capture)
{
    char path[96];
    rtl_snprintf(path, sizeof path, "\\??\\C:\\Tests\\%s", program);
    NTSTATUS status = ps_create_user_process(path, command_line, p);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting %s failed with %08x", path, (uint32_t)status);
    /* The new process's first thread has not run yet: kernel code is not preempted. */
    if (capture)
        (*p)->console = capture;
    return NULL;
}

static const char *finish(struct ps_process *p, const char *command_line, NTSTATUS expected)
{
    int64_t timeout = PROGRAM_TIMEOUT;
    const char *error = NULL;
    if (ke_wait_for_object(p, &timeout) == STATUS_TIMEOUT) {
        ps_terminate_process(p, STATUS_TIMEOUT);
        ke_wait_for_object(p, NULL);
        error = ktest_failf("'%s' did not end within 30 s", command_line);
    }
    NTSTATUS exit_status = p->exit_status;
    p->console = NULL;
    ob_dereference_object(p);
    if (!error && exit_status != expected)
        error =
            ktest_failf("'%s' exited with %08x (%d failed checks?), expected %08x", command_line,
                        (uint32_t)exit_status, (int)exit_status, (uint32_t)expected);
    return error;
}

/* Runs \Tests\program with command_line; its exit status must be expected, and when `printed` is
 * not NULL the console must show it. */
static const char *run(const char *program, const char *command_line, NTSTATUS expected,
                       const char *printed)
{
    struct ps_console_capture capture = {console, sizeof console, 0};
    struct ps_process *p;
    console[0] = 0;
    KT_RUN(start(program, command_line, &p, &capture));
    KT_RUN(finish(p, command_line, expected));
    if (printed && !find_text(console, printed))
        return ktest_failf("'%s' did not print \"%s\"; it printed \"%s\"", command_line, printed,
                           console);
    return NULL;
}

KTEST(loader, relocation_of_the_second_dll_at_one_base)
{
    return run("relocs.exe", "relocs", 0, NULL);
}

KTEST(loader, forwarder_chains) { return run("forward.exe", "forward", 0, NULL); }

KTEST(loader, dllmain_order_and_process_detach)
{
    KT_RUN(run("order.exe", "order", 0, NULL));
    /* PROCESS_DETACH at the end, in reverse: dep_a (which imports dep_b) first. */
    const char *a = find_text(console, "dep_a: process detach exit dep_a:Ds \n");
    const char *b = find_text(console, "dep_b: process detach exit dep_a:Ds dep_b:Ds \n");
    if (!a || !b || b < a)
        return ktest_failf("PROCESS_DETACH was not printed dep_a then dep_b: \"%s\"", console);
    return NULL;
}

/* ExitProcess from a second thread: the first is ended, and PROCESS_DETACH runs in the caller. */
KTEST(loader, exit_process_from_a_second_thread)
{
    KT_RUN(run("order.exe", "order exit_from_thread", 0x1234, NULL));
    if (!find_text(console, "dep_a: process detach exit dep_a:Ds \n"))
        return ktest_failf("no PROCESS_DETACH: \"%s\"", console);
    return NULL;
}

/* The first thread returning ends only itself: the process ends with its last thread, whose status
 * it takes, after PROCESS_DETACH (NT 6's RtlExitUserThread). */
KTEST(loader, last_thread_ends_the_process)
{
    KT_RUN(run("order.exe", "order first_returns_first", 0x55, NULL));
    if (!find_text(console, "dep_a: process detach exit dep_a:Ds \n"))
        return ktest_failf("no PROCESS_DETACH: \"%s\"", console);
    return NULL;
}

KTEST(loader, dllmain_counts_across_load_unload_reload)
{
    return run("dllmain.exe", "dllmain", 0, NULL);
}

KTEST(loader, tls_in_the_exe_and_dlls) { return run("tls.exe", "tls", 0, NULL); }

KTEST(loader, dll_search_order) { return run("search.exe", "search", 0, NULL); }

KTEST(loader, delay_load)
{
    KT_RUN(run("delay.exe", "delay ok", 0, NULL));
    return run("delay.exe", "delay missing", (NTSTATUS)0xC06D007E,
               "ntdll: nosuch.dll: DLL not found (imported by delay.exe)\n");
}

/* The errors of process initialization: the process ends with the status, and ntdll says which
 * DLL and which name. */
KTEST(loader, missing_dll_ends_the_process)
{
    return run("missing_dll.exe", "missing_dll", STATUS_DLL_NOT_FOUND,
               "ntdll: nosuch.dll: DLL not found (imported by missing_dll.exe)\n");
}

KTEST(loader, missing_export_ends_the_process)
{
    KT_RUN(run("missing_export.exe", "missing_export", STATUS_ENTRYPOINT_NOT_FOUND,
               "ntdll: log.dll: entry point not found absent_function (imported by "
               "missing_export.exe)\n"));
    return run("missing_ordinal.exe", "missing_ordinal", STATUS_ORDINAL_NOT_FOUND,
               "ntdll: log.dll: ordinal not found #99 (imported by missing_ordinal.exe)\n");
}

KTEST(loader, failing_dllmain_ends_the_process)
{
    return run("initfail.exe", "initfail", STATUS_DLL_INIT_FAILED,
               "ntdll: initfail.dll: initialization failed (DllMain returned FALSE)\n");
}

KTEST(loader, fixed_image_whose_base_is_taken)
{
    return run("fixed.exe", "fixed", STATUS_CONFLICTING_ADDRESSES,
               "ntdll: fixed.dll: its base is taken and it cannot be relocated (imported by "
               "fixed.exe)\n");
}

/* Two processes share shared.dll's IMAGE_SCN_MEM_SHARED counter. */
KTEST(loader, shared_section_seen_by_two_processes)
{
    struct ps_process *first, *second;
    KT_RUN(start("shared.exe", "shared first", &first, NULL));
    const char *error = start("shared.exe", "shared second", &second, NULL);
    const char *error_first = finish(first, "shared first", 0);
    if (error)
        return error;
    KT_RUN(finish(second, "shared second", 0));
    return error_first;
}

/* A DLL based above 2 GiB stays there only in a large-address-aware process under split=3G. */
KTEST(loader, large_address_aware_per_split)
{
    bool three_gib = mm_split.highest_user_address > 0x80000000u;
    KT_RUN(run("laa.exe", three_gib ? "laa high" : "laa low", 0, NULL));
    return run("nolaa.exe", "nolaa low", 0, NULL);
}

/* Every malformed image gives its status through the real loader, and leaves nothing behind. */
KTEST(loader, malformed_corpus) { return run("PE\\corpus.exe", "corpus", 0, NULL); }

/* The second launch of an exe with three DLLs finds every page of the four images resident. */
KTEST(loader, second_launch_reads_no_image_page)
{
    static const char *const images[] = {
        "\\??\\C:\\Tests\\Bench\\bench3.exe", "\\??\\C:\\Tests\\Bench\\bench_a.dll",
        "\\??\\C:\\Tests\\Bench\\bench_b.dll", "\\??\\C:\\Tests\\Bench\\bench_c.dll"};
    KT_RUN(run("Bench\\bench3.exe", "bench3", 0, NULL));
    uint32_t before[ARRAY_SIZE(images)];
    for (unsigned i = 0; i < ARRAY_SIZE(images); i++)
        before[i] = ps_image_pages_read(images[i]);
    KT_RUN(run("Bench\\bench3.exe", "bench3", 0, NULL));
    for (unsigned i = 0; i < ARRAY_SIZE(images); i++) {
        KT_TRUE(before[i] > 0);
        KT_EQ(ps_image_pages_read(images[i]), before[i]);
    }
    return NULL;
}
