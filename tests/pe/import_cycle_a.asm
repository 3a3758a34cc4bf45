; tests/pe/import_cycle_a.asm: imports from import_cycle_b.dll, which imports from this one.
; expect: ok
%define PE_EXPORT_NAME "import_cycle_a.dll"
%define PE_IMPORT_DLL "import_cycle_b.dll"
%define PE_IMPORT_NAME "alpha"
%define PE_IMPORT_ORDINAL 2
%include "tests/pe/base.inc"
