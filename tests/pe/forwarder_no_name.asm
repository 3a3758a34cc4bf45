; tests/pe/forwarder_no_name.asm: a forwarder string ending with the dot.
; expect: exports STATUS_INVALID_IMAGE_FORMAT "RVA or forwarder is malformed"
%define PE_FORWARDER "kernel32."
%include "tests/pe/base.inc"
