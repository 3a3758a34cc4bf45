; tests/pe/base.asm: the corpus's good DLL (tests/pe/base.inc with every default).
; expect: ok
%include "tests/pe/base.inc"
