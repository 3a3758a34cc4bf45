/* kernel/ke/ke.h: the kernel core's services to every other part: logging, panics, assertions,
 * the clock, CPU features, the boot configuration and power-off. */
#ifndef PAGODA_KE_H
#define PAGODA_KE_H

#include "kernel/ndk/ntstatus.h"
#include "kernel/ndk/types.h"

struct ke_trap_frame;

/* ---- logging (kernel/ke/log.c) ---- */
enum ke_log_level { KE_LOG_ERROR, KE_LOG_WARN, KE_LOG_INFO, KE_LOG_DEBUG, KE_LOG_TRACE };

void ke_log(enum ke_log_level level, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Prints regardless of the log level, without a prefix: banners, test results, panics. */
void ke_print(const char *fmt, ...) PRINTF_LIKE(1, 2);
void ke_set_log_level(enum ke_log_level level);
extern enum ke_log_level ke_log_level;

/* The level is checked before the call, so a disabled message costs a compare, not a formatted
 * call (ke_trace sits on the system-call path). */
#define KE_LOG_AT(level, ...)                                                                      \
    do {                                                                                           \
        if ((level) <= ke_log_level)                                                               \
            ke_log((level), __VA_ARGS__);                                                          \
    } while (0)
#define ke_error(...) KE_LOG_AT(KE_LOG_ERROR, __VA_ARGS__)
#define ke_warn(...)  KE_LOG_AT(KE_LOG_WARN, __VA_ARGS__)
#define ke_info(...)  KE_LOG_AT(KE_LOG_INFO, __VA_ARGS__)
#define ke_debug(...) KE_LOG_AT(KE_LOG_DEBUG, __VA_ARGS__)
#define ke_trace(...) KE_LOG_AT(KE_LOG_TRACE, __VA_ARGS__)

/* ---- panics and assertions (kernel/ke/panic.c) ---- */
NORETURN void ke_panic(const char *fmt, ...) PRINTF_LIKE(1, 2);
NORETURN void ke_panic_trap(const struct ke_trap_frame *tf, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Prints a symbolized backtrace starting at eip, then the frame-pointer chain from ebp. */
void ke_print_backtrace(uint32_t eip, uint32_t ebp);

#ifndef NDEBUG
#define ASSERT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ke_panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__);                  \
    } while (0)
#else
#define ASSERT(cond) ((void)0)
#endif

/* ---- symbols (kernel/ke/ksym.c) ---- */
/* Finds the function containing addr; returns its name and sets *offset, or NULL. */
const char *ke_lookup_symbol(uint32_t addr, uint32_t *offset);

/* ---- power (kernel/hal/power.c) ---- */
/* The one source of the exit codes: tools/exit-codes.sh reads them from here for tests/run. */
enum ke_exit_code {
    KE_EXIT_TESTS_PASSED = 0x10,
    KE_EXIT_TESTS_FAILED = 0x11,
    KE_EXIT_HALT = 0x12,
    KE_EXIT_BOOT_ERROR = 0x13,
    KE_EXIT_PANIC = 0x1f,
};
/* Ends the emulator run with code (QEMU isa-debug-exit, Bochs shutdown port), else halts for
 * good. */
NORETURN void hal_power_off(enum ke_exit_code code);
/* Writes out what is cached (the memory manager's mapped files, then every shutdown callout in the
 * order they were registered), then hal_power_off: the normal way to end a run. */
NORETURN void hal_shutdown(enum ke_exit_code code);
/* A routine hal_shutdown runs (NT's IoRegisterShutdownNotification): how the subsystems above ke
 * (the I/O manager's volumes and disk caches) are flushed without ke knowing them. The caller
 * keeps the structure; interrupts are on when the routine runs. */
struct ke_shutdown_callout {
    void (*routine)(void);
    struct ke_shutdown_callout *next;
};
void hal_register_shutdown_callout(struct ke_shutdown_callout *callout);

/* ---- clock (kernel/ke/timer.c) ---- */
void ke_timer_init(unsigned hz);
uint64_t ke_get_tick_count(void);
unsigned ke_get_timer_hz(void);
/* From now on the clock drives timeouts and preemption (after the scheduler is set up). */
void ke_timer_start_scheduling(void);

/* ---- CPU (kernel/ke/cpu.c) ---- */
struct ke_cpu_info {
    bool has_cpuid;
    char vendor[13];
    unsigned family, model, stepping;
    uint32_t features; /* CPUID.1:EDX */
};
#define CPU_FEATURE_FPU (1u << 0)
#define CPU_FEATURE_PSE (1u << 3)
#define CPU_FEATURE_TSC (1u << 4)
#define CPU_FEATURE_CX8 (1u << 8)
#define CPU_FEATURE_SEP (1u << 11)
#define CPU_FEATURE_PGE (1u << 13)

void ke_cpu_init(void);
const struct ke_cpu_info *ke_cpu(void);
static inline bool ke_cpu_has(uint32_t feature) { return (ke_cpu()->features & feature) != 0; }
/* A cycle count where the CPU has a TSC; otherwise 0. */
uint64_t ke_read_cycles(void);

#endif
