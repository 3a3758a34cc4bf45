; tests/pe/section_unsorted.asm: sections not in RVA order.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 0 (.text) leaves a gap"
%define PE_TEXT_VA 0x2000
%define PE_RDATA_VA 0x1000
%include "tests/pe/base.inc"
