/* kernel/hal/power.c: ending a run. Under QEMU the isa-debug-exit device turns the code into QEMU's
 * exit status ((code << 1) | 1); Bochs stops on "Shutdown" written to port 0x8900; real hardware
 * halts. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "mm/mm.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT  0x8900

static struct ke_shutdown_callout *first_callout, **last_callout = &first_callout;
static struct ke_spin_lock callout_lock = KE_SPIN_LOCK_INIT("shutdown callouts");

void hal_register_shutdown_callout(struct ke_shutdown_callout *callout)
{
    uint32_t irq = ke_acquire_spin_lock(&callout_lock);
    callout->next = NULL;
    *last_callout = callout;
    last_callout = &callout->next;
    ke_release_spin_lock(&callout_lock, irq);
}

/* A clean shutdown: everything dirty reaches the disks first. (A panic powers off without this:
 * a kernel that found its own state corrupt should not write it out.) */
NORETURN void hal_shutdown(enum ke_exit_code code)
{
    cpu_sti(); /* the disk drivers wait for interrupts */
    mm_flush_all_segments(); /* mapped files' modified pages, then the volumes under them */
    for (struct ke_shutdown_callout *c = first_callout; c; c = c->next)
        c->routine();
    hal_power_off(code);
}

NORETURN void hal_power_off(enum ke_exit_code code)
{
    cpu_cli();
    ke_print("pagoda: power off (code 0x%02x)\n", code);
    outb(QEMU_DEBUG_EXIT_PORT, (uint8_t)code);
    for (const char *s = "Shutdown"; *s; s++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    ke_print("pagoda: system halted; it is safe to turn the machine off\n");
    for (;;)
        cpu_hlt();
}
