; tests/pe/forwarder_cycle_b.asm: gamma forwards to forwarder_cycle_a.gamma, which forwards back.
; expect: ok
%define PE_EXPORT_NAME "forwarder_cycle_b.dll"
%define PE_FORWARDER "forwarder_cycle_a.gamma"
%include "tests/pe/base.inc"
