; tests/pe/reloc_self.asm: a fixup that would rewrite the relocation directory.
; expect: relocs STATUS_INVALID_IMAGE_FORMAT "writes the relocation directory itself"
%define PE_EXTRA_RELOCS dd 0x4000, 12, 0x3004
%include "tests/pe/base.inc"
