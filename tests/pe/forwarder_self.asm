; tests/pe/forwarder_self.asm: gamma forwards to itself.
; expect: ok
; loader: STATUS_INVALID_IMAGE_FORMAT
; (gamma forwards to itself)
%define PE_EXPORT_NAME "forwarder_self.dll"
%define PE_FORWARDER "forwarder_self.gamma"
%define PE_IMPORT_DLL "forwarder_self.dll"
%define PE_IMPORT_NAME "gamma"
%define PE_IMPORT_ORDINAL 3
%include "tests/pe/base.inc"
