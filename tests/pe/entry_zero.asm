; tests/pe/entry_zero.asm: no entry point (a DLL without DllMain).
; expect: ok
%define PE_ENTRY 0
%include "tests/pe/base.inc"
