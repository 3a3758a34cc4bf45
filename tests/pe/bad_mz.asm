; tests/pe/bad_mz.asm: no MZ signature.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "no MZ signature"
%define PE_DOS_MAGIC "ZM"
%include "tests/pe/base.inc"
