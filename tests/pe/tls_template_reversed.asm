; tests/pe/tls_template_reversed.asm: a TLS template that ends before it starts.
; expect: tls STATUS_INVALID_IMAGE_FORMAT "ends before it starts"
%define PE_TLS_START PE_IMAGE_BASE + tls_template_end
%define PE_TLS_END PE_IMAGE_BASE + tls_template
%include "tests/pe/base.inc"
