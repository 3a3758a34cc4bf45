; tests/pe/export_functions_huge.asm: NumberOfFunctions 0x40000000 (4 * n wraps in 32 bits).
; expect: exports STATUS_INVALID_IMAGE_FORMAT "export address table is outside"
%define PE_EXPORT_NFUNCS 0x40000000
%include "tests/pe/base.inc"
