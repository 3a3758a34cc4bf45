; tests/pe/import_name_empty.asm: an imported DLL with an empty name.
; expect: imports STATUS_INVALID_IMAGE_FORMAT "name is empty"
%define PE_IMPORT_DLL ""
%include "tests/pe/base.inc"
