; tests/pe/tls_directory_outside.asm: a TLS directory cut short by the end of the image.
; expect: tls STATUS_INVALID_IMAGE_FORMAT "TLS directory is outside"
%define PE_DIR_TLS 0x4FF0, 0x10
%include "tests/pe/base.inc"
