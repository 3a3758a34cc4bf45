; tests/pe/size_of_image_huge.asm: SizeOfImage of almost 2 GiB.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "SizeOfImage 0x7fff0000 is 0 or larger than 0x7ffe0000"
%define PE_SIZE_OF_IMAGE 0x7FFF0000
%include "tests/pe/base.inc"
