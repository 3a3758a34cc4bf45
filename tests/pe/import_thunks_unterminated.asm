; tests/pe/import_thunks_unterminated.asm: an import lookup table with no zero entry.
; expect: imports STATUS_INVALID_IMAGE_FORMAT "lookup table is not terminated"
; loader: STATUS_ORDINAL_NOT_FOUND
; (the loader binds each entry as it walks, as NT does: the junk is ordinal 1, which the
; corpus's kernel32.dll lacks)
%define PE_IMPORT_LOOKUP junk
%define PE_JUNK_WORD 0x80000001
%include "tests/pe/base.inc"
