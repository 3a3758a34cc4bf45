; tests/pe/delay_unbounded.asm: a delay-import directory of size 0: walked to the zero descriptor.
; expect: ok
%define PE_DIR_DELAY_IMPORT delay_descs, 0
%include "tests/pe/base.inc"
