; tests/pe/dir_wraps.asm: a data directory whose end wraps past 4 GiB.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "data directory 2 lies outside the image"
%define PE_DIR_RESOURCE 0xFFFFFF00, 0x200
%include "tests/pe/base.inc"
