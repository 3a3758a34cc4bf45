/* kernel/io/services.h: the I/O manager's system services (kernel/io/services.c, and
 * NtQueryDirectoryFile in kernel/io/directory.c). The dispatcher calls them with arguments copied
 * from the user stack; every pointer argument is a user pointer. */
#ifndef PAGODA_IO_SERVICES_H
#define PAGODA_IO_SERVICES_H

#include "kernel/ndk/ntfile.h"

NTSTATUS NtCreateFile(HANDLE *user_handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes,
                      IO_STATUS_BLOCK *user_iosb, const int64_t *allocation_size,
                      uint32_t file_attributes, uint32_t share_access, uint32_t disposition,
                      uint32_t options, void *ea, uint32_t ea_length);
NTSTATUS NtOpenFile(HANDLE *user_handle, ACCESS_MASK access, const OBJECT_ATTRIBUTES *attributes,
                    IO_STATUS_BLOCK *user_iosb, uint32_t share_access, uint32_t options);
NTSTATUS NtReadFile(HANDLE handle, HANDLE event, void *apc_routine, void *apc_context,
                    IO_STATUS_BLOCK *user_iosb, void *buffer, uint32_t length,
                    const int64_t *byte_offset, const uint32_t *key);
NTSTATUS NtWriteFile(HANDLE handle, HANDLE event, void *apc_routine, void *apc_context,
                     IO_STATUS_BLOCK *user_iosb, const void *buffer, uint32_t length,
                     const int64_t *byte_offset, const uint32_t *key);
NTSTATUS NtQueryInformationFile(HANDLE handle, IO_STATUS_BLOCK *user_iosb, void *user_info,
                                uint32_t length, uint32_t class);
NTSTATUS NtSetInformationFile(HANDLE handle, IO_STATUS_BLOCK *user_iosb, const void *user_info,
                              uint32_t length, uint32_t class);
NTSTATUS NtFlushBuffersFile(HANDLE handle, IO_STATUS_BLOCK *user_iosb);
NTSTATUS NtQueryVolumeInformationFile(HANDLE handle, IO_STATUS_BLOCK *user_iosb, void *user_info,
                                      uint32_t length, uint32_t class);
NTSTATUS NtQueryDirectoryFile(HANDLE handle, HANDLE event, void *apc_routine, void *apc_context,
                              IO_STATUS_BLOCK *user_iosb, void *user_buffer, uint32_t length,
                              uint32_t class, uint32_t single, const UNICODE_STRING *user_name,
                              uint32_t restart);

#endif
