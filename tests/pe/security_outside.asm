; tests/pe/security_outside.asm: the security directory past the end of the file.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "the security directory lies outside the file (offset 0x1e00)"
%define PE_DIR_SECURITY 0x1E00, 0x100
%include "tests/pe/base.inc"
