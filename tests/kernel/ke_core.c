/* tests/kernel/ke_core.c: the kernel core: the split's limits, the clock, symbols, the fault-safe
 * copy, CPU identification. */
#include "kernel/ke/arch.h"
#include "kernel/ke/boot.h"
#include "kernel/ke/cmdline.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/rtl/string.h"
#include "kernel/ke/trap.h"
#include "kernel/ke/wait.h"
#include "kernel/ndk/ntapi.h"
#include "kernel/ke/syscall.h"
#include "mm/mm.h"

KTEST(ke, split_values)
{
    struct mm_split_info two, three;
    mm_compute_split(KE_SPLIT_2G, &two);
    mm_compute_split(KE_SPLIT_3G, &three);
    KT_EQ(two.highest_user_address, 0x7FFEFFFF);
    KT_EQ(two.user_probe_address, 0x7FFF0000);
    KT_EQ(two.system_range_start, 0x80000000);
    KT_EQ(three.highest_user_address, 0xBFFEFFFF);
    KT_EQ(three.user_probe_address, 0xBFFF0000);
    KT_EQ(three.system_range_start, 0xC0000000);
    /* And the split this boot runs with is the one the command line chose. */
    const struct mm_split_info *want = ke_config.split == KE_SPLIT_3G ? &three : &two;
    KT_EQ(mm_split.highest_user_address, want->highest_user_address);
    KT_EQ(mm_split.user_probe_address, want->user_probe_address);
    KT_EQ(mm_split.system_range_start, want->system_range_start);
    return NULL;
}

KTEST(ke, timer_ticks_advance)
{
    KT_TRUE(read_eflags() & EFLAGS_IF);
    uint64_t start = ke_get_tick_count();
    /* Wait for 5 ticks; each hlt sleeps until the next interrupt, so a dead timer shows up as a
     * bounded number of wake-ups with no progress, not as a hang. */
    for (int i = 0; i < 1000000 && ke_get_tick_count() < start + 5; i++)
        cpu_hlt();
    KT_TRUE(ke_get_tick_count() >= start + 5);
    KT_EQ(ke_get_timer_hz(), ke_config.timer_hz);
    return NULL;
}

KTEST(ke, symbols_resolve)
{
    uint32_t offset = 0;
    const char *name = ke_lookup_symbol((uint32_t)(uintptr_t)ke_lookup_symbol + 5, &offset);
    KT_TRUE(name != NULL);
    KT_STR_EQ(name, "ke_lookup_symbol");
    KT_EQ(offset, 5);
    name = ke_lookup_symbol((uint32_t)(uintptr_t)kmain, &offset);
    KT_TRUE(name != NULL);
    KT_STR_EQ(name, "kmain");
    KT_EQ(offset, 0);
    KT_TRUE(ke_lookup_symbol(0x1000, &offset) == NULL);
    KT_TRUE(ke_lookup_symbol(0xFFFFF000, &offset) == NULL);
    return NULL;
}

KTEST(ke, copy_safe_recovers_faults)
{
    char buf[16] = "untouched";
    static const char src[] = "hello";
    KT_EQ(ke_copy_safe(buf, src, sizeof src), STATUS_SUCCESS);
    KT_STR_EQ(buf, "hello");
    KT_EQ(ke_copy_safe(buf, (void *)0x10, 4), STATUS_ACCESS_VIOLATION); /* unmapped */
    KT_EQ(ke_copy_safe((void *)0xFFBFF000, src, 4), STATUS_ACCESS_VIOLATION); /* unmapped */
    KT_EQ(ke_copy_safe(buf, src, 0), STATUS_SUCCESS);
    /* A fault part-way: the image's last page is readable, the page after it is not. */
    const void *last = (const void *)((uintptr_t)__kernel_end - 8);
    KT_EQ(ke_copy_safe(buf, last, 16), STATUS_ACCESS_VIOLATION);
    KT_EQ(ke_copy_safe(buf, last, 8), STATUS_SUCCESS);
    return NULL;
}

KTEST(ke, cpu_identified)
{
    const struct ke_cpu_info *c = ke_cpu();
    KT_TRUE(c->family >= 4);
    if (ke_cpu_has(CPU_FEATURE_TSC)) {
        uint64_t a = ke_read_cycles(), b = ke_read_cycles();
        KT_TRUE(b > a);
    } else {
        KT_EQ(ke_read_cycles(), 0);
    }
    return NULL;
}

/* SharedUserData->SystemCall leads to sysenter exactly when the kernel set sysenter up, and the
 * stubs there are the bytes NT's KiFastSystemCall / KiIntSystemCall have. */
KTEST(ke, system_call_stubs)
{
    PAGODA_KUSER_SHARED_DATA *shared = mm_map_hyperspace(ke_shared_user_data_frame);
    static const uint8_t fast[] = {0x8b, 0xd4, 0x0f, 0x34, 0xc3};
    static const uint8_t slow[] = {0x8d, 0x54, 0x24, 0x08, 0xcd, 0x2e, 0xc3};
    uint32_t call = shared->SystemCall, ret = shared->SystemCallReturn;
    bool fast_ok = !memcmp(shared->SystemCallStubs, fast, sizeof fast);
    bool slow_ok = !memcmp(shared->SystemCallStubs + sizeof fast, slow, sizeof slow);
    mm_unmap_hyperspace(shared);
    KT_TRUE(fast_ok && slow_ok);
    KT_EQ(ret, MM_SHARED_USER_DATA + 0xF84);
    KT_EQ(call, MM_SHARED_USER_DATA + (ke_fast_system_calls() ? 0xF80 : 0xF85));
    KT_EQ(ke_fast_system_calls(), ke_config.sysenter && ke_cpu_has(CPU_FEATURE_SEP));
    return NULL;
}
