; tests/pe/import_forwarded.asm: an import of base.dll's forwarder gamma: binds to the forwarder.
; expect: ok
%define PE_IMPORT_DLL "base.dll"
%define PE_IMPORT_NAME "gamma"
%define PE_IMPORT_ORDINAL 3
%include "tests/pe/base.inc"
