; tests/pe/import_wrong_hint.asm: an import whose hint names another export: found anyway.
; expect: ok
%define PE_IMPORT_DLL "base.dll"
%define PE_IMPORT_NAME "gamma"
%define PE_IMPORT_HINT 0
%define PE_IMPORT_ORDINAL 1
%include "tests/pe/base.inc"
