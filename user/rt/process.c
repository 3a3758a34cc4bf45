/* user/rt/process.c: the program's process as the runtime knows it: its PEB and name (set by the
 * entry, user/rt/start.c) and its end, ntdll's ExitProcess sequence (RtlExitUserProcess: the other
 * threads ended, DllMain(PROCESS_DETACH), then NtTerminateProcess). Apart from start.c so that the
 * DLLs linked with the runtime get these without an entry and a main. */
#include "user/rt/rt.h"

PAGODA_PEB *rt_peb;
const char *rt_name = "?";

NORETURN void rt_exit(NTSTATUS status)
{
    rt_report_checks(); /* the checks outside rt_run_subtests' sub-tests */
    RtlExitUserProcess(status);
}
