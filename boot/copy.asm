; boot/copy.asm: fault-safe memory copy. A page fault at a labelled instruction is recovered by the
; fault handler, which looks the address up in the .extable section (kernel/trap.c) and resumes at
; the fixup, which returns STATUS_ACCESS_VIOLATION. System calls use it for every user buffer.

bits 32
section .text
global ke_copy_safe

STATUS_ACCESS_VIOLATION equ 0xC0000005

; NTSTATUS ke_copy_safe(void *dst, const void *src, size_t n)
ke_copy_safe:
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
.fault:
    mov eax, STATUS_ACCESS_VIOLATION
    jmp .out

section .extable progbits alloc noexec nowrite align=4
    dd ke_copy_safe.copy_words, ke_copy_safe.fault
    dd ke_copy_safe.copy_bytes, ke_copy_safe.fault
