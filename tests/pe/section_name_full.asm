; tests/pe/section_name_full.asm: an 8-character section name (no NUL in the header).
; expect: ok
%define PE_TEXT_NAME ".textbig"
%include "tests/pe/base.inc"
