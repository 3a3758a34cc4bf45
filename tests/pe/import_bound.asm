; tests/pe/import_bound.asm: a bound import: the descriptor's TimeDateStamp is -1, the IAT holds the
; addresses of an old binding and a bound-import directory (in the headers, where linkers put it)
; vouches for them. The loader ignores all three and binds from the names (tests/win32/corpus.c
; checks the IAT afterwards).
; expect: ok
%define PE_IMPORT_TIMESTAMP 0xFFFFFFFF
%define PE_IAT_THUNK1 0x7FFF1234
%define PE_IAT_THUNK2 0x7FFF5678
; IMAGE_BOUND_IMPORT_DESCRIPTOR {TimeDateStamp -1, OffsetModuleName 16, 0 forwarder refs}, an
; empty one to end the list, then the name.
%define BOUND_DESCRIPTORS 0xFF, 0xFF, 0xFF, 0xFF, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
%define PE_HEADER_EXTRA bound_dir: db BOUND_DESCRIPTORS, "kernel32.dll", 0
%define PE_DIR_BOUND_IMPORT bound_dir, 29
%include "tests/pe/base.inc"
