; tests/pe/section_raw_wraps.asm: PointerToRawData + SizeOfRawData wrapping past 4 GiB.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 3 (.reloc): raw data ends past the end of the file"
%define PE_RELOC_RAWPTR 0xFFFFFE00
%include "tests/pe/base.inc"
