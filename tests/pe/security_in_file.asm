; tests/pe/security_in_file.asm: a security directory in the file, outside the image.
; expect: ok
%define PE_DIR_SECURITY 0x1D00, 0x100
%include "tests/pe/base.inc"
