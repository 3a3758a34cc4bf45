; user/rt/crt0.asm: where a flat program's threads start. The kernel enters _start, the image's
; entry (kernel/ps/flat.h), with EAX = entry and EBX = the PEB, ESP at the top of the first thread's
; stack and FS = the TEB; new threads enter rt_thread_start with EAX = routine and EBX = its
; argument, NT's BaseProcessStartThunk and BaseThreadStartThunk conventions. Neither returns.

bits 32

extern rt_start                 ; user/rt/start.c: void rt_start(PAGODA_PEB *peb), never returns
extern NtTerminateThread        ; the generated stub (stdcall: pops its two arguments)

section .text.start progbits alloc exec nowrite align=16

global _start:function (_start.end - _start)
_start:
    xor ebp, ebp                ; the end of the frame-pointer chain
    and esp, -16                ; the i386 ABI's alignment at a call
    sub esp, 12
    push ebx                    ; PAGODA_PEB *
    call rt_start
    ud2
.end:

section .text

global rt_thread_start:function (rt_thread_start.end - rt_thread_start)
rt_thread_start:
    xor ebp, ebp
    and esp, -16
    sub esp, 12
    push ebx                    ; the routine's argument
    call eax                    ; NTSTATUS routine(void *) (cdecl)
    push eax                    ; ExitStatus
    push -2                     ; NtCurrentThread()
    call NtTerminateThread
    ud2                         ; NtTerminateThread(current) does not return
.end:
