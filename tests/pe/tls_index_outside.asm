; tests/pe/tls_index_outside.asm: a TLS index slot outside the image.
; expect: tls STATUS_INVALID_IMAGE_FORMAT "index slot is outside"
%define PE_TLS_INDEX 0x20000000
%include "tests/pe/base.inc"
