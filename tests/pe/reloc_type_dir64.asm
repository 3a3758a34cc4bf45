; tests/pe/reloc_type_dir64.asm: an IMAGE_REL_BASED_DIR64 entry.
; expect: relocs STATUS_INVALID_IMAGE_FORMAT "a relocation type other than ABSOLUTE or HIGHLOW"
%define PE_RELOC_EXTRA 0xA000
%include "tests/pe/base.inc"
