; tests/pe/align_file_small.asm: FileAlignment 256 with page-sized sections.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "FileAlignment 0x100 is not a power of two in 512..64K"
%define PE_FILE_ALIGN 0x100
%include "tests/pe/base.inc"
