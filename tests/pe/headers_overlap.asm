; tests/pe/headers_overlap.asm: SizeOfHeaders reaching into the first section.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 0 (.text) overlaps the previous section or the headers (ending at 0x2000)"
%define PE_SIZE_OF_HEADERS 0x1200
%include "tests/pe/base.inc"
