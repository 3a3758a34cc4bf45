; tests/pe/import_thunk_outside.asm: an import by name whose hint/name entry is outside the image.
; expect: imports STATUS_INVALID_IMAGE_FORMAT "hint/name entry is outside the image"
%define PE_IMPORT_THUNK1 0x7FFF0000
%include "tests/pe/base.inc"
