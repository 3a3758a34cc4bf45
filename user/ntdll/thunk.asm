; user/ntdll/thunk.asm: where threads begin in user mode. RtlUserThreadStart is the first
; instruction a PE process's thread runs after the loader (NT 6's convention): EAX = the start
; routine, EBX = its argument; it calls the routine and ends the thread with what it returns.

bits 32
section .text

extern _RtlExitUserThread@4
global _RtlUserThreadStart@8

_RtlUserThreadStart@8:
    xor ebp, ebp                ; the end of the frame chain, for debuggers and backtraces
    push ebx
    call eax                    ; stdcall or cdecl with one argument: ESP is restored below
    push eax
    call _RtlExitUserThread@4
    ud2                         ; not reached
