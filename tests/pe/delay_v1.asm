; tests/pe/delay_v1.asm: a delay-import descriptor in the old VA format.
; expect: delay STATUS_INVALID_IMAGE_FORMAT "old VA format"
%define PE_DELAY_ATTRIBUTES 0
%include "tests/pe/base.inc"
