; user/ntdll/thunk.asm: the code that must be assembly. RtlUserThreadStart is the first
; instruction a PE process's thread runs after the loader (NT 6's convention): EAX = the start
; routine, EBX = its argument; it calls the routine and ends the thread with what it returns.
; ldr_sys_call_entry calls a DllMain or TLS callback and survives one that pops the wrong number of
; arguments.

bits 32
section .text

extern _RtlExitUserThread@4
global _RtlUserThreadStart
global _ldr_sys_call_entry

_RtlUserThreadStart:
    xor ebp, ebp                ; the end of the frame chain, for debuggers and backtraces
    push ebx
    call eax                    ; stdcall or cdecl with one argument: ESP is restored below
    push eax
    call _RtlExitUserThread@4
    ud2                         ; not reached

; int ldr_sys_call_entry(void *routine, void *base, uint32_t reason, void *reserved) (cdecl):
; routine(base, reason, reserved), stdcall, with ESP saved in ESI around it (as NT's
; LdrpCallInitRoutine does): a routine declared with the wrong convention cannot unbalance it.
_ldr_sys_call_entry:
    push ebp
    mov ebp, esp
    push esi
    push edi
    push ebx
    mov esi, esp
    push dword [ebp + 20]
    push dword [ebp + 16]
    push dword [ebp + 12]
    call [ebp + 8]
    mov esp, esi
    pop ebx
    pop edi
    pop esi
    pop ebp
    ret
