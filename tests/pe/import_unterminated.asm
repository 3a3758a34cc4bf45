; tests/pe/import_unterminated.asm: import descriptors running off the end of the image.
; expect: imports STATUS_INVALID_IMAGE_FORMAT "run past the end of the image"
%define PE_DIR_IMPORT 0x4FF8, 8
%include "tests/pe/base.inc"
