; tests/pe/image_base_unaligned.asm: ImageBase not a multiple of 64 KiB.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "ImageBase 0x10001000 is not a multiple of 64 KiB"
%define PE_FIELD_IMAGE_BASE 0x10001000
%include "tests/pe/base.inc"
