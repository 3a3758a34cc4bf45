; boot/copy.asm: fault-safe memory copy. A page fault at a labelled instruction is recovered by the
; fault handler, which looks the address up in the .extable section (kernel/ke/trap.c) and resumes
; at the fixup with EAX set to the fault's NTSTATUS (STATUS_ACCESS_VIOLATION, STATUS_IN_PAGE_ERROR,
; STATUS_GUARD_PAGE_VIOLATION ...), which it returns. Everything but the panic's backtrace calls it
; through kernel/ke/probe.c, which checks that a copy of user memory may wait.

bits 32
section .text
global ke_copy_safe_raw


; NTSTATUS ke_copy_safe_raw(void *dst, const void *src, size_t n)
ke_copy_safe_raw:
    push ebp
    mov ebp, esp
    push esi
    push edi
    mov edi, [ebp + 8]
    mov esi, [ebp + 12]
    mov ecx, [ebp + 16]
    mov edx, ecx
    shr ecx, 2
    cld
.copy_words:
    rep movsd
    mov ecx, edx
    and ecx, 3
.copy_bytes:
    rep movsb
    xor eax, eax
.out:
    pop edi
    pop esi
    pop ebp
    ret
.fault:                         ; EAX: the status the trap layer put there
    jmp .out

section .extable progbits alloc noexec nowrite align=4
    dd ke_copy_safe_raw.copy_words, ke_copy_safe_raw.fault
    dd ke_copy_safe_raw.copy_bytes, ke_copy_safe_raw.fault
