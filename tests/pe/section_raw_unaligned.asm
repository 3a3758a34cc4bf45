; tests/pe/section_raw_unaligned.asm: PointerToRawData not a multiple of FileAlignment.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 0 (.text): PointerToRawData is not a multiple of FileAlignment 0x200"
%define PE_TEXT_RAWPTR 0x210
%include "tests/pe/base.inc"
