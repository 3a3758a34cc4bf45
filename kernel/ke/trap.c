/* kernel/ke/trap.c: the C side of every interrupt and exception. IRQs go to registered handlers; a
 * page fault goes to the memory manager; an exception in user mode ends the process with NT's
 * status for it; anything the kernel cannot resolve in kernel mode is a panic. */
#include "kernel/ke/boot.h"
#include "kernel/ke/arch.h"
#include "kernel/ke/fpu.h"
#include "kernel/ke/ke.h"
#include "kernel/hal/pic.h"
#include "kernel/ke/lock.h"
#include "kernel/ke/probe.h"
#include "kernel/ke/sched.h"
#include "kernel/ke/syscall.h"
#include "kernel/ke/thread.h"
#include "kernel/ke/trap.h"
#include "mm/mm.h"

#define IRQ_COUNT 16

static ke_irq_handler irq_handlers[IRQ_COUNT];
static uint32_t spurious_irqs;

static const char *const trap_names[32] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved 15",
    "x87 floating-point error",
    "alignment check",
    "machine check",
    "SIMD floating-point error",
    "virtualization",
    "control protection",
    "reserved 22",
    "reserved 23",
    "reserved 24",
    "reserved 25",
    "reserved 26",
    "reserved 27",
    "reserved 28",
    "reserved 29",
    "security exception",
    "reserved 31",
};

const char *ke_trap_name(uint32_t vector)
{
    if (vector < 32)
        return trap_names[vector];
    if (vector >= TRAP_IRQ_BASE && vector < TRAP_IRQ_BASE + IRQ_COUNT)
        return "IRQ";
    return "unknown";
}

uint32_t ke_find_fixup(uint32_t eip)
{
    for (const struct ke_extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->fault_eip == eip)
            return e->fixup_eip;
    return 0;
}

void ke_register_irq(unsigned irq, ke_irq_handler handler)
{
    ASSERT(irq < IRQ_COUNT);
    irq_handlers[irq] = handler;
    hal_pic_unmask(irq);
}

static void dispatch_irq(struct ke_trap_frame *tf)
{
    unsigned irq = tf->vector - TRAP_IRQ_BASE;
    if (hal_pic_spurious(irq)) {
        spurious_irqs++;
        return;
    }
    ke_interrupt_depth++; /* what may not run in a handler asserts !ke_in_interrupt() */
    if (irq_handlers[irq])
        irq_handlers[irq](tf);
    else
        ke_warn("trap: IRQ %u with no handler\n", irq);
    ke_interrupt_depth--;
    hal_pic_eoi(irq);
}

/* Reads the instruction a user-mode #GP stopped at, a byte at a time and only as far as decoding it
 * needs (the bytes after it may be a guard page or not paged in), and asks whether it is a
 * privileged one. Bytes that cannot be read make it an ordinary #GP. */
static bool user_privileged_instruction(const struct ke_trap_frame *tf)
{
    ASSERT(ke_trap_from_user(tf));
    cpu_sti(); /* user mode had them on, and reading the code may page it in */
    uint8_t code[KE_MAX_INSTRUCTION_LENGTH];
    size_t n = 0;
    enum ke_instruction_class c = KE_INSTRUCTION_NEED_MORE;
    while (c == KE_INSTRUCTION_NEED_MORE && n < sizeof code &&
           NT_SUCCESS(ke_copy_from_user(&code[n], (const void *)(uintptr_t)(tf->eip + n), 1, 1)))
        c = ke_classify_instruction(code, ++n);
    return c == KE_INSTRUCTION_PRIVILEGED;
}

