; tests/pe/align_section_huge.asm: SectionAlignment 2 GiB.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "SectionAlignment 0x80000000 is not a power of two up to 1 GiB"
%define PE_FIELD_SECTION_ALIGN 0x80000000
%include "tests/pe/base.inc"
