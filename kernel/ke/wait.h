/* kernel/ke/wait.h: dispatcher objects (NT's DISPATCHER_HEADER) and waits. Every waitable object's
 * body starts with a struct ke_dispatcher_header: events, semaphores, mutants, threads (signaled
 * when they end) and processes (signaled when their last thread ends). A waiting thread links one
 * wait block per object into the objects' wait lists; signalling an object satisfies waits in FIFO
 * order. */
#ifndef PAGODA_WAIT_H
#define PAGODA_WAIT_H

#include "kernel/rtl/list.h"
#include "kernel/ndk/ntapi.h"
#include "kernel/ndk/types.h"

enum ke_dispatcher_type {
    KE_NOTIFICATION_EVENT, /* stays signaled until reset: releases every waiter */
    KE_SYNCHRONIZATION_EVENT, /* auto-reset: releases one waiter */
    KE_SEMAPHORE,
    KE_MUTANT,
    KE_THREAD,
    KE_PROCESS,
};

struct ke_dispatcher_header {
    uint8_t type; /* enum ke_dispatcher_type */
    int32_t signal_state; /* > 0: signaled (a semaphore's count; a mutant's 1 - recursion) */
    struct list_entry wait_list;
};

struct ke_thread;

/* A waiting thread links one into the wait list of each object it waits for. */
struct ke_wait_block {
    struct list_entry object_link; /* on the object's wait list */
    struct ke_dispatcher_header *object;
    struct ke_thread *thread;
    uint16_t index;
};

struct ke_mutant {
    struct ke_dispatcher_header header;
    struct ke_thread *owner;
    struct list_entry owner_link; /* on the owner's list of mutants, for abandonment */
    bool abandoned;
};

struct ke_semaphore {
    struct ke_dispatcher_header header;
    int32_t limit;
};

struct ke_event {
    struct ke_dispatcher_header header;
};

void ke_init_dispatcher_header(struct ke_dispatcher_header *h, enum ke_dispatcher_type type,
                               int32_t signal_state);

/* Waits for objects (their bodies start with a dispatcher header). timeout: NULL forever, else NT's
 * convention in 100 ns units: negative = relative, positive = absolute system time, 0 = poll.
 * Returns STATUS_WAIT_0 + index (any) or STATUS_WAIT_0 (all), STATUS_ABANDONED + index when it got
 * an abandoned mutant, or STATUS_TIMEOUT. STATUS_MUTANT_LIMIT_EXCEEDED when the caller owns a
 * mutant of the wait at its recursion limit (NT raises it; its wait services return it), taking
 * nothing. Called at "passive level": interrupts on, not from an interrupt handler. */
NTSTATUS ke_wait_for_objects(uint32_t count, void *const objects[], WAIT_TYPE type,
                             const int64_t *timeout);
NTSTATUS ke_wait_for_object(void *object, const int64_t *timeout);
/* The same for a wait on behalf of user mode (the Nt* services): ending the thread cuts it short
 * with STATUS_THREAD_IS_TERMINATING. Kernel waits (the ones above: a lock, a disk transfer) are
 * never cut short, as in NT, so kernel code never finds a wait it relied on abandoned. */
enum ke_wait_mode { KE_WAIT_KERNEL, KE_WAIT_USER };
NTSTATUS ke_wait_for_objects_user(uint32_t count, void *const objects[], WAIT_TYPE type,
                                  const int64_t *timeout);
NTSTATUS ke_delay_execution(int64_t interval, enum ke_wait_mode mode);

/* Signalling; each returns the previous signal state and may ready waiting threads. */
int32_t ke_set_event(struct ke_event *event);
int32_t ke_reset_event(struct ke_event *event);
/* STATUS_SEMAPHORE_LIMIT_EXCEEDED when count would pass the limit (nothing changes then). */
NTSTATUS ke_release_semaphore(struct ke_semaphore *semaphore, int32_t count, int32_t *previous);
/* STATUS_MUTANT_NOT_OWNED unless the current thread owns it. */
NTSTATUS ke_release_mutant(struct ke_mutant *mutant, int32_t *previous);
/* The signal state at which an owned mutant cannot be acquired again: NT's MINLONG (INT32_MIN),
 * so about 2^31 recursive acquisitions. A test hook: tests raise it to reach the limit quickly and
 * put it back. */
extern int32_t ke_mutant_minimum_signal_state;
/* Called as a thread ends: every mutant it owns becomes abandoned and signaled. */
void ke_abandon_mutants(struct ke_thread *thread);
/* Signals a thread or process object (it has ended) and releases all its waiters. */
void ke_signal_object(struct ke_dispatcher_header *header);

/* The clock interrupt's half: expire timed-out waits. */
void ke_expire_timers(uint64_t now_ticks);
/* Ends a thread's wait early (termination): it returns `status` from ke_wait_for_objects's loop.
 * Interrupts off; the thread must be waiting. */
void ke_unwait_thread(struct ke_thread *thread, NTSTATUS status);

/* The time (kernel/ke/time.c): system time in 100 ns units since 1601 (from the RTC at boot, then
 * the clock), and the conversion of an NT timeout to a deadline in ticks. */
void ke_time_init(void);
int64_t ke_query_system_time(void);
/* UINT64_MAX for "no deadline" (timeout NULL). A deadline at least |timeout| after now, at most one
 * tick later than that. */
uint64_t ke_timeout_to_deadline(const int64_t *timeout);
/* Writes the clock into KUSER_SHARED_DATA (the clock interrupt calls it). */
void ke_update_shared_user_data(uint64_t ticks);
/* The frame of KUSER_SHARED_DATA, which every process maps read-only (ke_time_init fills it). */
extern pfn_t ke_shared_user_data_frame;

#endif
