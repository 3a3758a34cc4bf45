/* mm/private.c: private memory (MEM_PRIVATE), the simplest kind (STYLE rule 5): every page's state
 * is in its PTE, except that a zero PTE in a VAD made with MEM_COMMIT is a demand-zero page with
 * the VAD's protection. Commit is charged page by page; the VAD remembers the total. */
#include "mm/mi.h"

static enum mm_fault_status private_fault(struct mm_address_space *as, struct mm_vad *vad,
                                          vaddr_t va, pte_t pte, enum mi_access access)
{
    ASSERT(pte == 0); /* private memory has no prototype PTEs */
    if (!(vad->flags & MI_VAD_MEM_COMMIT))
        return MM_FAULT_ACCESS_VIOLATION; /* reserved, not committed */
    return mi_resolve_demand_zero(as, va, mi_user_pte(va), vad->protection, access);
}

static uint32_t private_zero_pte_protection(const struct mm_vad *vad, vaddr_t va)
{
    (void)va;
    return vad->flags & MI_VAD_MEM_COMMIT ? vad->protection : 0;
}

static void private_release_frame(struct mm_vad *vad, pte_t pte)
{
    (void)vad;
    mm_release_frame(pte_frame(pte));
}

static void private_destroy(struct mm_address_space *as, struct mm_vad *vad)
{
    mi_return_commit(as, vad->commit);
    vad->commit = 0;
}

static pte_t private_untouched_pte(const struct mm_vad *vad, vaddr_t va, uint32_t protection)
{
    (void)va;
    if ((vad->flags & MI_VAD_MEM_COMMIT) && protection == vad->protection)
        return 0;
    return pte_make_demand_zero(protection);
}

static NTSTATUS private_check_protection(const struct mm_vad *vad, uint32_t protection)
{
    (void)vad;
    /* NT's MiProtectVirtualMemory: STATUS_INVALID_PARAMETER_4 for copy-on-write private pages. */
    return mm_protection_copy_on_write(protection) ? STATUS_INVALID_PARAMETER_4 : STATUS_SUCCESS;
}

static uint32_t private_adjust_protection(const struct mm_vad *vad, vaddr_t va, uint32_t protection)
{
    (void)vad, (void)va;
    return protection;
}

const struct mi_vad_ops mi_private_ops = {
    .name = "private",
    .fault = private_fault,
    .zero_pte_protection = private_zero_pte_protection,
    .release_frame = private_release_frame,
    .destroy = private_destroy,
    .commit = mi_private_commit,
    .untouched_pte = private_untouched_pte,
    .check_protection = private_check_protection,
    .adjust_protection = private_adjust_protection,
};
