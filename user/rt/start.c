/* user/rt/start.c: a flat program's first C code. _start (crt0.asm) calls rt_start with the PEB;
 * it turns the command line of the process parameters into argv, runs main and ends the process
 * with main's return value, as NT's BaseProcessStartThunk ends it with ExitProcess. */
#include "user/rt/rt.h"

PAGODA_PEB *rt_peb;
const char *rt_name = "?";

static char rt_command_line[RT_MAX_COMMAND_LINE + 1];
static char *rt_argv[RT_MAX_ARGS + 1];

/* The last path component: the kernel may pass "handles" or a path to it. */
static const char *base_name(const char *path)
{
    const char *name = path;
    for (const char *p = path; *p; p++)
        if (*p == '\\' || *p == '/')
            name = p + 1;
    return name;
}

NORETURN void rt_start(PAGODA_PEB *peb)
{
    rt_peb = peb;
    const PAGODA_PROCESS_PARAMETERS *params = peb ? peb->ProcessParameters : NULL;
    int argc = 0;
    if (params && params->CommandLine.Buffer)
        argc = rt_split_command_line(params->CommandLine.Buffer, params->CommandLine.Length / 2,
                                     rt_command_line, sizeof rt_command_line, rt_argv, RT_MAX_ARGS);
    if (argc == 0) {
        rt_argv[0] = rt_command_line; /* "" */
        rt_argv[1] = NULL;
        argc = 1;
    }
    rt_name = base_name(rt_argv[0]);
    rt_exit(main(argc, rt_argv));
}

NORETURN void rt_exit(NTSTATUS status)
{
    rt_report_checks(); /* the checks outside rt_run_subtests' sub-tests */
    NtTerminateProcess(NtCurrentProcess(), status);
    /* Only a kernel bug gets here; end the thread at least, then stop. */
    for (;;) {
        NtTerminateThread(NtCurrentThread(), status);
        __builtin_trap();
    }
}
