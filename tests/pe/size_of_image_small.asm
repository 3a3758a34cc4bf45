; tests/pe/size_of_image_small.asm: SizeOfImage before the end of the last section.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 3 (.reloc) ends past SizeOfImage 0x4000"
%define PE_SIZE_OF_IMAGE 0x4000
%include "tests/pe/base.inc"
