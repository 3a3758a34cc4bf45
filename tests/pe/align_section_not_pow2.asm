; tests/pe/align_section_not_pow2.asm: SectionAlignment 0x1800.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "SectionAlignment 0x1800 is not a power of two"
%define PE_FIELD_SECTION_ALIGN 0x1800
%include "tests/pe/base.inc"
