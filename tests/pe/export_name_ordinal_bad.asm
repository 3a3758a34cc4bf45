; tests/pe/export_name_ordinal_bad.asm: a name-ordinal past the export address table.
; expect: exports STATUS_INVALID_IMAGE_FORMAT "export name is malformed"
%define PE_EXPORT_GAMMA_ORDINAL 9
%include "tests/pe/base.inc"
