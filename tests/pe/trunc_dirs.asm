; tests/pe/trunc_dirs.asm: the file ends inside the data directories.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "the file ends inside the data directories"
; truncate: 256
%include "tests/pe/base.inc"
