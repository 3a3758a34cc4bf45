; tests/pe/import_hint_huge.asm: an import whose hint is past the name table.
; expect: ok
%define PE_IMPORT_DLL "base.dll"
%define PE_IMPORT_NAME "beta"
%define PE_IMPORT_HINT 0xFFFF
%define PE_IMPORT_ORDINAL 4
%include "tests/pe/base.inc"
