; tests/pe/trunc_file_header.asm: the file ends inside the file header.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "the file ends inside the file header"
; truncate: 80
%include "tests/pe/base.inc"
