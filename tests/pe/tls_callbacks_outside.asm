; tests/pe/tls_callbacks_outside.asm: a TLS callback array outside the image.
; expect: tls STATUS_INVALID_IMAGE_FORMAT "callback array is outside"
%define PE_TLS_CALLBACKS 0x20000000
%include "tests/pe/base.inc"
