; tests/pe/optional_header_small.asm: SizeOfOptionalHeader smaller than PE32's fields.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "SizeOfOptionalHeader 0x50 is smaller"
%define PE_OPT_SIZE 0x50
%include "tests/pe/base.inc"
