; tests/pe/tls_template_outside.asm: a TLS template outside the image.
; expect: tls STATUS_INVALID_IMAGE_FORMAT "template is outside the image"
%define PE_TLS_START 0x100
%include "tests/pe/base.inc"
