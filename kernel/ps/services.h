/* kernel/ps/services.h: the process manager's system services (kernel/ps/services.c, NtContinue in
 * kernel/ps/context.c, NtCreateUserProcess in kernel/ps/spawn.c): waits, delays, threads and
 * processes, the clock, the console.
 * The dispatcher calls them with arguments copied from the user stack; every pointer argument is a
 * user pointer. */
#ifndef PAGODA_PS_SERVICES_H
#define PAGODA_PS_SERVICES_H

#include "kernel/ndk/ntapi.h"

NTSTATUS NtWaitForSingleObject(HANDLE handle, uint32_t alertable, const int64_t *user_timeout);
NTSTATUS NtWaitForMultipleObjects(uint32_t count, const HANDLE *user_handles, uint32_t wait_type,
                                  uint32_t alertable, const int64_t *user_timeout);
NTSTATUS NtSignalAndWaitForSingleObject(HANDLE signal_handle, HANDLE wait_handle,
                                        uint32_t alertable, const int64_t *user_timeout);
NTSTATUS NtDelayExecution(uint32_t alertable, const int64_t *user_interval);
NTSTATUS NtYieldExecution(void);
NTSTATUS NtTestAlert(void);
uint32_t NtGetTickCount(void);
NTSTATUS NtQuerySystemTime(int64_t *user_time);
NTSTATUS NtDisplayString(const UNICODE_STRING *user_string);
NTSTATUS NtCreateThread(HANDLE *user_handle, ACCESS_MASK access,
                        const OBJECT_ATTRIBUTES *attributes, HANDLE process_handle,
                        CLIENT_ID *user_client_id, const CONTEXT *user_context,
                        const INITIAL_TEB *user_initial_teb, uint32_t create_suspended);
NTSTATUS NtResumeThread(HANDLE handle, uint32_t *user_previous);
NTSTATUS NtTerminateThread(HANDLE handle, NTSTATUS exit_status);
NTSTATUS NtTerminateProcess(HANDLE handle, NTSTATUS exit_status);
NTSTATUS NtQueryInformationProcess(HANDLE handle, uint32_t info_class, void *user_info,
                                   uint32_t length, uint32_t *user_return_length);
NTSTATUS NtQueryInformationThread(HANDLE handle, uint32_t info_class, void *user_info,
                                  uint32_t length, uint32_t *user_return_length);

/* kernel/ps/context.c */
NTSTATUS NtContinue(const CONTEXT *user_context, uint32_t test_alert);
NTSTATUS NtCreateUserProcess(HANDLE *process_handle, HANDLE *thread_handle,
                             ACCESS_MASK process_access, ACCESS_MASK thread_access,
                             const OBJECT_ATTRIBUTES *process_attributes,
                             const OBJECT_ATTRIBUTES *thread_attributes, uint32_t process_flags,
                             uint32_t thread_flags, const PAGODA_PROCESS_PARAMETERS *parameters,
                             PS_CREATE_INFO *create_info, const PS_ATTRIBUTE_LIST *attribute_list);

#endif
