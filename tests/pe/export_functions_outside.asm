; tests/pe/export_functions_outside.asm: the export address table past the end of the image.
; expect: exports STATUS_INVALID_IMAGE_FORMAT "export address table is outside"
%define PE_EXPORT_FUNCS_RVA 0x4FFC
%include "tests/pe/base.inc"
