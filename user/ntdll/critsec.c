/* user/ntdll/critsec.c: critical sections (RTL_CRITICAL_SECTION, NT's algorithm): a recursive lock
 * that costs one locked instruction when free, and waits on an auto-reset event, made at the first
 * contention, when another thread owns it. The loader lock is one. */
#include "user/ntdll/ntdllp.h"

static HANDLE current_thread_id(void) { return ntdll_current_teb()->ClientId.UniqueThread; }

/* The event waiters sleep on, made once: a thread that loses the race closes its own. */
static HANDLE lock_event(RTL_CRITICAL_SECTION *cs)
{
    HANDLE event = __atomic_load_n(&cs->LockSemaphore, __ATOMIC_ACQUIRE);
    if (event)
        return event;
    HANDLE mine = NULL, none = NULL;
    if (!NT_SUCCESS(NtCreateEvent(&mine, EVENT_ALL_ACCESS, NULL, SynchronizationEvent, 0)))
        __builtin_trap(); /* NT raises STATUS_NO_MEMORY here; there is no SEH yet */
    if (__atomic_compare_exchange_n(&cs->LockSemaphore, &none, mine, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return mine;
    NtClose(mine);
    return none;
}

NTSTATUS NTAPI RtlInitializeCriticalSection(RTL_CRITICAL_SECTION *cs)
{
    *cs = (RTL_CRITICAL_SECTION){.LockCount = -1};
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlDeleteCriticalSection(RTL_CRITICAL_SECTION *cs)
{
    if (cs->LockSemaphore)
        NtClose(cs->LockSemaphore);
    *cs = (RTL_CRITICAL_SECTION){.LockCount = -1};
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlEnterCriticalSection(RTL_CRITICAL_SECTION *cs)
{
    HANDLE me = current_thread_id();
    if (__atomic_add_fetch(&cs->LockCount, 1, __ATOMIC_ACQUIRE) != 0) {
        if (cs->OwningThread == me) {
            cs->RecursionCount++;
            return STATUS_SUCCESS;
        }
        NtWaitForSingleObject(lock_event(cs), 0, NULL);
    }
    cs->OwningThread = me;
    cs->RecursionCount = 1;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlLeaveCriticalSection(RTL_CRITICAL_SECTION *cs)
{
    if (--cs->RecursionCount != 0) {
        __atomic_sub_fetch(&cs->LockCount, 1, __ATOMIC_RELEASE);
        return STATUS_SUCCESS;
    }
    cs->OwningThread = NULL;
    if (__atomic_sub_fetch(&cs->LockCount, 1, __ATOMIC_RELEASE) >= 0)
        NtSetEvent(lock_event(cs), NULL); /* a waiter: hand it over */
    return STATUS_SUCCESS;
}

/* BOOLEAN: TRUE when the lock was taken (free, or owned by the caller already). */
uint8_t NTAPI RtlTryEnterCriticalSection(RTL_CRITICAL_SECTION *cs)
{
    HANDLE me = current_thread_id();
    int32_t free = -1;
    if (__atomic_compare_exchange_n(&cs->LockCount, &free, 0, false, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED)) {
        cs->OwningThread = me;
        cs->RecursionCount = 1;
        return 1;
    }
    if (cs->OwningThread != me)
        return 0;
    __atomic_add_fetch(&cs->LockCount, 1, __ATOMIC_ACQUIRE);
    cs->RecursionCount++;
    return 1;
}
