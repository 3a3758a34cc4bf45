; tests/pe/reloc_block_odd.asm: a relocation block of 11 bytes.
; expect: relocs STATUS_INVALID_IMAGE_FORMAT "size is below 8 or odd"
%define PE_EXTRA_RELOCS dd 0x1000, 11, 0
%include "tests/pe/base.inc"
