; tests/user/fuzz/call.asm: the fuzzer's way into the kernel. fz_raw_call makes one system call with
; every register the caller controls set from a struct fz_regs (tests/user/fuzz/fuzz.h): EBX, ESI,
; EDI, EBP, ESP and EFLAGS (TF, NT, DF, AC included), by int 0x2E (any EDX), by the stub in
; SharedUserData->SystemCall, or by sysenter itself; then records what came back, so C can check
; what the kernel preserved. fz_thread_entry is where the fuzzer's NtCreateThread threads start.

bits 32

extern _fz_thread_main          ; tests/user/fuzz/worker.c: void fz_thread_main(uint32_t regs[6])

; struct fz_regs
R_EAX        equ 0              ; in: the service number; out: EAX (the status)
R_EDX        equ 4              ; in: EDX for int 0x2E (the argument pointer)
R_EBX        equ 8
R_ESI        equ 12
R_EDI        equ 16
R_EBP        equ 20
R_ESP        equ 24             ; in: ESP for the call; [ESP] = a dummy word, the arguments after it
R_EFLAGS     equ 28
R_PATH       equ 32             ; 0 int 0x2E, 1 call [SystemCall], 2 and 3 sysenter, EDX as given
R_OUT        equ 36             ; out: EBX ESI EDI EBP ESP EFLAGS DS ES FS GS SS
R_SAVED_ESP  equ 80

SYSTEM_CALL  equ 0x7FFE0300     ; SharedUserData->SystemCall
TEB_SLOT     equ 0x14           ; NT_TIB.ArbitraryUserPointer: finds the struct after the call

section .text code

; void fz_raw_call(struct fz_regs *r) (cdecl)
global _fz_raw_call
_fz_raw_call:
    push ebp
    push ebx
    push esi
    push edi
    mov eax, [esp + 20]
    mov [eax + R_SAVED_ESP], esp
    mov [fs:TEB_SLOT], eax
    mov ebx, [eax + R_EBX]
    mov esi, [eax + R_ESI]
    mov edi, [eax + R_EDI]
    mov ebp, [eax + R_EBP]
    mov edx, [eax + R_EDX]
    mov ecx, [eax + R_PATH]
    mov esp, [eax + R_ESP]
    cmp ecx, 1
    je .stub
    ja .sysenter
    push dword [eax + R_EFLAGS]
    mov eax, [eax + R_EAX]
    popfd
    int 0x2e
    jmp .after
.stub:
    push dword [eax + R_EFLAGS]
    mov eax, [eax + R_EAX]
    popfd
    call [SYSTEM_CALL]
    jmp .after
.sysenter:                      ; KiFastSystemCall's stack: [return][dummy][arguments], EDX = ESP
    push .after
    push dword [eax + R_EFLAGS]
    mov eax, [eax + R_EAX]
    cmp ecx, 3
    je .keep_edx                ; EDX is also the ESP the kernel returns with: the process dies
    lea edx, [esp + 4]
.keep_edx:
    popfd                       ; TF set here traps after sysenter, at the kernel's first one
    sysenter
.after:
    pushfd
    push eax
    mov eax, [fs:TEB_SLOT]
    pop dword [eax + R_EAX]
    pop dword [eax + R_OUT + 20]
    mov [eax + R_OUT], ebx
    mov [eax + R_OUT + 4], esi
    mov [eax + R_OUT + 8], edi
    mov [eax + R_OUT + 12], ebp
    mov [eax + R_OUT + 16], esp
    xor ecx, ecx
    mov cx, ds
    mov [eax + R_OUT + 24], ecx
    mov cx, es
    mov [eax + R_OUT + 28], ecx
    mov cx, fs
    mov [eax + R_OUT + 32], ecx
    mov cx, gs
    mov [eax + R_OUT + 36], ecx
    mov cx, ss
    mov [eax + R_OUT + 40], ecx
    mov esp, [eax + R_SAVED_ESP]
    push 0x202                  ; clean flags again: IF, nothing else
    popfd
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret

; A thread the fuzzer creates starts here with the CONTEXT's ECX, EDX, ESI, EDI, EBP, which
; fz_thread_main checks against the pattern made from EBX; it never returns.
global _fz_thread_entry
_fz_thread_entry:
    push ebx
    push ebp
    push edi
    push esi
    push edx
    push ecx
    mov eax, esp
    xor ebp, ebp
    and esp, -16
    sub esp, 12
    push eax
    call _fz_thread_main
    ud2
