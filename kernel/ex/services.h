/* kernel/ex/services.h: the system services of events, semaphores and mutants (kernel/ex/sync.c).
 * The dispatcher calls them with arguments copied from the user stack; every pointer argument is a
 * user pointer. */
#ifndef PAGODA_EX_SERVICES_H
#define PAGODA_EX_SERVICES_H

#include "kernel/ndk/ntapi.h"

NTSTATUS NtCreateEvent(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes,
                       uint32_t event_type, uint32_t initial_state);
NTSTATUS NtOpenEvent(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes);
NTSTATUS NtSetEvent(HANDLE handle, int32_t *previous_state);
NTSTATUS NtResetEvent(HANDLE handle, int32_t *previous_state);
NTSTATUS NtCreateSemaphore(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes,
                           int32_t initial_count, int32_t maximum_count);
NTSTATUS NtOpenSemaphore(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes);
NTSTATUS NtReleaseSemaphore(HANDLE handle, int32_t count, int32_t *previous_count);
NTSTATUS NtCreateMutant(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes,
                        uint32_t initial_owner);
NTSTATUS NtOpenMutant(HANDLE *handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes);
NTSTATUS NtReleaseMutant(HANDLE handle, int32_t *previous_count);

#endif
