; tests/pe/align_file_not_pow2.asm: FileAlignment 0x300.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "FileAlignment 0x300 is not a power of two"
%define PE_FILE_ALIGN 0x300
%include "tests/pe/base.inc"
