; tests/pe/dirs_few.asm: NumberOfRvaAndSizes 2: only the export and import directories count.
; expect: ok
; loader: STATUS_SUCCESS STATUS_CONFLICTING_ADDRESSES
; (relocated: without a relocation directory it cannot move)
%define PE_NUM_DIRS 2
%include "tests/pe/base.inc"
