/* tests/user/exitprocess.c: NT's ExitProcess sequence. NtTerminateProcess(NULL, status) ends every
 * other thread of the process (one computing without system calls, one blocked in a wait, one in
 * NtDelayExecution, one created suspended) with that status and returns STATUS_SUCCESS to its
 * caller, which goes on: the process is not signaled, its exit status is still STATUS_PENDING and
 * it can still start threads. The caller then ends the process with NtTerminateProcess(
 * NtCurrentProcess(), EXITPROCESS_STATUS), which the kernel test checks; with a failed check the
 * exit status is the number of failures instead. */
#include "user/rt/rt.h"

#define OTHERS_STATUS      ((NTSTATUS)0x0BAD0E17)
#define EXITPROCESS_STATUS ((NTSTATUS)0x0E1D0E1D) /* tests/kernel/ps_user.c expects it */
#define WORKERS            4

static volatile uint32_t started, suspended_ran, never;

static NTSTATUS spin(void *arg)
{
    volatile uint32_t *never = arg;
    __atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
    while (!*never)
        ; /* never enters the kernel: only the clock takes it there */
    return 0;
}

static NTSTATUS block(void *event)
{
    __atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
    NtWaitForSingleObject(event, 0, NULL);
    return 1;
}

static NTSTATUS delay(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
    rt_sleep_ms(60000);
    return 2;
}

static NTSTATUS never_resumed(void *arg)
{
    (void)arg;
    suspended_ran = 1;
    return 3;
}

static NTSTATUS return_seven(void *arg)
{
    (void)arg;
    return 7;
}

/* Starts the workers and returns once the three that run are under way. */
static void start_workers(HANDLE workers[WORKERS], HANDLE never_set)
{
    workers[0] = rt_start_thread(spin, (void *)&never);
    workers[1] = rt_start_thread(block, never_set);
    workers[2] = rt_start_thread(delay, NULL);
    CHECK_STATUS(rt_create_thread_ex(never_resumed, NULL, 1, &workers[3], NULL), STATUS_SUCCESS);
    for (int i = 0; i < 500 && started < 3; i++)
        rt_sleep_ms(10);
    CHECK_EQ(started, 3);
}

static void check_still_running(void)
{
    PROCESS_BASIC_INFORMATION pbi;
    memset(&pbi, 0, sizeof pbi);
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessBasicInformation, &pbi,
                                           sizeof pbi, NULL),
                 STATUS_SUCCESS);
    CHECK_STATUS(pbi.ExitStatus, STATUS_PENDING);
    CHECK_STATUS(rt_poll(NtCurrentProcess()), STATUS_TIMEOUT);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    rt_subtest = "exit_process";
    HANDLE workers[WORKERS] = {0}, never_set = rt_new_event(NotificationEvent, 0);
    start_workers(workers, never_set);
    CHECK_STATUS(NtTerminateProcess(NULL, OTHERS_STATUS), STATUS_SUCCESS);
    for (int i = 0; i < WORKERS; i++)
        CHECK_EQ(rt_join(workers[i]), OTHERS_STATUS);
    CHECK_EQ(suspended_ran, 0);
    check_still_running();
    HANDLE t = rt_start_thread(return_seven, NULL);
    CHECK_EQ(rt_join(t), 7);
    /* Alone now: NT still counts the caller as a thread it found, so this is STATUS_SUCCESS. */
    CHECK_STATUS(NtTerminateProcess(NULL, OTHERS_STATUS), STATUS_SUCCESS);
    check_still_running();
    CHECK_STATUS(NtClose(never_set), STATUS_SUCCESS);
    NtTerminateProcess(NtCurrentProcess(),
                       rt_failures ? (NTSTATUS)rt_failures : EXITPROCESS_STATUS);
    rt_exit(0x5EA1); /* not reached */
}
