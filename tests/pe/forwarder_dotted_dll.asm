; tests/pe/forwarder_dotted_dll.asm: a forwarder to a DLL with dots in its name: split at the last.
; expect: ok
; loader: STATUS_DLL_NOT_FOUND
; (looking gamma up looks for api.ms.win.core.dll, which does not exist)
%define PE_FORWARDER "api.ms.win.core.GetTickCount"
%include "tests/pe/base.inc"
