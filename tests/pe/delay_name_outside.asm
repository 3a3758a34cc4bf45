; tests/pe/delay_name_outside.asm: a delay-imported DLL's name outside the image.
; expect: delay STATUS_INVALID_IMAGE_FORMAT "name is outside the image"
%define PE_DELAY_DLL_NAME 0x7000
%include "tests/pe/base.inc"
