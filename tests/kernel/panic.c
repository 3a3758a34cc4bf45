/* tests/kernel/panic.c: test=panic. Faults on purpose in a function with a known name, so that the
 * harness can check the panic report: cause, registers, CR2 and this function in the backtrace. */
#include "kernel/ke.h"
#include "kernel/ktest.h"

#define UNMAPPED_ADDRESS 0x00000ff0u   /* user space: nothing is mapped there in the System process */

NOINLINE void kt_panic_fault_here(volatile uint32_t *where)
{
    *where = 0x50414e43;    /* "PANC" */
}

NORETURN void ktest_run_panic(void)
{
    ke_print("ktest: panic test: writing to %08x\n", UNMAPPED_ADDRESS);
    kt_panic_fault_here((volatile uint32_t *)(uintptr_t)UNMAPPED_ADDRESS);
    ke_print("FAIL panic.report: the write to %08x did not fault\n", UNMAPPED_ADDRESS);
    ke_power_off(KE_EXIT_TESTS_FAILED);
}
