; tests/pe/sections_97.asm: NumberOfSections 97, over NT's limit.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "NumberOfSections 97 is not 1..96"
%define PE_NUM_SECTIONS 97
%include "tests/pe/base.inc"
