; tests/pe/reloc_block_zero.asm: a relocation block of 0 bytes (would loop forever if accepted).
; expect: relocs STATUS_INVALID_IMAGE_FORMAT "size is below 8 or odd"
%define PE_EXTRA_RELOCS dd 0x1000, 0
%include "tests/pe/base.inc"
