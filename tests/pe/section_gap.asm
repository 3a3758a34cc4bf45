; tests/pe/section_gap.asm: a page with no section between two sections.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 2 (.data) leaves a gap after the previous section (ending at 0x3000)"
%define PE_DATA_VA 0x4000
%define PE_RELOC_VA 0x5000
%define PE_SIZE_OF_IMAGE 0x6000
%include "tests/pe/base.inc"
