/* user/include/pagoda/nt.h: the NT native system services as user-mode C sees them, one prototype
 * per line of kernel/ke/services.list, with NT's parameter names and the types of
 * kernel/ndk/ntapi.h. The stubs come from tools/gensyscalls.sh (int 0x2E); they are stdcall, so the
 * callee pops. The build compiles this header with mingw-w64 and compares each _NtX@N decoration
 * with the list (tools/check-nt-prototypes.sh), so a prototype with the wrong number of arguments
 * fails the build. */
#ifndef PAGODA_USER_NT_H
#define PAGODA_USER_NT_H

#include "kernel/ndk/ntapi.h"
#include "kernel/ndk/ntfile.h"
#include "kernel/ndk/ntmm.h"
#include "kernel/ndk/ntstatus.h"

#define NTAPI __attribute__((stdcall))

/* ---- services, in service-number order ---- */
NTSTATUS NTAPI NtTestAlert(void);
NTSTATUS NTAPI NtDisplayString(const UNICODE_STRING *String);
NTSTATUS NTAPI NtClose(HANDLE Handle);
NTSTATUS NTAPI NtDuplicateObject(HANDLE SourceProcessHandle, HANDLE SourceHandle,
                                 HANDLE TargetProcessHandle, HANDLE *TargetHandle,
                                 ACCESS_MASK DesiredAccess, uint32_t HandleAttributes,
                                 uint32_t Options);
NTSTATUS NTAPI NtQueryObject(HANDLE Handle, OBJECT_INFORMATION_CLASS ObjectInformationClass,
                             void *ObjectInformation, uint32_t ObjectInformationLength,
                             uint32_t *ReturnLength);
NTSTATUS NTAPI NtYieldExecution(void);
NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable, const LARGE_INTEGER_QUAD *DelayInterval);
NTSTATUS NTAPI NtWaitForSingleObject(HANDLE Handle, BOOLEAN Alertable,
                                     const LARGE_INTEGER_QUAD *Timeout);
NTSTATUS NTAPI NtWaitForMultipleObjects(uint32_t Count, const HANDLE Handles[], WAIT_TYPE WaitType,
                                        BOOLEAN Alertable, const LARGE_INTEGER_QUAD *Timeout);
NTSTATUS NTAPI NtSignalAndWaitForSingleObject(HANDLE SignalHandle, HANDLE WaitHandle,
                                              BOOLEAN Alertable, const LARGE_INTEGER_QUAD *Timeout);
NTSTATUS NTAPI NtCreateEvent(HANDLE *EventHandle, ACCESS_MASK DesiredAccess,
                             const OBJECT_ATTRIBUTES *ObjectAttributes, EVENT_TYPE EventType,
                             BOOLEAN InitialState);
NTSTATUS NTAPI NtOpenEvent(HANDLE *EventHandle, ACCESS_MASK DesiredAccess,
                           const OBJECT_ATTRIBUTES *ObjectAttributes);
NTSTATUS NTAPI NtSetEvent(HANDLE EventHandle, int32_t *PreviousState);
NTSTATUS NTAPI NtResetEvent(HANDLE EventHandle, int32_t *PreviousState);
NTSTATUS NTAPI NtCreateSemaphore(HANDLE *SemaphoreHandle, ACCESS_MASK DesiredAccess,
                                 const OBJECT_ATTRIBUTES *ObjectAttributes, int32_t InitialCount,
                                 int32_t MaximumCount);
NTSTATUS NTAPI NtOpenSemaphore(HANDLE *SemaphoreHandle, ACCESS_MASK DesiredAccess,
                               const OBJECT_ATTRIBUTES *ObjectAttributes);
NTSTATUS NTAPI NtReleaseSemaphore(HANDLE SemaphoreHandle, int32_t ReleaseCount,
                                  int32_t *PreviousCount);
NTSTATUS NTAPI NtCreateMutant(HANDLE *MutantHandle, ACCESS_MASK DesiredAccess,
                              const OBJECT_ATTRIBUTES *ObjectAttributes, BOOLEAN InitialOwner);
NTSTATUS NTAPI NtOpenMutant(HANDLE *MutantHandle, ACCESS_MASK DesiredAccess,
                            const OBJECT_ATTRIBUTES *ObjectAttributes);
NTSTATUS NTAPI NtReleaseMutant(HANDLE MutantHandle, int32_t *PreviousCount);
NTSTATUS NTAPI NtCreateThread(HANDLE *ThreadHandle, ACCESS_MASK DesiredAccess,
                              const OBJECT_ATTRIBUTES *ObjectAttributes, HANDLE ProcessHandle,
                              CLIENT_ID *ClientId, const CONTEXT *ThreadContext,
                              const INITIAL_TEB *InitialTeb, BOOLEAN CreateSuspended);
NTSTATUS NTAPI NtResumeThread(HANDLE ThreadHandle, uint32_t *PreviousSuspendCount);
NTSTATUS NTAPI NtTerminateThread(HANDLE ThreadHandle, NTSTATUS ExitStatus);
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);
NTSTATUS NTAPI NtQueryInformationProcess(HANDLE ProcessHandle,
                                         PROCESSINFOCLASS ProcessInformationClass,
                                         void *ProcessInformation,
                                         uint32_t ProcessInformationLength, uint32_t *ReturnLength);
NTSTATUS NTAPI NtQueryInformationThread(HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                        void *ThreadInformation, uint32_t ThreadInformationLength,
                                        uint32_t *ReturnLength);
