; tests/pe/size_of_headers_past_eof.asm: SizeOfHeaders larger than the file.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "SizeOfHeaders 0x10000 is larger than the file (0x1e00)"
%define PE_SIZE_OF_HEADERS 0x10000
%include "tests/pe/base.inc"
