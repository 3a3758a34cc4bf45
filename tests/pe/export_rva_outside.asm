; tests/pe/export_rva_outside.asm: an export RVA outside the image.
; expect: exports STATUS_INVALID_IMAGE_FORMAT "RVA or forwarder is malformed"
%define PE_EXPORT_ALPHA 0x9000
%include "tests/pe/base.inc"
