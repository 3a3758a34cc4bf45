; tests/pe/import_ordinal_range.asm: an import by an ordinal past base.dll's export table.
; expect: bind STATUS_ORDINAL_NOT_FOUND
%define PE_IMPORT_DLL "base.dll"
%define PE_IMPORT_NAME "alpha"
%define PE_IMPORT_ORDINAL 99
%include "tests/pe/base.inc"
