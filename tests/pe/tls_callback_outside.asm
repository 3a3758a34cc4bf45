; tests/pe/tls_callback_outside.asm: a TLS callback outside the image.
; expect: tls STATUS_INVALID_IMAGE_FORMAT "a TLS callback is outside"
%define PE_TLS_CALLBACK0 0x20000000
%include "tests/pe/base.inc"
