; tests/pe/import_garbage.asm: the import directory pointed at garbage.
; expect: imports STATUS_INVALID_IMAGE_FORMAT "name is outside the image"
%define PE_DIR_IMPORT junk, 0x40
%include "tests/pe/base.inc"
