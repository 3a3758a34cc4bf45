/* tests/win32/common/runtime.c: what the flat runtime (user/rt) needs besides its own files when it
 * is built for PE programs and DLLs: its globals, rt_exit as ExitProcess (PROCESS_DETACH runs), and
 * the thread start rt_create_thread uses: ntdll's RtlUserThreadStart, so a thread ends through
 * RtlExitUserThread (THREAD_DETACH runs). */
#include "pagoda/ntdll.h"
#include "user/rt/rt.h"

PAGODA_PEB *rt_peb;
const char *rt_name = "?";

__asm__(".globl _rt_thread_start\n_rt_thread_start:\n    jmp *__imp__RtlUserThreadStart\n");

NORETURN void rt_exit(NTSTATUS status) { RtlExitUserProcess(status); }
