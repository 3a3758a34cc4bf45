; tests/pe/low_align_offset.asm: low alignment with a section's file offset different from its RVA.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 1 (.rdata): low alignment but PointerToRawData is not the RVA 0x600"
%define PE_LOW_ALIGNMENT
%define PE_RDATA_RAWPTR 0x800
%include "tests/pe/base.inc"
