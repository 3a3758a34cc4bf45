; tests/pe/import_self.asm: a DLL named in its own imports (for the loader, not the parser).
; expect: ok
%define PE_EXPORT_NAME "import_self.dll"
%define PE_IMPORT_DLL "import_self.dll"
%define PE_IMPORT_NAME "alpha"
%define PE_IMPORT_ORDINAL 2
%include "tests/pe/base.inc"
