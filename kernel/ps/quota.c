/* kernel/ps/quota.c: per-process pool quotas (NT's PsChargeProcessPoolQuota): what a process's
 * objects and handle table take from the non-paged pool is charged to it, up to a limit, and given
 * back when they go. The kernel's own objects are charged to no one and may use the pool's reserve
 * (mm.h). */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/lock.h"
#include "kernel/ps/thread.h"

#define QUOTA_SHARE 8u /* of RAM, a process */
#define QUOTA_MIN   (256u << 10)
#define QUOTA_MAX   (32u << 20)

size_t ps_default_pool_quota;
/* Every process's pool quota counters (charges come from any thread, returns from any deletion). */
static struct ke_spin_lock quota_lock = KE_SPIN_LOCK_INIT("pool quotas");

size_t ps_pool_quota_for_frames(uint32_t frames)
{
    uint64_t share = (uint64_t)frames * PAGE_SIZE / QUOTA_SHARE;
    return (size_t)MIN(MAX(share, (uint64_t)QUOTA_MIN), (uint64_t)QUOTA_MAX);
}

void ps_init_quota(void)
{
    struct mm_frame_stats frames;
    mm_get_frame_stats(&frames);
    ps_default_pool_quota = ps_pool_quota_for_frames(frames.total);
    ke_info("ps: pool quota %zu KiB a process; pool reserve %u KiB\n", ps_default_pool_quota >> 10,
            mm_pool_reserve_pages * (PAGE_SIZE >> 10));
}

/* Before the scheduler exists there is no current thread, and everything is the kernel's. */
struct ps_process *ps_quota_process(void)
{
    struct ps_thread *t = ps_current_thread();
    return t && t->process != ps_system_process ? t->process : NULL;
}

NTSTATUS ps_charge_pool_quota(struct ps_process *p, size_t bytes)
{
    struct ps_pool_quota *q = &p->pool_quota;
    NTSTATUS status = STATUS_QUOTA_EXCEEDED;
    uint32_t irq = ke_acquire_spin_lock(&quota_lock);
    if (bytes <= q->limit && q->usage <= q->limit - bytes) {
        q->usage += bytes;
        q->peak = MAX(q->peak, q->usage);
        status = STATUS_SUCCESS;
    }
    bool first_refusal = !NT_SUCCESS(status) && !q->refused;
    q->refused |= !NT_SUCCESS(status);
    ke_release_spin_lock(&quota_lock, irq);
    if (first_refusal) /* once a process: a flood would otherwise flood the log too */
        ke_info("ps: process %u (%s) reached its pool quota: %zu of %zu bytes used, %zu asked\n",
                p->unique_id, p->name, q->usage, q->limit, bytes);
    return status;
}

void ps_return_pool_quota(struct ps_process *p, size_t bytes)
{
    struct ps_pool_quota *q = &p->pool_quota;
    uint32_t irq = ke_acquire_spin_lock(&quota_lock);
    if (bytes > q->usage)
        ke_panic("ps: returning %zu bytes of pool quota to process %u, which was charged %zu",
                 bytes, p->unique_id, q->usage);
    q->usage -= bytes;
    ke_release_spin_lock(&quota_lock, irq);
}

void ps_read_pool_quota(struct ps_process *p, struct ps_pool_quota *quota)
{
    uint32_t irq = ke_acquire_spin_lock(&quota_lock);
    *quota = p->pool_quota;
    ke_release_spin_lock(&quota_lock, irq);
}
