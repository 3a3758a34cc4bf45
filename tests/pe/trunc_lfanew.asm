; tests/pe/trunc_lfanew.asm: the file ends where e_lfanew points.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "the file ends inside the file header"
; truncate: 64
%include "tests/pe/base.inc"
