; tests/pe/trunc_section_table.asm: the file ends inside the section table.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "SizeOfHeaders 0x200 is larger than the file"
; truncate: 352
%include "tests/pe/base.inc"
