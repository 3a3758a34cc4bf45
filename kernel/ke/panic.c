/* kernel/ke/panic.c: the last word of a kernel that found its own state corrupt: the cause, every
 * register, CR0-CR4, the current process and thread, and a symbolized backtrace, then power-off. */
#include <stdarg.h>
#include "kernel/ke/boot.h"
#include "kernel/ke/arch.h"
#include "kernel/rtl/format.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/thread.h"
#include "kernel/ke/trap.h"

#define BACKTRACE_MAX_FRAMES 24

static volatile int panic_depth;

void ke_print_backtrace(uint32_t eip, uint32_t ebp)
{
    ke_print("backtrace:\n");
    uint32_t frame = 0;
    for (int i = 0; i < BACKTRACE_MAX_FRAMES && eip; i++) {
        uint32_t offset;
        const char *name = ke_lookup_symbol(eip, &offset);
        if (name)
            ke_print("  #%-2d 0x%08x %s+0x%x\n", i, eip, name, offset);
        else
            ke_print("  #%-2d 0x%08x ?\n", i, eip);
        /* Frames are read with the fault-safe copy: a corrupt chain ends the walk, not the
         * report. */
        uint32_t next[2];
        if (ebp == 0 || (ebp & 3) || ebp <= frame ||
            ke_copy_safe_raw(next, (void *)(uintptr_t)ebp, 8))
            break;
        frame = ebp;
        ebp = next[0];
        eip = next[1];
    }
}

static void print_registers(const struct ke_trap_frame *tf, uint32_t esp)
{
    ke_print("EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
    ke_print("ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", tf->esi, tf->edi, tf->ebp, esp);
    ke_print("EIP=%08x EFLAGS=%08x CS=%04x DS=%04x ES=%04x FS=%04x GS=%04x\n", tf->eip, tf->eflags,
             tf->cs & 0xffff, tf->ds & 0xffff, tf->es & 0xffff, tf->fs & 0xffff, tf->gs & 0xffff);
    uint32_t cr4 = ke_cpu_has(CPU_FEATURE_PSE | CPU_FEATURE_PGE) ? read_cr4() : 0;
    ke_print("CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", read_cr0(), read_cr2(), read_cr3(), cr4);
}

/* Called with interrupts off; returns only for the first panic. */
static void panic_enter(void)
{
    cpu_cli();
    if (++panic_depth > 1) {
        ke_print("\n*** PANIC while panicking; halting\n");
        hal_power_off(KE_EXIT_PANIC);
    }
}

static void panic_header(const char *fmt, va_list ap)
{
    char cause[256];
    rtl_vsnprintf(cause, sizeof cause, fmt, ap);
    ke_print("\n*** PANIC: %s\n", cause);
    struct ke_thread *t = ke_current_thread();
    char who[96];
    if (t)
        ke_describe_thread(t, who, sizeof who);
    ke_print("running: %s\n", t ? who : "the boot code (no scheduler yet)");
}

NORETURN void ke_panic(const char *fmt, ...)
{
    panic_enter();
    va_list ap;
    va_start(ap, fmt);
    panic_header(fmt, ap);
    va_end(ap);
    struct ke_trap_frame tf = {0};
    __asm__ volatile("mov %%eax, %0; mov %%ebx, %1; mov %%ecx, %2; mov %%edx, %3"
                     : "=m"(tf.eax), "=m"(tf.ebx), "=m"(tf.ecx), "=m"(tf.edx));
    __asm__ volatile("mov %%esi, %0; mov %%edi, %1" : "=m"(tf.esi), "=m"(tf.edi));
    __asm__ volatile("mov %%cs, %0; mov %%ds, %1; mov %%es, %2; mov %%fs, %3; mov %%gs, %4"
                     : "=m"(tf.cs), "=m"(tf.ds), "=m"(tf.es), "=m"(tf.fs), "=m"(tf.gs));
    tf.ebp = read_ebp();
    tf.eflags = read_eflags();
    tf.eip = (uint32_t)(uintptr_t)__builtin_return_address(0);
    uint32_t esp;
    __asm__ volatile("mov %%esp, %0" : "=r"(esp));
    print_registers(&tf, esp);
    /* Start at our caller: this frame only says "ke_panic". */
    uint32_t caller_ebp = *(uint32_t *)(uintptr_t)tf.ebp;
    ke_print_backtrace(tf.eip, caller_ebp);
    hal_power_off(KE_EXIT_PANIC);
}

NORETURN void ke_panic_trap(const struct ke_trap_frame *tf, const char *fmt, ...)
{
    panic_enter();
    va_list ap;
    va_start(ap, fmt);
    panic_header(fmt, ap);
    va_end(ap);
    ke_print("trap %u (%s), error code 0x%x, from %s mode\n", tf->vector, ke_trap_name(tf->vector),
             tf->error, ke_trap_from_user(tf) ? "user" : "kernel");
    uint32_t esp = tf->vector == TRAP_DOUBLE_FAULT ? tf->user_esp : ke_trap_esp(tf);
    print_registers(tf, esp);
    ke_print_backtrace(tf->eip, tf->ebp);
    hal_power_off(KE_EXIT_PANIC);
}

/* Entered from the double-fault task (boot/trap.asm), on its own stack. */
NORETURN void ke_double_fault(void)
{
    struct ke_trap_frame tf;
    ke_get_double_fault_state(&tf);
    ke_panic_trap(&tf, "double fault (kernel stack overflow, ESP=%08x?)", tf.user_esp);
}
