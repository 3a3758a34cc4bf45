; boot/trap.asm: entry stubs for the 32 exceptions and 16 IRQs, the common path that builds the
; struct ke_trap_frame (kernel/ke/trap.h) and calls ke_dispatch_trap, and the double-fault task
; entry.

bits 32
section .text

extern ke_dispatch_trap, ke_double_fault
global ke_trap_stubs, ke_trap_return, ke_double_fault_entry, ke_load_gdt, ke_system_service_entry

%include "boot/trapframe.inc"

; Exceptions that push an error code: 8, 10-14, 17, 21, 29, 30.
%macro TRAP_NOERR 1
    push 0
    push %1
    jmp trap_common
    align 16
%endmacro
%macro TRAP_ERR 1
    push %1
    jmp trap_common
    align 16
%endmacro

; 64 stubs, 16 bytes each, so the IDT builder computes stub i as ke_trap_stubs + 16 * i; the IDT
; uses 0-31 (exceptions) and 0x30-0x3F (IRQs, kernel/hal/pic.c).
align 16
ke_trap_stubs:
%assign i 0
%rep 64
  %if i == 8 || (i >= 10 && i <= 14) || i == 17 || i == 21 || i == 29 || i == 30
    TRAP_ERR i
  %else
    TRAP_NOERR i
  %endif
%assign i i + 1
%endrep

; int 0x2E: the system-service gate (DPL 3). EAX = service number, EDX = the arguments.
ke_system_service_entry:
    push 0
    push TRAP_SYSTEM_SERVICE
    jmp trap_common

trap_common:
    SAVE_FRAME_AND_DISPATCH
ke_trap_return:                 ; a new thread's first return to user mode will start here
    pop gs
    pop fs
    pop es
    pop ds
    popa
    add esp, 8                  ; vector and error code
    iret

; The double fault arrives through a task gate, on its own TSS and stack, so that a kernel stack
; overflow is reported instead of triple-faulting. It never returns.
ke_double_fault_entry:
    xor ebp, ebp
    call ke_double_fault
.hang:
    cli
    hlt
    jmp .hang

; void ke_load_gdt(const struct descriptor_pointer *gdtr): loads the GDT and reloads every segment.
ke_load_gdt:
    mov eax, [esp + 4]
    lgdt [eax]
    mov ax, KGDT_R0_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov gs, ax
    mov ax, KGDT_R0_PCR
    mov fs, ax
    jmp KGDT_R0_CODE:.reload_cs
.reload_cs:
    ret
