; tests/pe/reloc_type_high.asm: an IMAGE_REL_BASED_HIGH entry.
; expect: relocs STATUS_INVALID_IMAGE_FORMAT "a relocation type other than ABSOLUTE or HIGHLOW"
%define PE_RELOC_EXTRA 0x1000
%include "tests/pe/base.inc"
