; tests/pe/import_name_missing.asm: an import by a name base.dll does not export.
; expect: bind STATUS_ENTRYPOINT_NOT_FOUND
%define PE_IMPORT_DLL "base.dll"
%define PE_IMPORT_NAME "nosuch"
%define PE_IMPORT_ORDINAL 1
%include "tests/pe/base.inc"
