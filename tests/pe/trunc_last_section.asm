; tests/pe/trunc_last_section.asm: the file ends inside the last section's raw data.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 3 (.reloc): raw data ends past the end of the file"
; truncate: 7424
%include "tests/pe/base.inc"
