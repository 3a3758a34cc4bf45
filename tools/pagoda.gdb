# tools/pagoda.gdb: gdb commands for debugging Pagoda in QEMU; tools/debug.sh runs
# `gdb -x tools/pagoda.gdb` from the repo root. Attaches to QEMU's gdb stub (started with -s -S),
# loads the kernel's symbols and runs to kmain.
set pagination off
set confirm off
set disassembly-flavor intel
set architecture i386
# The kernel ELF as executable and symbol file (loaded first: no "No executable" warning on connect).
file build/kernel.elf
target remote localhost:1234
# Breakpoints on the higher-half (0xC01xxxxx) symbols work even before paging is turned on.
break kmain
continue
