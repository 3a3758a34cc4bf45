/* tests/common/protect_cases.c: page-protection conversions (mm/protect.c): every Win32 value NT
 * accepts or refuses, the round trip MM -> PAGE_* -> MM, and MM -> PTE bits -> MM for every
 * protection a valid PTE can have. Runs in the kernel and on the host. */
#include "kernel/ndk/ntmm.h"
#include "mm/protect.h"
#include "mm/pte.h"
#include "tests/common/cases.h"

const char *tc_protect_from_win32(void)
{
    KT_EQ(mm_protection_from_win32(PAGE_NOACCESS), MM_NOACCESS);
    KT_EQ(mm_protection_from_win32(PAGE_READONLY), MM_READONLY);
    KT_EQ(mm_protection_from_win32(PAGE_READWRITE), MM_READWRITE);
    KT_EQ(mm_protection_from_win32(PAGE_WRITECOPY), MM_WRITECOPY);
    KT_EQ(mm_protection_from_win32(PAGE_EXECUTE), MM_EXECUTE);
    KT_EQ(mm_protection_from_win32(PAGE_EXECUTE_READ), MM_EXECUTE_READ);
    KT_EQ(mm_protection_from_win32(PAGE_EXECUTE_READWRITE), MM_EXECUTE_READWRITE);
    KT_EQ(mm_protection_from_win32(PAGE_EXECUTE_WRITECOPY), MM_EXECUTE_WRITECOPY);
    KT_EQ(mm_protection_from_win32(PAGE_READWRITE | PAGE_GUARD), MM_READWRITE | MM_GUARD_PAGE);
    KT_EQ(mm_protection_from_win32(PAGE_READONLY | PAGE_NOCACHE), MM_READONLY | MM_NOCACHE);
    static const uint32_t invalid[] = {
        0,
        PAGE_READONLY | PAGE_READWRITE,
        PAGE_NOACCESS | PAGE_GUARD,
        PAGE_NOACCESS | PAGE_NOCACHE,
        PAGE_READWRITE | PAGE_GUARD | PAGE_NOCACHE,
        PAGE_GUARD,
        PAGE_READWRITE | PAGE_WRITECOMBINE,
        PAGE_READWRITE | 0x800,
        0xFFFFFFFF,
    };
    for (unsigned i = 0; i < ARRAY_SIZE(invalid); i++)
        if (mm_protection_from_win32(invalid[i]) != MM_INVALID_PROTECTION)
            return ktest_failf("%#x should be an invalid protection", invalid[i]);
    return NULL;
}

const char *tc_protect_round_trips(void)
{
    for (uint32_t bit = 0; bit < 8; bit++) {
        for (uint32_t m = 0; m < 3; m++) {
            uint32_t win32 = (1u << bit) | (m == 1 ? PAGE_GUARD : m == 2 ? PAGE_NOCACHE : 0);
            uint32_t mm = mm_protection_from_win32(win32);
            if (mm == MM_INVALID_PROTECTION)
                continue;
            if (mm_protection_to_win32(mm) != win32)
                return ktest_failf("%#x -> MM %#x -> %#x", win32, mm, mm_protection_to_win32(mm));
            if (!mm_protection_accessible(mm) || mm_protection_guard(mm))
                continue;
            uint32_t pte = mm_protection_to_pte(mm) | PTE_PRESENT | PTE_PROTO_BACKED | PTE_DIRTY;
            if (mm_protection_from_pte(pte) != mm)
                return ktest_failf("MM %#x -> PTE %#x -> MM %#x", mm, pte,
                                   mm_protection_from_pte(pte));
        }
    }
    KT_EQ(mm_protection_to_win32(MM_DECOMMIT), 0);
    KT_EQ(mm_protection_to_win32(MM_ZERO_ACCESS), 0);
    KT_TRUE(!mm_protection_accessible(MM_NOACCESS) && !mm_protection_accessible(MM_DECOMMIT));
    KT_TRUE(mm_protection_guard(MM_READONLY | MM_GUARD_PAGE) && !mm_protection_guard(MM_DECOMMIT));
    KT_EQ(mm_protection_after_copy(MM_EXECUTE_WRITECOPY), MM_EXECUTE_READWRITE);
    KT_EQ(mm_protection_after_copy(MM_WRITECOPY | MM_NOCACHE), MM_READWRITE | MM_NOCACHE);
    KT_EQ(mm_protection_to_pte(MM_READWRITE) & (PTE_WRITE | PTE_USER), PTE_WRITE | PTE_USER);
    KT_EQ(mm_protection_to_pte(MM_WRITECOPY) & PTE_WRITE, 0);
    return NULL;
}

const char *tc_pte_states(void)
{
    KT_EQ(pte_state(0), PTE_STATE_ZERO);
    KT_EQ(pte_state(pte_make_demand_zero(MM_READWRITE)), PTE_STATE_DEMAND_ZERO);
    KT_EQ(pte_state(pte_make_demand_zero(MM_DECOMMIT)), PTE_STATE_DEMAND_ZERO);
    KT_EQ(pte_soft_protection(pte_make_demand_zero(MM_NOACCESS)), MM_NOACCESS);
    KT_EQ(pte_state(pte_make_prototype(0)), PTE_STATE_PROTOTYPE);
    KT_EQ(pte_soft_protection(pte_make_prototype(MM_READONLY)), MM_READONLY);
    KT_EQ(pte_state(pte_make_transition(0x12345, MM_READWRITE)), PTE_STATE_TRANSITION);
    KT_EQ(pte_frame(pte_make_transition(0x12345, MM_READWRITE)), 0x12345);
    pte_t pf = pte_make_pagefile(3, 0xABCDE, MM_EXECUTE_READ);
    KT_EQ(pte_state(pf), PTE_STATE_PAGEFILE);
    KT_EQ(pte_pagefile_number(pf), 3);
    KT_EQ(pte_frame(pf), 0xABCDE);
    KT_EQ(pte_soft_protection(pf), MM_EXECUTE_READ);
    KT_EQ(pte_state(pte_make_valid(5, PTE_USER)), PTE_STATE_VALID);
    return NULL;
}
