/* mm/virtual.c: the NT virtual-memory services: NtAllocateVirtualMemory, NtFreeVirtualMemory,
 * NtProtectVirtualMemory and NtQueryVirtualMemory. Arguments are checked in NT's order with NT's
 * statuses (docs/vm.md has the table), captured, then the work (mm/vm.c) runs attached to the
 * target process. User memory is never touched while attached or while the address space is
 * locked. */
#include "mm/services.h"
#include "kernel/ndk/ntmm.h"
#include "kernel/ob/ob.h"
#include "kernel/ke/probe.h"
#include "kernel/ps/ps.h"
#include "kernel/ps/thread.h"
#include "mm/mi.h"

#define MAXIMUM_ZERO_BITS 21
#define ALLOCATION_TYPES                                                                           \
    (MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_TOP_DOWN | MEM_WRITE_WATCH | MEM_PHYSICAL |        \
     MEM_LARGE_PAGES)

/* The highest address a reservation may reach in the current process (NT's MM_HIGHEST_VAD_ADDRESS).
 * The checks use the caller's limits, as NT's use the system's. */
static vaddr_t highest_vad_address(void)
{
    return ps_current_process()->address_space.highest_address - 0x10000u;
}

static vaddr_t highest_user_address(void)
{
    return ps_current_process()->address_space.highest_address;
}

/* Reads a pointer-sized in/out argument after probing it for writing (NT's
 * ProbeForWritePointer). */
static NTSTATUS capture_inout(void *user, uint32_t *value)
{
    NTSTATUS status = ke_probe_user_write(user, sizeof *value, 1);
    return NT_SUCCESS(status) ? ke_copy_from_user(value, user, sizeof *value, 1) : status;
}

/* References the process and attaches to it. */
static NTSTATUS enter_process(HANDLE handle, ACCESS_MASK access, struct ps_process **process)
{
    NTSTATUS status = ob_reference_object_by_handle(ps_current_process(), handle, access,
                                                    &ps_process_type, (void **)process, NULL);
    if (!NT_SUCCESS(status))
        return status;
    if ((*process)->address_space.directory == MM_PFN_NONE || (*process)->thread_count == 0) {
        ob_dereference_object(*process);
        return STATUS_PROCESS_IS_TERMINATING;
    }
    ps_attach_process(*process);
    return STATUS_SUCCESS;
}

static void leave_process(struct ps_process *process)
{
    ps_detach_process();
    ob_dereference_object(process);
}

/* Writes back the rounded base and size. */
static NTSTATUS return_range(void *user_base, void *user_size, vaddr_t base, uint32_t size)
{
    NTSTATUS status = ke_copy_to_user(user_base, &base, sizeof base, 1);
    return NT_SUCCESS(status) ? ke_copy_to_user(user_size, &size, sizeof size, 1) : status;
}

/* NT's checks of the rare types too (large pages are committed, write watch is reserved, AWE is
 * reserved read-write), though Pagoda then supports none of them. */
static NTSTATUS check_allocation_type(uint32_t type, uint32_t protection)
{
    if ((type & ~ALLOCATION_TYPES) || !(type & (MEM_COMMIT | MEM_RESERVE | MEM_RESET)) ||
        ((type & MEM_RESET) && type != MEM_RESET))
        return STATUS_INVALID_PARAMETER_5;
    if (type & MEM_LARGE_PAGES)
        return !(type & MEM_COMMIT) || (type & (MEM_PHYSICAL | MEM_WRITE_WATCH))
                   ? STATUS_INVALID_PARAMETER_5
                   : STATUS_SUCCESS;
    if (type & MEM_WRITE_WATCH)
        return (type & MEM_PHYSICAL) || !(type & MEM_RESERVE) ? STATUS_INVALID_PARAMETER_5
                                                              : STATUS_SUCCESS;
    if ((type & MEM_PHYSICAL) &&
        (!(type & MEM_RESERVE) || (type & ~(MEM_RESERVE | MEM_TOP_DOWN | MEM_PHYSICAL))))
        return STATUS_INVALID_PARAMETER_5;
    if ((type & MEM_PHYSICAL) && protection != PAGE_READWRITE)
        return STATUS_INVALID_PARAMETER_6;
    return STATUS_SUCCESS;
}

