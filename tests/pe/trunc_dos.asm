; tests/pe/trunc_dos.asm: the file ends inside the DOS header.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "the file ends inside the DOS header"
; truncate: 32
%include "tests/pe/base.inc"
