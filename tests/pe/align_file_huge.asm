; tests/pe/align_file_huge.asm: FileAlignment 128 KiB.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "FileAlignment 0x20000 is not a power of two in 512..64K"
%define PE_FILE_ALIGN 0x20000
%define PE_FIELD_SECTION_ALIGN 0x40000
%include "tests/pe/base.inc"
