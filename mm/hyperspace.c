/* mm/hyperspace.c: a few page-table slots at 0xFF800000 (PDE 1022, a table in the kernel image) for
 * mapping any frame briefly: to zero it, copy it, or read a structure the firmware left in RAM.
 * Usable from the first instruction of kmain. NT's hyperspace is per process; ours is shared by all
 * address spaces, which a uniprocessor kernel allows (docs/decisions.md). */
#include "kernel/ke/boot.h"
#include "kernel/rtl/string.h"
#include "mm/mi.h"

static uint64_t slots_in_use; /* bit i: slot i is mapped */
static struct ke_spin_lock slot_lock = KE_SPIN_LOCK_INIT("hyperspace slots");

_Static_assert(MM_HYPERSPACE_SLOTS == 64, "the slot bitmap is one uint64_t");

void *mm_map_hyperspace(pfn_t pfn)
{
    uint32_t irq = ke_acquire_spin_lock(&slot_lock);
    if (slots_in_use == UINT64_MAX)
        ke_panic("mm: all %d hyperspace slots are mapped (a leak?) mapping frame %#x",
                 MM_HYPERSPACE_SLOTS, pfn);
    unsigned slot = (unsigned)__builtin_ctzll(~slots_in_use);
    slots_in_use |= 1ull << slot;
    ke_release_spin_lock(&slot_lock, irq);

    vaddr_t va = MM_HYPERSPACE_BASE + slot * PAGE_SIZE;
    boot_hyperspace_table[slot] = pte_make_valid(pfn, PTE_WRITE);
    cpu_invlpg(va);
    return (void *)(uintptr_t)va;
}

void mm_unmap_hyperspace(void *p)
{
    vaddr_t va = (vaddr_t)(uintptr_t)p;
    unsigned slot = (va - MM_HYPERSPACE_BASE) / PAGE_SIZE;
    if (va < MM_HYPERSPACE_BASE || slot >= MM_HYPERSPACE_SLOTS || !(slots_in_use & (1ull << slot)))
        ke_panic("mm: unmapping %08x, which is not a mapped hyperspace slot", va);
    boot_hyperspace_table[slot] = 0;
    cpu_invlpg(va);
    uint32_t irq = ke_acquire_spin_lock(&slot_lock);
    slots_in_use &= ~(1ull << slot);
    ke_release_spin_lock(&slot_lock, irq);
}

void mi_zero_frame(pfn_t pfn)
{
    void *va = mm_map_hyperspace(pfn);
    memset(va, 0, PAGE_SIZE);
    mm_unmap_hyperspace(va);
}
