; tests/pe/forwarder_no_dll.asm: a forwarder string starting with the dot.
; expect: exports STATUS_INVALID_IMAGE_FORMAT "RVA or forwarder is malformed"
%define PE_FORWARDER ".GetTickCount"
%include "tests/pe/base.inc"
