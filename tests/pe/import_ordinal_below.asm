; tests/pe/import_ordinal_below.asm: an import by ordinal 0, below base.dll's ordinal base.
; expect: bind STATUS_ORDINAL_NOT_FOUND
%define PE_IMPORT_DLL "base.dll"
%define PE_IMPORT_NAME "alpha"
%define PE_IMPORT_ORDINAL 0
%include "tests/pe/base.inc"
