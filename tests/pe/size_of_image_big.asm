; tests/pe/size_of_image_big.asm: SizeOfImage past the end of the last section.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "SizeOfImage 0x100000 is not where the last section ends (0x5000)"
%define PE_SIZE_OF_IMAGE 0x100000
%include "tests/pe/base.inc"
