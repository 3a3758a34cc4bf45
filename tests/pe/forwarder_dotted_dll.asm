; tests/pe/forwarder_dotted_dll.asm: a forwarder to a DLL whose name has dots: split at the last dot.
; expect: ok
%define PE_FORWARDER "api.ms.win.core.GetTickCount"
%include "tests/pe/base.inc"
