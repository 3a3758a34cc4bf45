; tests/pe/size_of_image_max.asm: SizeOfImage 0xFFFFFFFF (rounds past 4 GiB).
; expect: parse STATUS_INVALID_IMAGE_FORMAT "SizeOfImage 0xffffffff is 0 or larger"
%define PE_SIZE_OF_IMAGE 0xFFFFFFFF
%include "tests/pe/base.inc"
