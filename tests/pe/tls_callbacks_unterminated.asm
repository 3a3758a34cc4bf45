; tests/pe/tls_callbacks_unterminated.asm: a TLS callback array with no NULL in the image.
; expect: tls STATUS_INVALID_IMAGE_FORMAT "not terminated"
; pedump: a TLS callback is outside the image
%define PE_TLS_CALLBACKS PE_IMAGE_BASE + junk
; Valid callbacks once tests/host/pe_host.c has relocated the image by PE_TEST_DELTA (0x01000000).
%define PE_JUNK_WORD PE_IMAGE_BASE + 0x01000000 + TEXT_RVA
%include "tests/pe/base.inc"
