; tests/pe/dirs_few.asm: NumberOfRvaAndSizes 2: only the export and import directories count.
; expect: ok
%define PE_NUM_DIRS 2
%include "tests/pe/base.inc"
