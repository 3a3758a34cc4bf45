; tests/pe/reloc_outside.asm: a fixup in a page past the end of the image.
; expect: relocs STATUS_INVALID_IMAGE_FORMAT "a fixup lies outside the image"
%define PE_EXTRA_RELOCS dd 0x5000, 12, 0x3000
%include "tests/pe/base.inc"
