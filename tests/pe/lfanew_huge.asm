; tests/pe/lfanew_huge.asm: e_lfanew beyond NT's 256 MiB limit.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "e_lfanew 0x10000000 is past 256 MiB"
%define PE_LFANEW 0x10000000
%include "tests/pe/base.inc"
