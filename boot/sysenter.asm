; boot/sysenter.asm: the fast system-call entry (NT's KiFastCallEntry). User mode enters through
; SharedUserData->SystemCall = KiFastSystemCall ("mov edx, esp; sysenter") with EAX = service number
; and EDX = the user stack, whose arguments start at EDX + 8. The entry switches at once to the
; current thread's kernel stack (the TSS's esp0); SYSENTER_ESP is a small stack of its own
; (kernel/ke/syscall.c) that only a debug trap on the first instruction uses. The frame built here
; is the same struct ke_trap_frame as int 0x2E builds, with vector TRAP_FAST_SYSTEM_CALL, so
; everything after the entry is shared.
;
; EFLAGS: sysenter clears IF (and VM, RF), nothing else. The entry saves the caller's flags in the
; frame and makes the kernel's known: TF is off (a caller with TF set comes in through the debug
; trap and the stepping entry), DF is cleared by SAVE_FRAME_AND_DISPATCH's cld, and NT and AC by a
; popfd taken only when one of them is set. ke_system_service cleans the saved flags. The return
; gives them back before sysexit: when they differ from the kernel's only in the arithmetic flags
; (the usual case: compilers leave DF, AC and NT clear), with sahf and an add that sets OF;
; otherwise with popfd, which gives a caller's NT back only here, where no iret follows it. A full
; iret is used when the dispatcher changed the vector, or when the caller was single-stepping (TF):
; its trap must come after the call, in user mode. (Under QEMU TCG, the reference benchmark, a popfd
; ends the translation block and sends the emulator back to its main loop; sahf does not.) Until the
; frame is built the caller's segment registers are still loaded, so kernel data is read through SS
; only.

bits 32
section .text

extern ke_dispatch_trap, ke_trap_return, ke_fast_system_call_return, ke_tss
global ke_fast_system_call_entry, ke_fast_system_call_stepping_entry

%include "boot/trapframe.inc"
ARITH_FLAGS   equ 0x8d5         ; OF SF ZF AF PF CF
KERNEL_EFLAGS equ EFLAGS_ALWAYS_ONE
FAST_VECTOR   equ TRAP_FAST_SYSTEM_CALL

ke_fast_system_call_entry:
    mov ecx, EFLAGS_IF          ; the flags sysenter took from the caller (ECX is ours to lose)
.enter:
    mov esp, [ss:ke_tss + TSS_ESP0]
    push USER_SS
    push edx                    ; the user's ESP
    pushfd
    or [esp], ecx
    test dword [esp], EFLAGS_NT | EFLAGS_AC
    jnz .clean_flags            ; NT would make the kernel's next iret a task return
.flags_clean:
    push USER_CS
    push dword [ss:ke_fast_system_call_return]
    push 0
    push FAST_VECTOR
    SAVE_FRAME_AND_DISPATCH
    cmp dword [esp + FRAME_VECTOR], FAST_VECTOR
    jne ke_trap_return          ; the frame needs a full iret
    test dword [esp + FRAME_EFLAGS], EFLAGS_TF
    jnz ke_trap_return          ; a single-stepping caller
    mov eax, [esp + FRAME_EFLAGS]
    pushfd
    xor eax, [esp]
    add esp, 4
    test eax, ~(ARITH_FLAGS | EFLAGS_IF)
    jnz .restore_with_popfd     ; DF, AC, ID or NT differ from the kernel's
    mov eax, [esp + FRAME_EFLAGS]
    mov ecx, eax
    shr ecx, 4
    and cl, 0x80
    add cl, 0x80                ; OF = the caller's (bit 11, moved to bit 7)
    mov ah, al
    sahf                        ; SF ZF AF PF CF = the caller's
    pop gs                      ; nothing from here on changes a flag
    pop fs
    pop es
    pop ds
    popa                        ; EAX = the status; ECX and EDX are the stub's to lose
    mov edx, [esp + 8]          ; EIP: KiFastSystemCallRet
    mov ecx, [esp + 20]         ; ESP
    sti                         ; takes effect after sysexit: no interrupt in between
    sysexit

.restore_with_popfd:
    pop gs
    pop fs
    pop es
    pop ds
    popa
    mov edx, [esp + 8]
    mov ecx, [esp + 20]
    add esp, 16
    and dword [esp], ~EFLAGS_IF
    popfd                       ; the caller's flags, but IF
    sti
    sysexit

.clean_flags:
    push KERNEL_EFLAGS
    popfd
    jmp .flags_clean

; A caller that had TF set took a debug trap on the entry's first instruction; the trap handler
; (ke_resume_single_stepped_fast_call) cleared TF and resumes the call here.
ke_fast_system_call_stepping_entry:
    mov ecx, EFLAGS_IF | EFLAGS_TF
    jmp ke_fast_system_call_entry.enter