NTSTATUS NTAPI NtQuerySystemTime(LARGE_INTEGER_QUAD *SystemTime);
/* NT's NtGetTickCount returns milliseconds since boot (not an NTSTATUS). */
uint32_t NTAPI NtGetTickCount(void);
NTSTATUS NTAPI NtCreateFile(HANDLE *FileHandle, ACCESS_MASK DesiredAccess,
                            const OBJECT_ATTRIBUTES *ObjectAttributes,
                            IO_STATUS_BLOCK *IoStatusBlock,
                            const LARGE_INTEGER_QUAD *AllocationSize, uint32_t FileAttributes,
                            uint32_t ShareAccess, uint32_t CreateDisposition,
                            uint32_t CreateOptions, void *EaBuffer, uint32_t EaLength);
NTSTATUS NTAPI NtOpenFile(HANDLE *FileHandle, ACCESS_MASK DesiredAccess,
                          const OBJECT_ATTRIBUTES *ObjectAttributes, IO_STATUS_BLOCK *IoStatusBlock,
                          uint32_t ShareAccess, uint32_t OpenOptions);
NTSTATUS NTAPI NtReadFile(HANDLE FileHandle, HANDLE Event, void *ApcRoutine, void *ApcContext,
                          IO_STATUS_BLOCK *IoStatusBlock, void *Buffer, uint32_t Length,
                          const LARGE_INTEGER_QUAD *ByteOffset, const uint32_t *Key);
NTSTATUS NTAPI NtWriteFile(HANDLE FileHandle, HANDLE Event, void *ApcRoutine, void *ApcContext,
                           IO_STATUS_BLOCK *IoStatusBlock, const void *Buffer, uint32_t Length,
                           const LARGE_INTEGER_QUAD *ByteOffset, const uint32_t *Key);
NTSTATUS NTAPI NtQueryInformationFile(HANDLE FileHandle, IO_STATUS_BLOCK *IoStatusBlock,
                                      void *FileInformation, uint32_t Length,
                                      FILE_INFORMATION_CLASS FileInformationClass);
NTSTATUS NTAPI NtSetInformationFile(HANDLE FileHandle, IO_STATUS_BLOCK *IoStatusBlock,
                                    const void *FileInformation, uint32_t Length,
                                    FILE_INFORMATION_CLASS FileInformationClass);
NTSTATUS NTAPI NtFlushBuffersFile(HANDLE FileHandle, IO_STATUS_BLOCK *IoStatusBlock);
NTSTATUS NTAPI NtQueryDirectoryFile(HANDLE FileHandle, HANDLE Event, void *ApcRoutine,
                                    void *ApcContext, IO_STATUS_BLOCK *IoStatusBlock,
                                    void *FileInformation, uint32_t Length,
                                    FILE_INFORMATION_CLASS FileInformationClass,
                                    BOOLEAN ReturnSingleEntry, const UNICODE_STRING *FileName,
                                    BOOLEAN RestartScan);
NTSTATUS NTAPI NtQueryVolumeInformationFile(HANDLE FileHandle, IO_STATUS_BLOCK *IoStatusBlock,
                                            void *FsInformation, uint32_t Length,
                                            FS_INFORMATION_CLASS FsInformationClass);

NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, void **BaseAddress, uint32_t ZeroBits,
                                       size_t *RegionSize, uint32_t AllocationType,
                                       uint32_t Protect);
NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, void **BaseAddress, size_t *RegionSize,
                                   uint32_t FreeType);
NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, void **BaseAddress, size_t *RegionSize,
                                      uint32_t NewProtect, uint32_t *OldProtect);
NTSTATUS NTAPI NtQueryVirtualMemory(HANDLE ProcessHandle, const void *BaseAddress,
                                    MEMORY_INFORMATION_CLASS MemoryInformationClass,
                                    void *MemoryInformation, size_t MemoryInformationLength,
                                    size_t *ReturnLength);

NTSTATUS NTAPI NtCreateSection(HANDLE *SectionHandle, ACCESS_MASK DesiredAccess,
                               const OBJECT_ATTRIBUTES *ObjectAttributes,
                               const LARGE_INTEGER_QUAD *MaximumSize,
                               uint32_t SectionPageProtection, uint32_t AllocationAttributes,
                               HANDLE FileHandle);
NTSTATUS NTAPI NtOpenSection(HANDLE *SectionHandle, ACCESS_MASK DesiredAccess,
                             const OBJECT_ATTRIBUTES *ObjectAttributes);
NTSTATUS NTAPI NtMapViewOfSection(HANDLE SectionHandle, HANDLE ProcessHandle, void **BaseAddress,
                                  uint32_t ZeroBits, size_t CommitSize,
                                  LARGE_INTEGER_QUAD *SectionOffset, size_t *ViewSize,
                                  SECTION_INHERIT InheritDisposition, uint32_t AllocationType,
                                  uint32_t Win32Protect);
NTSTATUS NTAPI NtUnmapViewOfSection(HANDLE ProcessHandle, void *BaseAddress);
NTSTATUS NTAPI NtFlushVirtualMemory(HANDLE ProcessHandle, void **BaseAddress, size_t *RegionSize,
                                    IO_STATUS_BLOCK *IoStatus);

NTSTATUS NTAPI NtContinue(const CONTEXT *Context, BOOLEAN TestAlert);
NTSTATUS NTAPI NtCreateUserProcess(HANDLE *ProcessHandle, HANDLE *ThreadHandle,
                                   ACCESS_MASK ProcessDesiredAccess,
                                   ACCESS_MASK ThreadDesiredAccess,
                                   OBJECT_ATTRIBUTES *ProcessObjectAttributes,
                                   OBJECT_ATTRIBUTES *ThreadObjectAttributes, uint32_t ProcessFlags,
                                   uint32_t ThreadFlags,
                                   PAGODA_PROCESS_PARAMETERS *ProcessParameters,
                                   PS_CREATE_INFO *CreateInfo, PS_ATTRIBUTE_LIST *AttributeList);

#endif
