; tests/pe/forwarder_cycle_a.asm: gamma forwards to forwarder_cycle_b.gamma, which forwards back.
; expect: ok
; loader: STATUS_INVALID_IMAGE_FORMAT
; (binding gamma goes round the cycle: an error, not a hang)
%define PE_EXPORT_NAME "forwarder_cycle_a.dll"
%define PE_FORWARDER "forwarder_cycle_b.gamma"
%define PE_IMPORT_DLL "forwarder_cycle_b.dll"
%define PE_IMPORT_NAME "gamma"
%define PE_IMPORT_ORDINAL 3
%include "tests/pe/base.inc"
