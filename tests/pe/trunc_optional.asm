; tests/pe/trunc_optional.asm: the file ends inside the optional header.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "the file ends inside the optional header"
; truncate: 144
%include "tests/pe/base.inc"
