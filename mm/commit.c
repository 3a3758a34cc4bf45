/* mm/commit.c: the system commit: every page a process may touch without a fault failing for want
 * of memory is charged here against a limit (NT's MmTotalCommitLimit), the RAM the PFN database
 * managed at boot less a reserve for the kernel, until a paging file adds its size. */
#include "mm/mi.h"

static uint32_t commit_total, commit_limit, commit_peak;
static struct ke_spin_lock commit_lock = KE_SPIN_LOCK_INIT("system commit");

/* The reserve keeps pool, page tables and kernel stacks (which are not charged) in frames even
 * when user commit is at its limit: an eighth of RAM, at least 1 MiB. */
void mi_init_commit(void)
{
    struct mm_frame_stats s;
    mm_get_frame_stats(&s);
    uint32_t available = s.free + s.zeroed;
    uint32_t reserve = MAX(s.total / 8, 256u);
    commit_limit = available > reserve ? available - reserve : 0;
}

NTSTATUS mi_charge_commit(struct mm_address_space *as, uint32_t pages)
{
    uint32_t irq = ke_acquire_spin_lock(&commit_lock);
    if (commit_total > commit_limit || pages > commit_limit - commit_total) {
        ke_release_spin_lock(&commit_lock, irq);
        return STATUS_COMMITMENT_LIMIT;
    }
    commit_total += pages;
    commit_peak = MAX(commit_peak, commit_total);
    ke_release_spin_lock(&commit_lock, irq);
    if (as) {
        as->commit += pages;
        as->peak_commit = MAX(as->peak_commit, as->commit);
    }
    return STATUS_SUCCESS;
}

void mi_return_commit(struct mm_address_space *as, uint32_t pages)
{
    if (as && pages > as->commit)
        ke_panic("mm: returning %u pages of commit, but the address space has %u", pages,
                 as->commit);
    if (as)
        as->commit -= pages;
    uint32_t irq = ke_acquire_spin_lock(&commit_lock);
    commit_total -= pages;
    ke_release_spin_lock(&commit_lock, irq);
}

void mm_get_commit_info(struct mm_commit_info *info)
{
    info->total = commit_total;
    info->limit = commit_limit;
    info->peak = commit_peak;
}

uint32_t mm_test_set_commit_limit(uint32_t limit)
{
    uint32_t old = commit_limit;
    commit_limit = limit;
    return old;
}
