; tests/pe/section_empty.asm: a section with VirtualSize and SizeOfRawData 0.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "section 0 (.text) is empty"
%define PE_TEXT_VSIZE 0
%define PE_TEXT_RAWSIZE 0
%include "tests/pe/base.inc"
