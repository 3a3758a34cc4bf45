; tests/pe/forwarder_cycle_b.asm: gamma forwards to forwarder_cycle_a.gamma, which forwards back.
; expect: ok
; loader: STATUS_INVALID_IMAGE_FORMAT
; (looking gamma up loads forwarder_cycle_a, whose own import of gamma goes round the
; cycle)
%define PE_EXPORT_NAME "forwarder_cycle_b.dll"
%define PE_FORWARDER "forwarder_cycle_a.gamma"
%include "tests/pe/base.inc"
