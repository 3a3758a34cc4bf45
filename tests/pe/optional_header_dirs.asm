; tests/pe/optional_header_dirs.asm: SizeOfOptionalHeader without room for the 16 directories.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "does not hold the 16 directories"
%define PE_OPT_SIZE 0xA0
%include "tests/pe/base.inc"
