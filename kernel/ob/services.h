/* kernel/ob/services.h: the object manager's system services (kernel/ob/services.c). The dispatcher
 * calls them with arguments copied from the user stack; every pointer argument is a user
 * pointer. */
#ifndef PAGODA_OB_SERVICES_H
#define PAGODA_OB_SERVICES_H

#include "kernel/ndk/ntapi.h"

NTSTATUS NtClose(HANDLE handle);
NTSTATUS NtDuplicateObject(HANDLE source_process_handle, HANDLE source_handle,
                           HANDLE target_process_handle, HANDLE *target_handle,
                           ACCESS_MASK desired_access, uint32_t handle_attributes,
                           uint32_t options);
NTSTATUS NtQueryObject(HANDLE handle, OBJECT_INFORMATION_CLASS info_class, void *info,
                       uint32_t length, uint32_t *return_length);

#endif
