; tests/pe/section_past_eof.asm: a section's raw data past the end of the file.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 3 (.reloc): raw data ends past the end of the file (0x1e00)"
%define PE_RELOC_RAWSIZE 0x2000
%include "tests/pe/base.inc"
