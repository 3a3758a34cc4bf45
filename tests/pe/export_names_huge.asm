; tests/pe/export_names_huge.asm: NumberOfNames past the image.
; expect: exports STATUS_INVALID_IMAGE_FORMAT "name or name-ordinal table is outside"
%define PE_EXPORT_NNAMES 0x1000000
%include "tests/pe/base.inc"
