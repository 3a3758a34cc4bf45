; tests/pe/forwarder_dotted_dll.asm: a forwarder to a DLL with dots in its name: split at the last.
; expect: ok
%define PE_FORWARDER "api.ms.win.core.GetTickCount"
%include "tests/pe/base.inc"
