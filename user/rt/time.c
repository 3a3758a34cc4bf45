/* user/rt/time.c: time for the programs: the tick count the kernel keeps in KUSER_SHARED_DATA
 * (read without a system call, as NT's GetTickCount does), delays, and whether rdtsc exists. */
#include "user/rt/rt.h"

uint32_t rt_tick_count(void) { return RT_SHARED_DATA->TickCount.LowPart; }

/* NT's protocol for KSYSTEM_TIME: the writer stores High2Time, LowPart, then High1Time, so a reader
 * that sees High1Time == High2Time around its read of LowPart has a consistent value. */
uint64_t rt_tick_count64(void)
{
    for (;;) {
        int32_t high = RT_SHARED_DATA->TickCount.High1Time;
        uint32_t low = RT_SHARED_DATA->TickCount.LowPart;
        if (high == RT_SHARED_DATA->TickCount.High2Time)
            return ((uint64_t)(uint32_t)high << 32) | low;
    }
}

uint32_t rt_timer_hz(void) { return RT_SHARED_DATA->TimerHz; }

uint32_t rt_wait_next_tick(void)
{
    uint32_t start = rt_tick_count(), now = start;
    for (uint32_t i = 0; i < 100000000 && (now = rt_tick_count()) == start; i++)
        __asm__ volatile("pause");
    return now;
}

NTSTATUS rt_sleep_ms(uint32_t ms)
{
    LARGE_INTEGER_QUAD interval = RT_RELATIVE_MS(ms);
    return NtDelayExecution(0, &interval);
}

NTSTATUS rt_wait_ms(HANDLE handle, uint32_t ms)
{
    LARGE_INTEGER_QUAD timeout = RT_RELATIVE_MS(ms);
    return NtWaitForSingleObject(handle, 0, ms == RT_INFINITE ? NULL : &timeout);
}

/* EFLAGS.ID (bit 21) can be toggled only on CPUs with CPUID; then CPUID(1).EDX bit 4 is the TSC. */
bool rt_has_tsc(void)
{
    uint32_t before, after;
    __asm__ volatile("pushfl\n\t"
                     "pushfl\n\t"
                     "popl %0\n\t"
                     "movl %0, %1\n\t"
                     "xorl $0x200000, %1\n\t"
                     "pushl %1\n\t"
                     "popfl\n\t"
                     "pushfl\n\t"
                     "popl %1\n\t"
                     "popfl"
                     : "=&r"(before), "=&r"(after)
                     :
                     : "cc");
    if (((before ^ after) & 0x200000) == 0)
        return false;
    uint32_t eax = 1, ebx, ecx = 0, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return (edx & (1u << 4)) != 0;
}

uint64_t rt_median(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}
