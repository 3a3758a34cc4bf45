; tests/pe/size_of_headers_small.asm: SizeOfHeaders before the end of the section table.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "SizeOfHeaders 0x100 ends before the end of the section table (0x1d8)"
%define PE_SIZE_OF_HEADERS 0x100
%include "tests/pe/base.inc"
