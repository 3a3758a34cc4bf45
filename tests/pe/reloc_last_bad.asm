; tests/pe/reloc_last_bad.asm: good blocks, then a bad one: applying must change nothing.
; expect: relocs STATUS_INVALID_IMAGE_FORMAT "a relocation type other"
%define PE_EXTRA_RELOCS dd 0x3000, 12, 0xA000
%include "tests/pe/base.inc"
