; tests/pe/tls_no_callbacks.asm: a TLS directory without callbacks.
; expect: ok
%define PE_TLS_CALLBACKS 0
%define PE_TLS_CALLBACKS_FIXUP 0
%include "tests/pe/base.inc"
