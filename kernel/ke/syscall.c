/* kernel/ke/syscall.c: int 0x2E and sysenter. Checks the service number, copies the arguments from
 * the user stack with the fault-safe copy (a bad EDX is STATUS_ACCESS_VIOLATION, not a kernel
 * fault), runs the handler with interrupts on, and returns its NTSTATUS in EAX and the caller's
 * EFLAGS, cleaned. */
#include "kernel/ke/boot.h"
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/probe.h"
#include "kernel/ke/syscall.h"
#include "kernel/ke/trap.h"
#include "mm/mm.h"

/* What a system call does not give back of the caller's EFLAGS, on either path: IOPL (user mode
 * never has any), RF and VM; IF is always set. NT comes back as NT gives it back (the kernel never
 * runs with it); TF too: a single-stepping caller takes its trap after the call. */
#define USER_EFLAGS_DROPPED (EFLAGS_IOPL | EFLAGS_RF | EFLAGS_VM)

void ke_system_service(struct ke_trap_frame *tf, uint32_t arguments)
{
    uint32_t number = tf->eax;
    uint32_t args[KE_MAX_SERVICE_ARGS];
    tf->eflags = (tf->eflags & ~USER_EFLAGS_DROPPED) | EFLAGS_IF;
    cpu_sti();
    if (number >= ke_service_count) {
        tf->eax = (uint32_t)STATUS_INVALID_SYSTEM_SERVICE;
        return;
    }
    const struct ke_service *service = &ke_service_table[number];
    /* Any alignment: a caller's ESP may be misaligned, and NT checks only that the block is in
     * user space. */
    NTSTATUS status = ke_copy_from_user(args, (const void *)(uintptr_t)arguments,
                                        service->argc * sizeof(uint32_t), 1);
    if (NT_SUCCESS(status))
        status = ke_call_service(service->handler, args, service->argc);
    ke_trace("syscall: %s (%u args at %08x) -> %08x\n", service->name, service->argc, arguments,
             (uint32_t)status);
    tf->eax = (uint32_t)status;
}

/* ---- the fast path (NT's KiFastSystemCall): sysenter where the CPU has it ---- */

#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define STUBS_OFFSET     0xF80
#define FAST_CALL_RET    (STUBS_OFFSET + 4)
#define INT_CALL         (STUBS_OFFSET + 5)

#define FAST_CALL_STACK_SIZE 4096

uint32_t ke_fast_system_call_return = MM_SHARED_USER_DATA + FAST_CALL_RET; /* boot/sysenter.asm */
static bool fast_calls;
/* SYSENTER_ESP. The entry moves to the thread's kernel stack in its first instruction, so only a
 * debug trap taken before that instruction (a caller with TF set) runs here; NT uses its DPC stack
 * the same way. It must be a real stack: the trap's frame is pushed on it. */
static uint8_t fast_call_stack[FAST_CALL_STACK_SIZE] __attribute__((aligned(16)));

/* SEP, except on the first Pentium Pros, which report it but do not have it. */
static bool cpu_has_sysenter(void)
{
    const struct ke_cpu_info *c = ke_cpu();
    if (!ke_cpu_has(CPU_FEATURE_SEP))
        return false;
    return !(c->family == 6 && c->model < 3 && c->stepping < 3);
}

void ke_init_system_calls(bool allow_sysenter)
{
    fast_calls = allow_sysenter && cpu_has_sysenter();
    if (!fast_calls)
        return;
    cpu_wrmsr(MSR_SYSENTER_CS, KGDT_R0_CODE);
    cpu_wrmsr(MSR_SYSENTER_ESP, (uint32_t)(uintptr_t)(fast_call_stack + sizeof fast_call_stack));
    cpu_wrmsr(MSR_SYSENTER_EIP, (uint32_t)(uintptr_t)ke_fast_system_call_entry);
}

bool ke_fast_system_calls(void) { return fast_calls; }

/* sysenter clears IF but not TF, so a caller that single-steps into it takes a debug trap before
 * the entry's first instruction, in kernel mode, on fast_call_stack (NT's KiTrap01 looks for
 * KiFastCallEntry the same way). The call resumes at the stepping entry with TF clear; that entry
 * puts TF back into the caller's saved flags, so the call returns with an iret and the caller's
 * single-step trap comes after the call, in user mode, as after int 0x2E. */
bool ke_resume_single_stepped_fast_call(struct ke_trap_frame *tf)
{
    ASSERT(tf->vector == TRAP_DEBUG);
    if (ke_trap_from_user(tf) || tf->eip != (uint32_t)(uintptr_t)ke_fast_system_call_entry)
        return false;
    tf->eip = (uint32_t)(uintptr_t)ke_fast_system_call_stepping_entry;
    tf->eflags &= ~EFLAGS_TF;
    return true;
}

void ke_fill_system_call_stubs(PAGODA_KUSER_SHARED_DATA *shared)
{
    static const uint8_t stubs[] = {
        0x8b, 0xd4, /* KiFastSystemCall:    mov edx, esp */
        0x0f, 0x34, /*                      sysenter */
        0xc3, /* KiFastSystemCallRet: ret */
        0x8d, 0x54, 0x24, 0x08, /* KiIntSystemCall:     lea edx, [esp + 8] */
        0xcd, 0x2e, /*                      int 0x2e */
        0xc3, /*                      ret */
    };
    _Static_assert(sizeof stubs <= sizeof shared->SystemCallStubs, "the stubs fit");
    for (size_t i = 0; i < sizeof stubs; i++)
        shared->SystemCallStubs[i] = stubs[i];
    shared->SystemCall = MM_SHARED_USER_DATA + (fast_calls ? STUBS_OFFSET : INT_CALL);
    shared->SystemCallReturn = ke_fast_system_call_return;
}
