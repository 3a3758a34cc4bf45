; tests/pe/section_va_unaligned.asm: a VirtualAddress not a multiple of SectionAlignment.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 0 (.text): VirtualAddress is not a multiple of SectionAlignment 0x1000"
%define PE_TEXT_VA 0x1100
%include "tests/pe/base.inc"
