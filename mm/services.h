/* mm/services.h: the memory manager's system services: virtual memory (mm/virtual.c) and sections
 * and views (mm/section.c). The dispatcher calls them with arguments copied from the user stack;
 * every pointer argument is a user pointer. */
#ifndef PAGODA_MM_SERVICES_H
#define PAGODA_MM_SERVICES_H

#include "kernel/ndk/ntfile.h"

NTSTATUS NtAllocateVirtualMemory(HANDLE process_handle, void **user_base, uint32_t zero_bits,
                                 uint32_t *user_size, uint32_t type, uint32_t protection);
NTSTATUS NtFreeVirtualMemory(HANDLE process_handle, void **user_base, uint32_t *user_size,
                             uint32_t free_type);
NTSTATUS NtProtectVirtualMemory(HANDLE process_handle, void **user_base, uint32_t *user_size,
                                uint32_t protection, uint32_t *user_old_protection);
NTSTATUS NtQueryVirtualMemory(HANDLE process_handle, void *address, uint32_t info_class,
                              void *user_info, uint32_t length, uint32_t *user_return_length);
NTSTATUS NtCreateSection(HANDLE *user_handle, ACCESS_MASK access,
                         const OBJECT_ATTRIBUTES *user_attributes, const int64_t *user_size,
                         uint32_t page_protection, uint32_t attributes, HANDLE file_handle);
NTSTATUS NtOpenSection(HANDLE *user_handle, ACCESS_MASK access,
                       const OBJECT_ATTRIBUTES *user_attributes);
NTSTATUS NtMapViewOfSection(HANDLE section_handle, HANDLE process_handle, void **user_base,
                            uint32_t zero_bits, uint32_t commit_size, int64_t *user_offset,
                            uint32_t *user_size, uint32_t inherit, uint32_t type,
                            uint32_t page_protection);
NTSTATUS NtUnmapViewOfSection(HANDLE process_handle, void *base);
NTSTATUS NtFlushVirtualMemory(HANDLE process_handle, void **user_base, uint32_t *user_size,
                              IO_STATUS_BLOCK *user_iosb);

#endif
