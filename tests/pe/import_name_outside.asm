; tests/pe/import_name_outside.asm: an imported DLL's name RVA outside the image.
; expect: imports STATUS_INVALID_IMAGE_FORMAT "name is outside the image"
%define PE_IMPORT_NAME_DESC 0x6000
%include "tests/pe/base.inc"
