; tests/pe/reloc_block_past.asm: a relocation block longer than the directory.
; expect: relocs STATUS_INVALID_IMAGE_FORMAT "block runs past the directory"
%define PE_EXTRA_RELOCS dd 0x1000, 0x100
%include "tests/pe/base.inc"
