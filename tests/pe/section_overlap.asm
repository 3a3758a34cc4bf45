; tests/pe/section_overlap.asm: two sections at the same RVA.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 1 (.rdata) overlaps the previous section"
%define PE_RDATA_VA 0x1000
%include "tests/pe/base.inc"
