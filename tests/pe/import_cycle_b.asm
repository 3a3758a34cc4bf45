; tests/pe/import_cycle_b.asm: imports from import_cycle_a.dll, which imports from this one.
; expect: ok
%define PE_EXPORT_NAME "import_cycle_b.dll"
%define PE_IMPORT_DLL "import_cycle_a.dll"
%define PE_IMPORT_NAME "beta"
%define PE_IMPORT_ORDINAL 1
%include "tests/pe/base.inc"
