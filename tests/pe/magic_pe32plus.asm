; tests/pe/magic_pe32plus.asm: a PE32+ optional header.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "magic 0x20b is not"
%define PE_MAGIC 0x20B
%include "tests/pe/base.inc"
