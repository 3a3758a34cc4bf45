; tests/pe/dir_outside.asm: a data directory past SizeOfImage.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "data directory 6 lies outside the image (RVA 0x4f00)"
%define PE_DIR_DEBUG 0x4F00, 0x200
%include "tests/pe/base.inc"
