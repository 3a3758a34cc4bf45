; tests/pe/low_align.asm: a low-alignment image (SectionAlignment = FileAlignment = 512).
; expect: ok
%define PE_LOW_ALIGNMENT
%include "tests/pe/base.inc"
