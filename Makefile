# Makefile: the one entry point. `make` builds build/kernel.elf and build/pagoda.iso; `make run` boots
# it in QEMU with the serial console on the terminal (with build/disk.img as the first IDE disk); `make test` runs the whole suite (tests/run).
# Options for the kernel command line go in CMDLINE, e.g. make run CMDLINE="split=3G loglevel=debug".

CC      := gcc
NASM    := nasm
HOSTCC  := gcc
BUILD   := build
CMDLINE ?=
# Exported rather than quoted into recipes, so options may hold quotes (autorun=... "a b").
export CMDLINE

# The issue's flags, plus: i486 code only, frame pointers for backtraces, no FPU/SSE in the kernel.
CFLAGS  := -m32 -march=i486 -std=c11 -ffreestanding -fno-pie -fno-stack-protector -O2 -g \
           -Wall -Wextra -Wmissing-prototypes -Werror -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
           -fno-strict-aliasing -mgeneral-regs-only -I. -MMD -MP
LDFLAGS := -m32 -nostdlib -static -no-pie -T linker.ld -Wl,--build-id=none -Wl,-z,noexecstack \
           -Wl,-z,max-page-size=0x1000
NASMFLAGS := -f elf32 -w+all -I./ -I$(BUILD)/gen/

KERNEL_H   := $(sort $(shell find kernel -name '*.h')) $(wildcard mm/*.h ldr/*.h)
KERNEL_C   := $(sort $(shell find kernel -name '*.c')) $(wildcard mm/*.c ldr/pe*.c tests/kernel/*.c tests/common/*.c)
KERNEL_ASM := $(wildcard boot/*.asm)
KERNEL_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(KERNEL_C)) $(patsubst %.asm,$(BUILD)/obj/%.o,$(KERNEL_ASM))

# Pure C compiled for the host too, with sanitizers (tests/host).
HOST_SHARED := kernel/rtl/format.c kernel/ke/cmdline.c kernel/ke/ktest_message.c mm/physmap.c mm/vad.c mm/protect.c \
               $(wildcard tests/common/*.c)
HOST_TESTS  := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(wildcard tests/host/test_*.c))
HOST_CFLAGS := -std=c11 -DPAGODA_HOST -O1 -g -Wall -Wextra -Werror -Wmissing-prototypes -I. \
               -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer

# Tests register themselves in .ktests; keep them in the order the files declare them.
$(BUILD)/obj/tests/%.o: CFLAGS += -fno-toplevel-reorder

.PHONY: all kernel iso disk run run-gui debug test bench bench-linux host-tests deps check-deps lint \
        clean
.DELETE_ON_ERROR:

all: kernel iso disk

include user/user.mk
include ldr/ldr.mk

kernel: $(BUILD)/kernel.elf

iso: $(BUILD)/pagoda.iso

disk: $(BUILD)/disk.img

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) $(NASMFLAGS) $< -o $@

# The stubs that build trap frames share boot/trapframe.inc.
$(BUILD)/obj/boot/trap.o $(BUILD)/obj/boot/sysenter.o: boot/trapframe.inc

# The constants boot/*.asm shares with the C headers (selectors, vectors, EFLAGS bits, offsets):
# boot/asmdefs.c compiled to assembly, whose "#ASMDEF NAME value" lines become NASM equs.
$(BUILD)/gen/asmdefs.inc: boot/asmdefs.c
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@$(CC) $(CFLAGS) -S $< -o $(BUILD)/gen/asmdefs.s -MF $(BUILD)/gen/asmdefs.d -MT $@
	@{ echo "; $@: generated from boot/asmdefs.c; do not edit."; \
	   sed -n 's/^#ASMDEF \([A-Z0-9_]*\) \(-\{0,1\}[0-9][0-9]*\)$$/\1 equ \2/p' $(BUILD)/gen/asmdefs.s; \
	 } > $@
	@test "$$(grep -c equ $@)" = "$$(grep -c '^ *ASMDEF(' $<)" || \
		{ echo "error: $@ lacks some of boot/asmdefs.c's ASMDEF lines" >&2; rm -f $@; exit 1; }

$(patsubst %.asm,$(BUILD)/obj/%.o,$(KERNEL_ASM)): $(BUILD)/gen/asmdefs.inc
-include $(BUILD)/gen/asmdefs.d

# Two link passes: the first with an empty symbol table, then with the table generated from it. The
# table sits after all code, so the second pass moves no function; the final check proves it.
$(BUILD)/ksyms0.c: tools/ksymgen.sh
	@mkdir -p $(BUILD)
	@tools/ksymgen.sh > $@

$(BUILD)/kernel.pass1.elf: $(KERNEL_OBJ) $(BUILD)/obj/ksyms0.o linker.ld
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(KERNEL_OBJ) $(KERNEL_EXTRA) $(BUILD)/obj/ksyms0.o -lgcc

$(BUILD)/ksyms.c: $(BUILD)/kernel.pass1.elf tools/ksymgen.sh
	@echo "  KSYMS   $@"
	@tools/ksymgen.sh $< > $@

$(BUILD)/obj/ksyms0.o: $(BUILD)/ksyms0.c
	@$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/ksyms.o: $(BUILD)/ksyms.c
	@$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/kernel.elf: $(KERNEL_OBJ) $(BUILD)/obj/ksyms.o linker.ld
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(KERNEL_OBJ) $(KERNEL_EXTRA) $(BUILD)/obj/ksyms.o -lgcc
	@tools/ksymgen.sh $@ | cmp -s - $(BUILD)/ksyms.c || \
		{ echo "error: the symbol table moved code between link passes" >&2; rm -f $@; exit 1; }

$(BUILD)/pagoda.iso: $(BUILD)/kernel.elf iso/grub.cfg.in tools/mkiso.sh
	@echo "  ISO     $@"
	@tools/mkiso.sh $@ $(BUILD)/kernel.elf

# The test disk: MBR, one FAT32 partition from a staging tree (plus $(EXTRA) when set), scratch sectors.
EXTRA ?=
$(BUILD)/disk.img: tools/mkdisk.sh $(wildcard tests/disk/*) $(DISK_FILES) \
                   $(if $(EXTRA),$(shell find $(EXTRA)))
	@mkdir -p $(BUILD)
	@echo "  DISK    $@"
	@EXTRA="$(EXTRA)" DISK_ROOT="$(DISK_ROOT)" tools/mkdisk.sh $@

$(BUILD)/host/%: tests/host/%.c $(HOST_SHARED) $(wildcard tests/common/*.h) $(KERNEL_H)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(HOST_SHARED)

# The FAT library (kernel/fs/fat/ but the kernel glue and the I/O-manager binding) is pure too, but
# only test_fat needs it.
HOST_FAT := $(filter-out kernel/fs/fat/kernel_glue.c kernel/fs/fat/fsd.c,$(wildcard kernel/fs/fat/*.c)) \
            kernel/rtl/calendar.c
$(BUILD)/host/test_fat: tests/host/test_fat.c $(HOST_SHARED) $(HOST_FAT) $(wildcard tests/host/fat_*) \
                       $(KERNEL_H)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(HOST_SHARED) $(HOST_FAT) $(wildcard tests/host/fat_*.c)

host-tests: $(HOST_TESTS)
	@for t in $(HOST_TESTS); do $$t || echo "FAIL $$(basename $$t): exited with status $$?"; done
	@tests/host/test_bench_table.sh
	@tests/host/test_checkdeps.sh

run: all
	tools/run.sh

run-gui: all
	GUI=1 tools/run.sh

debug: all
	tools/debug.sh

test:
	tests/run

bench: all
	tools/bench.sh

# Linux (Debian's i386 kernel, tools/bench-linux/peer.c as /init) and Pagoda's bench, back to back.
bench-linux: all
	tools/bench-linux.sh

deps:
	tools/deps.sh

# The include order between the kernel's folders (docs/decisions.md); host-tests runs it too.
check-deps:
	@tools/checkdeps.sh

# The kernel built with -Werror, then clang-format and the tree's own rules over every file
# (tools/lint.sh: 100 columns, headers that name their file, cited paths that exist).
lint: $(BUILD)/kernel.elf
	@tools/lint.sh

clean:
	rm -rf $(BUILD)

-include $(KERNEL_OBJ:.o=.d)
