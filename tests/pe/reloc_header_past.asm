; tests/pe/reloc_header_past.asm: the relocation directory ending inside a block header.
; expect: relocs STATUS_INVALID_IMAGE_FORMAT "header runs past the directory"
%define PE_EXTRA_RELOCS dd 0x1000
%include "tests/pe/base.inc"