NTSTATUS NtAllocateVirtualMemory(HANDLE process_handle, void **user_base, uint32_t zero_bits,
                                 uint32_t *user_size, uint32_t type, uint32_t protection)
{
    if (zero_bits > MAXIMUM_ZERO_BITS)
        return STATUS_INVALID_PARAMETER_3;
    NTSTATUS status = check_allocation_type(type, protection);
    if (!NT_SUCCESS(status))
        return status;
    if (mm_protection_from_win32(protection) == MM_INVALID_PROTECTION)
        return STATUS_INVALID_PAGE_PROTECTION;
    if (type & (MEM_WRITE_WATCH | MEM_PHYSICAL | MEM_LARGE_PAGES))
        return STATUS_NOT_SUPPORTED;
    uint32_t base, size;
    if (!NT_SUCCESS(status = capture_inout(user_base, &base)) ||
        !NT_SUCCESS(status = capture_inout(user_size, &size)))
        return status;
    if (base > highest_vad_address())
        return STATUS_INVALID_PARAMETER_2;
    if (highest_vad_address() + 1 - base < size || size == 0)
        return STATUS_INVALID_PARAMETER_4;
    if (base && base < MM_LOWEST_USER_ADDRESS && (type & MEM_RESERVE))
        return STATUS_CONFLICTING_ADDRESSES; /* the first 64 KiB are never mapped (docs/vm.md) */
    struct ps_process *p;
    if (!NT_SUCCESS(status = enter_process(process_handle, PROCESS_VM_OPERATION, &p)))
        return status;
    status = mm_allocate_virtual(&base, &size, zero_bits, type, protection);
    leave_process(p);
    return NT_SUCCESS(status) ? return_range(user_base, user_size, base, size) : status;
}

NTSTATUS NtFreeVirtualMemory(HANDLE process_handle, void **user_base, uint32_t *user_size,
                             uint32_t free_type)
{
    if (free_type != MEM_DECOMMIT && free_type != MEM_RELEASE)
        return STATUS_INVALID_PARAMETER_4;
    uint32_t base, size;
    NTSTATUS status;
    if (!NT_SUCCESS(status = capture_inout(user_base, &base)) ||
        !NT_SUCCESS(status = capture_inout(user_size, &size)))
        return status;
    if (base > highest_user_address())
        return STATUS_INVALID_PARAMETER_2;
    if (highest_user_address() - base < size)
        return STATUS_INVALID_PARAMETER_3;
    struct ps_process *p;
    if (!NT_SUCCESS(status = enter_process(process_handle, PROCESS_VM_OPERATION, &p)))
        return status;
    status = mm_free_virtual(&base, &size, free_type);
    leave_process(p);
    return NT_SUCCESS(status) ? return_range(user_base, user_size, base, size) : status;
}

NTSTATUS NtProtectVirtualMemory(HANDLE process_handle, void **user_base, uint32_t *user_size,
                                uint32_t protection, uint32_t *user_old_protection)
{
    if (mm_protection_from_win32(protection) == MM_INVALID_PROTECTION)
        return STATUS_INVALID_PAGE_PROTECTION;
    uint32_t base, size, old = 0;
    NTSTATUS status;
    if (!NT_SUCCESS(status = capture_inout(user_base, &base)) ||
        !NT_SUCCESS(status = capture_inout(user_size, &size)) ||
        !NT_SUCCESS(status = ke_probe_user_write(user_old_protection, sizeof old, 1)))
        return status;
    if (base > highest_user_address())
        return STATUS_INVALID_PARAMETER_2;
    if (highest_user_address() - base < size || size == 0)
        return STATUS_INVALID_PARAMETER_3;
    struct ps_process *p;
    if (!NT_SUCCESS(status = enter_process(process_handle, PROCESS_VM_OPERATION, &p)))
        return status;
    status = mm_protect_virtual(&base, &size, protection, &old);
    leave_process(p);
    if (!NT_SUCCESS(status))
        return status;
    status = ke_copy_to_user(user_old_protection, &old, sizeof old, 1);
    return NT_SUCCESS(status) ? return_range(user_base, user_size, base, size) : status;
}

NTSTATUS NtQueryVirtualMemory(HANDLE process_handle, void *address, uint32_t info_class,
                              void *user_info, uint32_t length, uint32_t *user_return_length)
{
    if (info_class != MemoryBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (length < sizeof(MEMORY_BASIC_INFORMATION))
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS status = ke_probe_user_write(user_info, length, sizeof(uint32_t));
    if (NT_SUCCESS(status) && user_return_length)
        status = ke_probe_user_write(user_return_length, sizeof(uint32_t), 1);
    if (!NT_SUCCESS(status))
        return status;
    if ((vaddr_t)(uintptr_t)address > mm_split.highest_user_address)
        return STATUS_INVALID_PARAMETER;
    struct ps_process *p;
    if (!NT_SUCCESS(status = enter_process(process_handle, PROCESS_QUERY_INFORMATION, &p)))
        return status;
    MEMORY_BASIC_INFORMATION info;
    status = mm_query_virtual((vaddr_t)(uintptr_t)address, &info);
    leave_process(p);
    if (NT_SUCCESS(status))
        status = ke_copy_to_user(user_info, &info, sizeof info, sizeof(uint32_t));
    uint32_t returned = sizeof info;
    if (NT_SUCCESS(status))
        status = ke_copy_to_user_optional(user_return_length, &returned, sizeof returned, 1);
    return status;
}
