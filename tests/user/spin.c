/* tests/user/spin.c: never ends on its own and never enters the kernel: the kernel test uses it to
 * check that a process that does nothing but compute is preempted and can be terminated
 * (NtTerminateProcess from outside), and that its CPU time does not stop other processes. */
#include "user/rt/rt.h"

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    volatile uint32_t counter = 0;
    for (;;)
        counter++;
}
