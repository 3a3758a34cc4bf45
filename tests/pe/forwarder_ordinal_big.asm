; tests/pe/forwarder_ordinal_big.asm: a forwarder to ordinal 70000.
; expect: exports STATUS_INVALID_IMAGE_FORMAT "RVA or forwarder is malformed"
%define PE_FORWARDER "kernel32.#70000"
%include "tests/pe/base.inc"
