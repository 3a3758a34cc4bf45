; tests/pe/forwarder_ordinal_junk.asm: a forwarder to ordinal "1x".
; expect: exports STATUS_INVALID_IMAGE_FORMAT "RVA or forwarder is malformed"
%define PE_FORWARDER "kernel32.#1x"
%include "tests/pe/base.inc"
