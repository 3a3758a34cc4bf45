; boot/switch.asm: the context switch and a new thread's first instructions.
; ke_swap_context saves the callee-saved registers and EFLAGS on the old thread's kernel stack,
; stores its ESP, loads the new thread's ESP and returns on the new stack: into the new thread's
; last ke_swap_context call, or, for a thread that never ran, into ke_thread_trampoline
; (kernel/ke/thread.c builds that frame, with EFLAGS 0x2).

bits 32
section .text

extern ke_thread_startup, ke_trap_return
global ke_swap_context, ke_thread_trampoline

; void ke_swap_context(uint32_t *save_esp, uint32_t new_esp)   (interrupts off)
; Each thread keeps its own EFLAGS: an NT, DF, AC or TF that one thread had in kernel mode never
; follows the switch into another (with NT, a new thread's first iret would be a task return: #TS).
ke_swap_context:
    mov eax, [esp + 4]
    mov ecx, [esp + 8]
    push ebp
    push ebx
    push esi
    push edi
    pushfd
    mov [eax], esp
    mov esp, ecx
    popfd
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

; A new thread starts here with ESP at its initial trap frame (user threads) or at the end of its
; stack (kernel threads, whose ke_thread_startup never returns).
ke_thread_trampoline:
    xor ebp, ebp                ; ends the backtrace
    call ke_thread_startup
    jmp ke_trap_return
