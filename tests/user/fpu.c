/* tests/user/fpu.c: the x87 FPU is per thread. Two threads each hold a different value in st(0)
 * across a busy loop long enough for the clock to preempt them several times; each must find its
 * own value afterwards, which only holds if the kernel saves and restores FPU state on a switch. A
 * new thread starts with NT's control word 0x27F (53-bit precision), whatever its sibling set.
 *
 * Sub-tests (argv[1]): registers control_word. */
#include "user/rt/rt.h"

#define ROUNDS 6

/* Keeps `value` in st(0) while spinning `spins` times, then returns what st(0) holds. */
static double hold_in_st0(double value, uint32_t spins)
{
    double out;
    __asm__ volatile("fldl %1\n\t"
                     "1: decl %2\n\t"
                     "jnz 1b\n\t"
                     "fstpl %0"
                     : "=m"(out), "+m"(value), "+r"(spins)
                     :
                     : "cc");
    return out;
}

/* Spins for about `ticks` clock ticks, to calibrate the busy loop. */
static uint32_t spins_for_ticks(uint32_t ticks)
{
    uint32_t spins = 1u << 16;
    for (;;) {
        uint32_t start = rt_tick_count();
        hold_in_st0(1.0, spins);
        if (rt_tick_count() - start >= ticks || spins >= (1u << 30))
            return spins;
        spins <<= 1;
    }
}

static uint32_t calibrated_spins;

static NTSTATUS hold_thread(void *arg)
{
    double mine = arg ? 3.25 : -1.0e300;
    uint16_t control = 0x037f; /* 64-bit precision: a different control word than NT's */
    if (arg)
        __asm__ volatile("fldcw %0" : : "m"(control));
    for (int round = 0; round < ROUNDS; round++)
        if (hold_in_st0(mine, calibrated_spins) != mine)
            return 1;
    uint16_t now;
    __asm__ volatile("fnstcw %0" : "=m"(now));
    return arg && now != 0x037f ? 2 : 0;
}

static void test_registers(void)
{
    calibrated_spins = spins_for_ticks(8);
    HANDLE a = rt_start_thread(hold_thread, (void *)1);
    HANDLE b = rt_start_thread(hold_thread, NULL);
    CHECK_EQ(rt_join(a), 0);
    CHECK_EQ(rt_join(b), 0);
}

static NTSTATUS control_word_thread(void *arg)
{
    (void)arg;
    uint16_t control;
    __asm__ volatile("fninit; fnstcw %0" : "=m"(control)); /* fninit: 0x37F */
    __asm__ volatile("fldz; fstp %%st(0)" ::: "memory");
    return control == 0x037f ? 0 : 1;
}

static NTSTATUS fresh_thread(void *arg)
{
    (void)arg;
    uint16_t control;
    __asm__ volatile("fnstcw %0" : "=m"(control));
    return control;
}

static void test_control_word(void)
{
    CHECK_EQ(rt_join(rt_start_thread(control_word_thread, NULL)), 0);
    CHECK_EQ(rt_join(rt_start_thread(fresh_thread, NULL)), 0x027f);
}

int main(int argc, char **argv)
{
    static const struct rt_subtest tests[] = {
        {"registers", test_registers},
        {"control_word", test_control_word},
    };
    return rt_run_subtests(argc, argv, tests, sizeof tests / sizeof tests[0]);
}
