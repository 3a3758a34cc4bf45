; tests/pe/align_file_over_section.asm: FileAlignment larger than SectionAlignment.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "FileAlignment 0x2000 is larger than SectionAlignment 0x1000"
%define PE_FILE_ALIGN 0x2000
%include "tests/pe/base.inc"
