; tests/pe/forwarder_ordinal.asm: a forwarder by ordinal.
; expect: ok
%define PE_FORWARDER "kernel32.#12"
%include "tests/pe/base.inc"
