; tests/pe/size_of_image_unaligned.asm: SizeOfImage not a multiple of SectionAlignment: rounded up.
; expect: ok
%define PE_SIZE_OF_IMAGE 0x4800
%include "tests/pe/base.inc"
