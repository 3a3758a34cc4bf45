; tests/pe/low_align_mismatch.asm: low alignment with FileAlignment different from SectionAlignment.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "low alignment: FileAlignment 0x100 differs from SectionAlignment 0x200"
%define PE_LOW_ALIGNMENT
%define PE_FILE_ALIGN 0x100
%include "tests/pe/base.inc"
