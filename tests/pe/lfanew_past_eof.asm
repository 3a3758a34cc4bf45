; tests/pe/lfanew_past_eof.asm: e_lfanew past the end of the file.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "the file ends inside the file header"
%define PE_LFANEW 0x100000
%include "tests/pe/base.inc"
