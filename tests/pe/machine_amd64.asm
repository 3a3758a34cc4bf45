; tests/pe/machine_amd64.asm: an AMD64 machine.
; expect: parse STATUS_INVALID_IMAGE_FORMAT "Machine 0x8664 is not i386"
%define PE_MACHINE 0x8664
%include "tests/pe/base.inc"
