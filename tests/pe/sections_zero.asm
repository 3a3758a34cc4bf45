; tests/pe/sections_zero.asm: NumberOfSections 0.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "NumberOfSections 0 is not 1..96"
%define PE_NUM_SECTIONS 0
%include "tests/pe/base.inc"
