; boot/start.asm: the Multiboot 1 entry point.
; Builds the early page directory (identity + higher half over the first 8 MiB, the hyperspace table
; and the self-map), turns paging on with CR0.WP, jumps to 0xC01xxxxx, drops the identity map, calls
; kmain.

bits 32

%include "asmdefs.inc"                      ; KERNEL_VIRTUAL_BASE, PTE_PRESENT_RW, CR0_PG_WP
MB_MAGIC            equ 0x1BADB002
MB_FLAGS            equ 0x00000003          ; page-aligned modules, memory information
BOOT_STACK_SIZE     equ 16384

%define PHYS(x) ((x) - KERNEL_VIRTUAL_BASE)

section .multiboot
align 4
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)

; Page-aligned boot data. The guard page below the boot stack is unmapped by mm_init, so an overflow
; of the boot (later: idle) stack raises a double fault instead of silently corrupting the page
; tables.
section .bss.pagealigned nobits alloc write align=4096
global boot_page_directory, boot_page_tables, boot_hyperspace_table
global boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_page_directory:    resb 4096
boot_page_tables:       resb 8192           ; two tables: physical 0-8 MiB
boot_hyperspace_table:  resb 4096           ; PDE 1022: hyperspace and fixed mappings
boot_stack_guard:       resb 4096
boot_stack_bottom:      resb BOOT_STACK_SIZE
boot_stack_top:

section .boot.text
global _start
extern kmain, __bss_start, __bss_end

_start:
    cli
    cld
    mov ebp, eax                            ; Multiboot magic
    ; ebx = physical address of the Multiboot information; nothing below touches ebx or ebp.

    mov edi, PHYS(__bss_start)              ; the loaders zero .bss, but we do not rely on it
    mov ecx, PHYS(__bss_end)
    sub ecx, edi
    shr ecx, 2
    xor eax, eax
    rep stosd

    mov edi, PHYS(boot_page_tables)         ; 2048 PTEs: frames 0 .. 8 MiB
    mov eax, PTE_PRESENT_RW
    mov ecx, 2048
.fill:
    stosd
    add eax, 4096
    loop .fill

    mov edx, PHYS(boot_page_directory)
    mov eax, PHYS(boot_page_tables) + PTE_PRESENT_RW
    mov [edx + 0 * 4], eax                  ; identity, dropped below
    mov [edx + 768 * 4], eax                ; 0xC0000000
    add eax, 4096
    mov [edx + 1 * 4], eax
    mov [edx + 769 * 4], eax                ; 0xC0400000
    mov eax, PHYS(boot_hyperspace_table) + PTE_PRESENT_RW
    mov [edx + 1022 * 4], eax
    lea eax, [edx + PTE_PRESENT_RW]
    mov [edx + 1023 * 4], eax               ; self-map: page tables appear at 0xFFC00000

    mov cr3, edx
    mov eax, cr0
    or eax, CR0_PG_WP
    mov cr0, eax
    mov eax, .higher_half
    jmp eax

.higher_half:
    mov dword [boot_page_directory + 0 * 4], 0
    mov dword [boot_page_directory + 1 * 4], 0
    mov eax, cr3
    mov cr3, eax

    mov esp, boot_stack_top
    push 0
    popfd                                   ; IF=0, DF=0, NT=0, AC=0
    push ebx                                ; physical address of the Multiboot information
    push ebp                                ; magic
    xor ebp, ebp                            ; ends the backtrace
    call kmain
.hang:
    cli
    hlt
    jmp .hang
