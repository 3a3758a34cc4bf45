; tests/pe/trunc_headers.asm: the file ends before SizeOfHeaders.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "SizeOfHeaders 0x200 is larger than the file (0x1f0)"
; truncate: 496
%include "tests/pe/base.inc"
