; tests/pe/section_bss.asm: a fifth section without raw data (its PointerToRawData ignored).
; expect: ok
%define PE_EXTRA_SECTION_HEADER section_header ".bss", 0x1000, 0x5000, 0, 0x12345678, 0xC0000080
%define PE_NUM_SECTIONS 5
%define PE_SIZE_OF_IMAGE 0x6000
%include "tests/pe/base.inc"
