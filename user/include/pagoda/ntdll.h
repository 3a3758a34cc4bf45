/* user/include/pagoda/ntdll.h: ntdll.dll's exports besides the system services (pagoda/nt.h): the
 * loader (Ldr*), thread and process exit, strings and critical sections, with NT's prototypes. The
 * stdcall decorations are those of mingw-w64's libntdll.a (the build compares them, tools/
 * check-ntdll-exports.sh), so programs link with -lntdll as they would for Windows. */
#ifndef PAGODA_USER_NTDLL_H
#define PAGODA_USER_NTDLL_H

#include "pagoda/nt.h"

#define DLL_PROCESS_DETACH 0u
#define DLL_PROCESS_ATTACH 1u
#define DLL_THREAD_ATTACH  2u
#define DLL_THREAD_DETACH  3u

/* ---- the loader ---- */

/* Where every thread of a PE process starts (the kernel pushes its start context): the process's
 * or the thread's initialization, then NtContinue(context). */
void NTAPI LdrInitializeThunk(CONTEXT *Context, void *NtdllBase, void *Unused1, void *Unused2);

/* Loads a DLL (and its imports) and runs its initialization, or finds it loaded; one reference.
 * DllPath: NULL for the default search order, else a ';'-separated list of directories. */
NTSTATUS NTAPI LdrLoadDll(const WCHAR *DllPath, uint32_t *DllCharacteristics,
                          const UNICODE_STRING *DllName, void **DllHandle);
NTSTATUS NTAPI LdrGetDllHandle(const WCHAR *DllPath, uint32_t *DllCharacteristics,
                               const UNICODE_STRING *DllName, void **DllHandle);
/* By name (ProcedureName), or by ordinal when ProcedureName is NULL. */
NTSTATUS NTAPI LdrGetProcedureAddress(void *DllHandle, const ANSI_STRING *ProcedureName,
                                      uint32_t ProcedureNumber, void **ProcedureAddress);
NTSTATUS NTAPI LdrUnloadDll(void *DllHandle);
NTSTATUS NTAPI LdrDisableThreadCalloutsForDll(void *DllHandle);
NTSTATUS NTAPI LdrShutdownProcess(void);
NTSTATUS NTAPI LdrShutdownThread(void);

/* A delay-load helper's work (Windows 8's LdrResolveDelayLoadedAPI): binds the IAT slot
 * ThunkAddress of the delay-import descriptor DelayloadDescriptor of the module at
 * ParentModuleBase and returns the function. On failure FailureDllHook(reason, info), when given,
 * may supply the address; else the process ends with 0xC06D007E (module) or 0xC06D007F
 * (procedure), the exceptions Visual C++'s helper raises, after a console message. */
void *NTAPI LdrResolveDelayLoadedAPI(void *ParentModuleBase, const void *DelayloadDescriptor,
                                     void *FailureDllHook, void *FailureSystemHook,
                                     void **ThunkAddress, uint32_t Flags);

/* ---- threads and the process ---- */

/* Runs EAX(EBX) and ends the thread with its value (the first instruction of every thread). */
void RtlUserThreadStart(void);
/* Ends the calling thread: DllMain(THREAD_DETACH) first; the process's last thread ends the
 * process instead (RtlExitUserProcess), as in NT 6. */
__attribute__((noreturn)) void NTAPI RtlExitUserThread(NTSTATUS Status);
/* ExitProcess: the other threads ended, then DllMain(PROCESS_DETACH) in reverse order, then the
 * process ends with Status. */
__attribute__((noreturn)) void NTAPI RtlExitUserProcess(NTSTATUS Status);

/* ---- strings and locks ---- */

void NTAPI RtlInitUnicodeString(UNICODE_STRING *Destination, const WCHAR *Source);
void NTAPI RtlInitAnsiString(ANSI_STRING *Destination, const char *Source);
NTSTATUS NTAPI RtlInitializeCriticalSection(RTL_CRITICAL_SECTION *CriticalSection);
NTSTATUS NTAPI RtlDeleteCriticalSection(RTL_CRITICAL_SECTION *CriticalSection);
NTSTATUS NTAPI RtlEnterCriticalSection(RTL_CRITICAL_SECTION *CriticalSection);
NTSTATUS NTAPI RtlLeaveCriticalSection(RTL_CRITICAL_SECTION *CriticalSection);
uint8_t NTAPI RtlTryEnterCriticalSection(RTL_CRITICAL_SECTION *CriticalSection);

/* ---- Pagoda's own (not NT exports) ---- */
/* The loader heap's blocks in use, for the tests' leak checks. */
uint32_t NTAPI PagodaLdrHeapBlocksInUse(void);

#endif
