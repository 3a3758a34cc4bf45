; tests/pe/size_of_image_zero.asm: SizeOfImage 0.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "SizeOfImage 0x0 is 0"
%define PE_SIZE_OF_IMAGE 0
%include "tests/pe/base.inc"
