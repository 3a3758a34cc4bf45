; tests/pe/forwarder_ordinal_empty.asm: a forwarder to ordinal "".
; expect: exports STATUS_INVALID_IMAGE_FORMAT "RVA or forwarder is malformed"
%define PE_FORWARDER "kernel32.#"
%include "tests/pe/base.inc"
