/* kernel/ke/syscall.h: the system-service dispatch table, generated from kernel/ke/services.list by
 * tools/gensyscalls.sh into build/service_table.c. A service is a C function taking its arguments
 * as 32-bit values (pointers are user pointers: services probe and copy them, kernel/ke/probe.h)
 * and returning an NTSTATUS. int 0x2E enters with EAX = service number, EDX = the user stack
 * address of the arguments; the dispatcher copies `argc` dwords from there (fault-safe) and calls
 * the handler. */
#ifndef PAGODA_SYSCALL_H
#define PAGODA_SYSCALL_H

#include "kernel/ndk/types.h"

struct ke_service {
    const void *handler; /* NTSTATUS handler(uint32_t, ...) with argc arguments (cdecl) */
    uint32_t argc;
    const char *name;
};

extern const struct ke_service ke_service_table[];
extern const uint32_t ke_service_count;

#define KE_MAX_SERVICE_ARGS 16

/* Sets up sysenter (the SYSENTER MSRs) when the CPU has it and allow_sysenter says so; the stubs in
 * the shared user data page then use it, else int 0x2E. */
void ke_init_system_calls(bool allow_sysenter);
bool ke_fast_system_calls(void);
/* The debug trap of a sysenter made with TF set: resumes the call (true), or false when tf is
 * another debug trap. */
struct ke_trap_frame;
bool ke_resume_single_stepped_fast_call(struct ke_trap_frame *tf);
/* A system call (int 0x2E or sysenter, from ke_dispatch_trap): EAX is the service number, arguments
 * the user address of its arguments. Sets EAX to the service's status. */
void ke_system_service(struct ke_trap_frame *tf, uint32_t arguments);
struct _PAGODA_KUSER_SHARED_DATA;
void ke_fill_system_call_stubs(struct _PAGODA_KUSER_SHARED_DATA *shared);

#endif
