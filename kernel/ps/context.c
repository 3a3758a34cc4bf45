/* kernel/ps/context.c: NtContinue, which resumes the calling thread with a CONTEXT (ntdll uses it
 * to leave LdrInitializeThunk for a thread's start, and later exception dispatch to resume). The
 * context is sanitized as NT sanitizes user contexts: user selectors, IF on, IOPL 0, no VM. */
#include "kernel/ps/services.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/probe.h"
#include "kernel/ke/trap.h"
#include "kernel/ke/thread.h"
#include "mm/mm.h"

#define CONTEXT_TAG   MM_TAG('P', 's', 'C', 'x')
#define USER_FLAGS_OK 0x00000CD5u /* CF PF AF ZF SF TF DF OF: what user mode may set */

static void apply_context(struct ke_trap_frame *tf, const CONTEXT *c)
{
    if ((c->ContextFlags & CONTEXT_INTEGER) == CONTEXT_INTEGER) {
        tf->eax = c->Eax, tf->ebx = c->Ebx, tf->ecx = c->Ecx, tf->edx = c->Edx;
        tf->esi = c->Esi, tf->edi = c->Edi;
    }
    if ((c->ContextFlags & CONTEXT_CONTROL) == CONTEXT_CONTROL) {
        tf->ebp = c->Ebp;
        tf->eip = c->Eip;
        tf->user_esp = c->Esp;
        tf->eflags = (c->EFlags & USER_FLAGS_OK) | 0x202;
    }
    /* Segments: always the user selectors, whatever the context says. */
    tf->cs = KGDT_R3_CODE | RPL_USER;
    tf->user_ss = tf->ds = tf->es = tf->gs = KGDT_R3_DATA | RPL_USER;
    tf->fs = KGDT_R3_TEB | RPL_USER;
}

/* Returns the context's EAX, which the dispatcher stores as the call's result: so every register
 * comes back as the context says. The return is a full iret (sysexit would lose ECX and EDX). */
NTSTATUS NtContinue(const CONTEXT *user_context, uint32_t test_alert)
{
    (void)test_alert; /* no APCs yet */
    CONTEXT *c = mm_pool_alloc(sizeof *c, CONTEXT_TAG);
    if (!c)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = ke_copy_from_user(c, user_context, sizeof *c, sizeof(uint32_t));
    struct ke_trap_frame *tf = ke_current_thread()->trap_frame;
    if (NT_SUCCESS(status)) {
        apply_context(tf, c);
        tf->vector = TRAP_SYSTEM_SERVICE;
        status = (c->ContextFlags & CONTEXT_INTEGER) == CONTEXT_INTEGER ? (NTSTATUS)c->Eax
                                                                        : (NTSTATUS)tf->eax;
    }
    mm_pool_free(c, CONTEXT_TAG);
    return status;
}