/* An exception in user mode ends only the process that caused it (SEH comes with a later issue). */
static NTSTATUS user_exception_status(const struct ke_trap_frame *tf)
{
    switch (tf->vector) {
    case TRAP_DIVIDE_ERROR: return STATUS_INTEGER_DIVIDE_BY_ZERO;
    case TRAP_DEBUG: return STATUS_SINGLE_STEP;
    case TRAP_BREAKPOINT: return STATUS_BREAKPOINT;
    case TRAP_OVERFLOW: return STATUS_INTEGER_OVERFLOW;
    case 5: return STATUS_ARRAY_BOUNDS_EXCEEDED;
    case TRAP_INVALID_OPCODE: return STATUS_ILLEGAL_INSTRUCTION;
    case TRAP_DEVICE_NOT_AVAILABLE: return STATUS_ILLEGAL_INSTRUCTION; /* no FPU at all */
    case TRAP_GENERAL_PROTECTION:
        return user_privileged_instruction(tf) ? STATUS_PRIVILEGED_INSTRUCTION
                                               : STATUS_ACCESS_VIOLATION;
    case 16: return STATUS_FLOAT_DIVIDE_BY_ZERO;
    default: return STATUS_ACCESS_VIOLATION; /* #PF, #SS, #NP, #AC ... */
    }
}

static NORETURN void end_process(struct ke_trap_frame *tf, uint32_t address, NTSTATUS status,
                                 const char *what)
{
    char who[64], where[96];
    ke_describe_thread(ke_current_thread(), who, sizeof who);
    mm_describe_address(address, where, sizeof where);
    ke_warn("trap: %s in %s at EIP %08x, address %08x (%s), error %x: ending it with %08x\n", what,
            who, tf->eip, address, where, tf->error, (uint32_t)status);
    ke_thread_callouts->exit_process(status);
}

static void user_exception(struct ke_trap_frame *tf, uint32_t address)
{
    end_process(tf, address, user_exception_status(tf), ke_trap_name(tf->vector));
}

/* A page fault the memory manager could not resolve: in user mode it ends the process with the
 * fault's status (SEH comes later); in a system call's fault-safe copy the copy returns it (the
 * fixup returns EAX); anywhere else in the kernel it is a bug. */
static void page_fault(struct ke_trap_frame *tf)
{
    uint32_t address = read_cr2();
    enum mm_fault_status status = mm_access_fault(address, tf->error, tf);
    if (status == MM_FAULT_RESOLVED)
        return;
    if (ke_trap_from_user(tf))
        end_process(tf, address, mm_fault_ntstatus(status), mm_fault_status_name(status));
    uint32_t fixup = ke_find_fixup(tf->eip);
    if (fixup) {
        tf->eip = fixup;
        tf->eax = (uint32_t)mm_fault_ntstatus(status);
        return;
    }
    ke_panic_trap(tf, "page fault at %08x (%s %s, %s): %s", address,
                  tf->error & PF_USER ? "user" : "kernel", tf->error & PF_WRITE ? "write" : "read",
                  tf->error & PF_PRESENT ? "protection" : "not present",
                  mm_fault_status_name(status));
}

void ke_dispatch_trap(struct ke_trap_frame *tf)
{
    if (tf->vector >= TRAP_IRQ_BASE && tf->vector < TRAP_IRQ_BASE + IRQ_COUNT)
        dispatch_irq(tf);
    else if (tf->vector == TRAP_SYSTEM_SERVICE)
        ke_system_service(tf, tf->edx);
    else if (tf->vector == TRAP_FAST_SYSTEM_CALL)
        ke_system_service(tf, tf->edx + 8); /* EDX = the stack at sysenter: two return addresses */
    else if (tf->vector == TRAP_PAGE_FAULT)
        page_fault(tf);
    else if (tf->vector == TRAP_DEVICE_NOT_AVAILABLE && ke_trap_from_user(tf) &&
             ke_fpu_device_not_available())
        ; /* the FPU is this thread's now: retry the instruction */
    else if (tf->vector == TRAP_DEBUG && ke_resume_single_stepped_fast_call(tf))
        ; /* a sysenter with TF set: the call goes on, the caller's trap comes after it */
    else if (ke_trap_from_user(tf))
        user_exception(tf, 0);
    else
        ke_panic_trap(tf, "unexpected %s (trap %u) at EIP %08x", ke_trap_name(tf->vector),
                      tf->vector, tf->eip);
    if (ke_trap_from_user(tf))
        ke_exit_to_user(tf);
}
