; tests/pe/section_vsize_huge.asm: VirtualSize 0xFFFFFFFF (rounds past 4 GiB).
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 0 (.text) ends past SizeOfImage"
%define PE_TEXT_VSIZE 0xFFFFFFFF
%include "tests/pe/base.inc"
