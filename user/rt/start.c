/* user/rt/start.c: where a program starts: the image's entry point (the link's -e _entry@4), which
 * ntdll's RtlUserThreadStart calls with the PEB once the loader has run. The command line of the
 * process parameters becomes argv, main runs, and its value ends the process (rt_exit), as a C
 * runtime's exit() calls ExitProcess. A file of its own, so that the DLLs linked with the runtime
 * need no main. */
#include "user/rt/rt.h"

static char rt_command_line[RT_MAX_COMMAND_LINE + 1];
static char *rt_argv[RT_MAX_ARGS + 1];

/* The last path component: the command line may start with "handles" or a path to it. */
static const char *base_name(const char *path)
{
    const char *name = path;
    for (const char *p = path; *p; p++)
        if (*p == '\\' || *p == '/')
            name = p + 1;
    return name;
}

/* gcc calls __main at the top of main on mingw targets, for the C runtime's constructors: there is
 * no C runtime (libgcc's would need atexit). */
void __main(void);
void __main(void) {}

int NTAPI entry(PAGODA_PEB *peb);
int NTAPI entry(PAGODA_PEB *peb)
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
