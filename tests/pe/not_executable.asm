; tests/pe/not_executable.asm: IMAGE_FILE_EXECUTABLE_IMAGE clear (an unlinked file).
; expect: parse STATUS_INVALID_IMAGE_FORMAT "EXECUTABLE_IMAGE is clear"
%define PE_CHARACTERISTICS 0x2100
%include "tests/pe/base.inc"
