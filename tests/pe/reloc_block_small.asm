; tests/pe/reloc_block_small.asm: a relocation block of 4 bytes.
; expect: relocs STATUS_INVALID_IMAGE_FORMAT "size is below 8 or odd"
%define PE_EXTRA_RELOCS dd 0x1000, 4
%include "tests/pe/base.inc"
