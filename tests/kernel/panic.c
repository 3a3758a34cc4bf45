/* tests/kernel/panic.c: test=panic, test=panic_stack and test=panic_lock. Each crashes on purpose
 * in a function with a known name, so that the harness can check the panic report: the cause,
 * registers, CR2 and that function in the backtrace. */
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ke/lock.h"
#include "kernel/rtl/string.h"

#define UNMAPPED_ADDRESS 0x00000ff0u /* user space: nothing is mapped there in the System process */

/* Not static: the harness looks for these names in the backtrace, and the compiler could clone a
 * static function under another name. */
NOINLINE void kt_panic_fault_here(volatile uint32_t *where);
NOINLINE uint32_t kt_panic_recurse(uint32_t depth);
NOINLINE void kt_panic_wait_under_spin_lock(void);

NOINLINE void kt_panic_fault_here(volatile uint32_t *where) { *where = 0x50414e43; /* "PANC" */ }

/* Recurses until the boot stack runs into its guard page: the page fault cannot push its frame, the
 * CPU raises a double fault, and the double-fault task reports it. */
static volatile uint32_t recurse_limit = UINT32_MAX; /* volatile: the compiler cannot prove
                                                           the recursion endless and refuse it */
NOINLINE uint32_t kt_panic_recurse(uint32_t depth)
{
    volatile uint8_t frame[256];
    frame[0] = (uint8_t)depth;
    if (depth >= recurse_limit)
        return 0;
    return kt_panic_recurse(depth + 1) + frame[0];
}

/* A wait while holding a spin lock: the wait's assertion must stop it (kernel/ke/lock.h). */
static struct ke_spin_lock panic_lock = KE_SPIN_LOCK_INIT("panic test");
NOINLINE void kt_panic_wait_under_spin_lock(void)
{
    uint32_t irq = ke_acquire_spin_lock(&panic_lock);
    ke_delay_execution(-100000, KE_WAIT_KERNEL);
    ke_release_spin_lock(&panic_lock, irq);
}

NORETURN void ktest_run_panic(const char *mode)
{
    if (!strcmp(mode, "panic_stack")) {
        ke_print("ktest: panic test: overflowing the kernel stack\n");
        kt_panic_recurse(0);
    } else if (!strcmp(mode, "panic_lock")) {
        ke_print("ktest: panic test: waiting while holding a spin lock\n");
        kt_panic_wait_under_spin_lock();
    } else {
        ke_print("ktest: panic test: writing to %08x\n", UNMAPPED_ADDRESS);
        kt_panic_fault_here((volatile uint32_t *)(uintptr_t)UNMAPPED_ADDRESS);
    }
    ke_print("FAIL panic.report: the %s test did not crash\n", mode);
    hal_power_off(KE_EXIT_TESTS_FAILED);
}
