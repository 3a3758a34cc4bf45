/* kernel/ke/timer.c: the system clock: PIT channel 0 as a rate generator on IRQ 0, counting ticks.
 * The rate comes from the command line (hz=); the scheduler's quantum will be counted in ticks. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/sched.h"
#include "kernel/ke/trap.h"
#include "kernel/ke/wait.h"

#define PIT_FREQUENCY     1193182u
#define PIT_CHANNEL0      0x40
#define PIT_COMMAND       0x43
#define PIT_CH0_LOHI_RATE 0x34 /* channel 0, lobyte/hibyte, mode 2, binary */
#define TIMER_IRQ         0

static volatile uint64_t tick_count;
static unsigned timer_hz;
static bool scheduler_running;

void ke_timer_start_scheduling(void) { scheduler_running = true; }

static void timer_interrupt(struct ke_trap_frame *tf)
{
    (void)tf;
    uint64_t now = ++tick_count;
    ke_update_shared_user_data(now);
    if (scheduler_running)
        ke_clock_tick(now);
}

void ke_timer_init(unsigned hz)
{
    uint32_t divisor = (PIT_FREQUENCY + hz / 2) / hz;
    if (divisor > 0xffff)
        divisor = 0xffff;
    timer_hz = hz;
    outb(PIT_COMMAND, PIT_CH0_LOHI_RATE);
    outb(PIT_CHANNEL0, divisor & 0xff);
    outb(PIT_CHANNEL0, divisor >> 8);
    ke_register_irq(TIMER_IRQ, timer_interrupt);
}

/* A 64-bit read is two instructions on i386: read it with interrupts off so no tick splits it. */
uint64_t ke_get_tick_count(void)
{
    uint32_t irq = ke_disable_interrupts();
    uint64_t t = tick_count;
    ke_restore_interrupts(irq);
    return t;
}

unsigned ke_get_timer_hz(void) { return timer_hz; }
