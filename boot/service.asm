; boot/service.asm: calling a system service with its arguments, as NT's KiSystemService does: the
; arguments (already copied from the user stack into kernel memory) are pushed again on this kernel
; stack, so the C handler sees an ordinary cdecl call.

bits 32
section .text
global ke_call_service

; NTSTATUS ke_call_service(const void *handler, const uint32_t *args, uint32_t argc)
ke_call_service:
    push ebp
    mov ebp, esp
    push esi
    mov esi, [ebp + 12]
    mov ecx, [ebp + 16]
.push_next:
    test ecx, ecx
    jz .call
    push dword [esi + ecx * 4 - 4]      ; last argument first
    dec ecx
    jmp .push_next
.call:
    call [ebp + 8]
    lea esp, [ebp - 4]
    pop esi
    pop ebp
    ret
