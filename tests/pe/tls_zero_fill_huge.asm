; tests/pe/tls_zero_fill_huge.asm: a TLS zero fill of 2 GiB.
; expect: tls STATUS_INVALID_IMAGE_FORMAT "larger than any image"
%define PE_TLS_ZERO_FILL 0x7FFFFFFF
%include "tests/pe/base.inc"
