; tests/pe/forwarder_no_dot.asm: a forwarder string with no dot.
; expect: exports STATUS_INVALID_IMAGE_FORMAT "RVA or forwarder is malformed"
%define PE_FORWARDER "kernel32GetTickCount"
%include "tests/pe/base.inc"
