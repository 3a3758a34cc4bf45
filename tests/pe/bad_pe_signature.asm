; tests/pe/bad_pe_signature.asm: no PE signature at e_lfanew.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "no PE signature"
%define PE_SIGNATURE 0x00004551
%include "tests/pe/base.inc"
