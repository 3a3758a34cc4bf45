/* kernel/syscall.c: int 0x2E. Checks the service number, copies the arguments from the user stack with
 * the fault-safe copy (a bad EDX is STATUS_ACCESS_VIOLATION, not a kernel fault), runs the handler with
 * interrupts on, and returns its NTSTATUS in EAX. */
#include "kernel/arch.h"
#include "kernel/ke.h"
#include "kernel/probe.h"
#include "kernel/syscall.h"
#include "kernel/trap.h"

NTSTATUS ke_call_service(const void *handler, const uint32_t *args, uint32_t argc);

static uint64_t service_calls;

uint64_t ke_system_service_count(void) { return service_calls; }

void ke_system_service(struct ke_trap_frame *tf)
{
    uint32_t number = tf->eax;
    uint32_t args[KE_MAX_SERVICE_ARGS];
    service_calls++;
    cpu_sti();
    if (number >= ke_service_count) {
        tf->eax = (uint32_t)STATUS_INVALID_SYSTEM_SERVICE;
        return;
    }
    const struct ke_service *service = &ke_service_table[number];
    NTSTATUS status = ke_copy_from_user(args, (const void *)(uintptr_t)tf->edx,
                                        service->argc * sizeof(uint32_t), sizeof(uint32_t));
    if (NT_SUCCESS(status))
        status = ke_call_service(service->handler, args, service->argc);
    ke_trace("syscall: %s (%u args at %08x) -> %08x\n", service->name, service->argc, tf->edx,
             (uint32_t)status);
    tf->eax = (uint32_t)status;
}
