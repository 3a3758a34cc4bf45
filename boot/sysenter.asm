; boot/sysenter.asm: the fast system-call entry (NT's KiFastCallEntry). User mode enters through
; SharedUserData->SystemCall = KiFastSystemCall ("mov edx, esp; sysenter") with EAX = service number and
; EDX = the user stack, whose arguments start at EDX + 8. SYSENTER_ESP points at the TSS, whose esp0 is
; the current thread's kernel stack. The frame built here is the same struct ke_trap_frame as int 0x2E
; builds, with vector TRAP_FAST_SYSTEM_CALL, so everything after the entry is shared; the return is a
; sysexit unless the dispatcher changed the vector to ask for a full iret.

bits 32
section .text

extern ke_dispatch_trap, ke_trap_return, ke_fast_system_call_return
global ke_fast_system_call_entry

%include "boot/trapframe.inc"
USER_CS       equ 0x18 | 3
USER_SS       equ 0x20 | 3
TSS_ESP0      equ 4
EFLAGS_IF     equ 0x200
FAST_VECTOR   equ 0x2f
FRAME_VECTOR  equ 48            ; offsetof(struct ke_trap_frame, vector)

ke_fast_system_call_entry:
    mov esp, [esp + TSS_ESP0]
    push USER_SS
    push edx                    ; the user's ESP
    pushfd
    or dword [esp], EFLAGS_IF   ; sysenter cleared IF; user mode runs with it set
    push USER_CS
    push dword [ke_fast_system_call_return]
    push 0
    push FAST_VECTOR
    SAVE_FRAME_AND_DISPATCH
    cmp dword [esp + FRAME_VECTOR], FAST_VECTOR
    jne ke_trap_return          ; the frame needs a full iret
    pop gs
    pop fs
    pop es
    pop ds
    popa                        ; EAX = the status; ECX and EDX are the stub's to lose
    mov edx, [esp + 8]          ; EIP: KiFastSystemCallRet
    mov ecx, [esp + 20]         ; ESP
    sti                         ; takes effect after sysexit: no interrupt in between
    sysexit
