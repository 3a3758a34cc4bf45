; tests/pe/entry_outside.asm: AddressOfEntryPoint past SizeOfImage.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "AddressOfEntryPoint 0x5000 is outside the image"
%define PE_ENTRY 0x5000
%include "tests/pe/base.inc"
