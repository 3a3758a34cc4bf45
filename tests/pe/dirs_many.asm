; tests/pe/dirs_many.asm: NumberOfRvaAndSizes 32: counted as 16, as NT does.
; expect: ok
%define PE_NUM_DIRS 32
%include "tests/pe/base.inc"
