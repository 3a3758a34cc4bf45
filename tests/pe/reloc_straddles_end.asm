; tests/pe/reloc_straddles_end.asm: a fixup whose 4 bytes cross the end of the image.
; expect: relocs STATUS_INVALID_IMAGE_FORMAT "a fixup lies outside the image"
%define PE_EXTRA_RELOCS dd 0x4000, 12, 0x3FFE
%include "tests/pe/base.inc"
