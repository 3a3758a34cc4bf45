# user/user.mk: the user-mode side of the build, included from the top Makefile.
#   - the flat runtime (user/rt) and every tests/user/NAME.c linked into build/user/NAME.bin
#     (checked by tools/flatcheck with the loader's own ke_flat_check)
#   - build/user_images.asm: every .bin incbin'd into the kernel (kernel/ps/embedded.h)
#   - build/service_table.c: the kernel's dispatch table from kernel/ke/services.list
#   - the checks that user/include/pagoda/nt.h matches the list (mingw-w64) and that the PE stubs
#     assemble; `make user` builds all of it without the kernel.

USER_CC    := $(CC)
MINGW_CC   ?= i686-w64-mingw32-gcc
USER_BUILD := $(BUILD)/user
USER_OBJ   := $(USER_BUILD)/obj

# The issue's flags, plus: dependency files, no unwind tables (nothing reads them), the generated
# service numbers (build/user/include/pagoda/services.h).
USER_CFLAGS  := -m32 -march=i486 -std=c11 -ffreestanding -fno-pie -fno-stack-protector -O2 \
                -fstack-clash-protection \
                -fno-omit-frame-pointer -nostdlib -Wall -Wextra -Werror -I. -Iuser/include \
                -I$(USER_BUILD)/include -fno-asynchronous-unwind-tables -MMD -MP
USER_LDFLAGS := -m32 -nostdlib -static -no-pie -T user/rt/flat.ld -Wl,--build-id=none \
                -Wl,--orphan-handling=error -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

# The runtime: user/rt, the generated stubs, and the kernel's pure printf engine and string
# functions compiled again for user mode.
USER_RT_C    := $(wildcard user/rt/*.c) kernel/rtl/format.c kernel/rtl/string.c
USER_RT_OBJS := $(USER_OBJ)/user/rt/crt0.o $(USER_OBJ)/syscalls.o \
                $(patsubst %.c,$(USER_OBJ)/%.o,$(USER_RT_C))

USER_PROGRAMS := $(patsubst tests/user/%.c,%,$(wildcard tests/user/*.c))
# A program may have more files in tests/user/NAME/ (C and NASM): the fuzzer does.
FUZZ_OBJS     := $(patsubst %.c,$(USER_OBJ)/%.o,$(wildcard tests/user/fuzz/*.c)) \
                 $(patsubst %.asm,$(USER_OBJ)/%.o,$(wildcard tests/user/fuzz/*.asm))
USER_BINS     := $(USER_PROGRAMS:%=$(USER_BUILD)/%.bin)
USER_SERVICES_H := $(USER_BUILD)/include/pagoda/services.h
FLATCHECK     := $(BUILD)/tools/flatcheck

.PHONY: user user-host-tests user-lint user-list-force
# Keep the objects and ELF files of the programs (make would delete them as intermediates).
.SECONDARY: $(USER_RT_OBJS) $(FUZZ_OBJS) $(USER_PROGRAMS:%=$(USER_OBJ)/tests/user/%.o) \
            $(USER_PROGRAMS:%=$(USER_BUILD)/%.elf)

user: $(USER_BINS) $(USER_BUILD)/nt-prototypes.ok $(USER_BUILD)/syscalls-pe.o pe

# ---- generated from kernel/ke/services.list ----
# Every folder with system services declares them in its services.h; the table includes them all.
KERNEL_SERVICE_H := $(sort $(shell find kernel mm -name services.h))
$(BUILD)/service_table.c: kernel/ke/services.list tools/gensyscalls.sh $(KERNEL_SERVICE_H)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@tools/gensyscalls.sh table $< $(KERNEL_SERVICE_H) > $@

$(BUILD)/obj/service_table.o: $(BUILD)/service_table.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(USER_BUILD)/syscalls.asm: kernel/ke/services.list tools/gensyscalls.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@tools/gensyscalls.sh stubs-elf $< > $@

$(USER_BUILD)/syscalls-pe.asm: kernel/ke/services.list tools/gensyscalls.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@tools/gensyscalls.sh stubs-pe $< > $@

$(USER_SERVICES_H): kernel/ke/services.list tools/gensyscalls.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@tools/gensyscalls.sh header $< > $@

$(USER_OBJ)/syscalls.o: $(USER_BUILD)/syscalls.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) $(NASMFLAGS) $< -o $@

# The PE flavour is for the later ntdll; assembling it now keeps the generator honest.
$(USER_BUILD)/syscalls-pe.o: $(USER_BUILD)/syscalls-pe.asm
	@echo "  NASM    $<"
	@$(NASM) -f win32 -w+all $< -o $@

$(USER_BUILD)/nt-prototypes.ok: kernel/ke/services.list user/include/pagoda/nt.h kernel/ndk/ntapi.h \
                                kernel/ndk/ntstatus.h tools/check-nt-prototypes.sh tools/gensyscalls.sh
	@mkdir -p $(dir $@)
	@echo "  CHECK   user/include/pagoda/nt.h against kernel/ke/services.list"
	@MINGW_CC=$(MINGW_CC) tools/check-nt-prototypes.sh kernel/ke/services.list user/include/pagoda/nt.h
	@touch $@

# ---- the runtime and the programs ----
$(USER_OBJ)/%.o: %.c $(USER_SERVICES_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (user)"
	@$(USER_CC) $(USER_CFLAGS) -c $< -o $@

$(USER_OBJ)/user/rt/crt0.o: user/rt/crt0.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) $(NASMFLAGS) $< -o $@

$(USER_OBJ)/tests/user/%.o: tests/user/%.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) $(NASMFLAGS) $< -o $@

# Links every object prerequisite: the program's own, the runtime's, and extra ones (below).
$(USER_BUILD)/%.elf: $(USER_OBJ)/tests/user/%.o $(USER_RT_OBJS) user/rt/flat.ld
	@echo "  LD      $@"
	@$(USER_CC) $(USER_LDFLAGS) -o $@ $(filter %.o,$^) -lgcc

$(USER_BUILD)/fuzz.elf: $(FUZZ_OBJS)

$(FLATCHECK): tools/flatcheck.c kernel/ps/flat.c kernel/ps/flat.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) -std=c11 -DPAGODA_HOST -O1 -Wall -Wextra -Werror -I. -o $@ tools/flatcheck.c kernel/ps/flat.c

# Every program waits for the prototype check, so `make kernel` cannot embed programs built
# against a header that disagrees with the list.
$(USER_BUILD)/%.bin: $(USER_BUILD)/%.elf $(FLATCHECK) $(USER_BUILD)/nt-prototypes.ok
	@echo "  FLAT    $@"
	@objcopy -O binary $< $@.tmp
	@$(FLATCHECK) $@.tmp $$(nm $< | awk '$$3 == "_start" { print $$1 }')
	@mv $@.tmp $@

# ---- embedding into the kernel ----
# The list of programs is a file that changes only when the set does, so that adding or removing a
# program regenerates build/user_images.asm.
$(USER_BUILD)/programs.list: user-list-force
	@mkdir -p $(dir $@)
	@echo '$(USER_PROGRAMS)' | cmp -s - $@ || echo '$(USER_PROGRAMS)' > $@

$(BUILD)/user_images.asm: $(USER_BUILD)/programs.list tools/genembedded.sh
	@echo "  GEN     $@"
	@tools/genembedded.sh $(USER_BINS) > $@

$(BUILD)/obj/user_images.o: $(BUILD)/user_images.asm $(USER_BINS)
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) $(NASMFLAGS) $< -o $@

KERNEL_OBJ += $(BUILD)/obj/service_table.o $(BUILD)/obj/user_images.o

# ---- lint: the user side's C, with the kernel's clang-format style ----
lint: user-lint

user-lint:
	@echo "  LINT    user/ tests/user"
	@clang-format --dry-run --Werror $(wildcard user/rt/*.c user/rt/*.h user/include/pagoda/*.h \
	    tests/user/*.c tests/user/*/*.c tests/user/*/*.h tests/host/test_user_rt.c tools/flatcheck.c)

# ---- host tests ----
HOST_SHARED += kernel/ps/flat.c user/rt/cmdline.c

host-tests: user-host-tests

user-host-tests:
	@tests/host/test_gensyscalls.sh

-include $(patsubst %.o,%.d,$(filter $(USER_OBJ)/%,$(USER_RT_OBJS)) $(USER_PROGRAMS:%=$(USER_OBJ)/tests/user/%.o) \
    $(filter %.o,$(FUZZ_OBJS)))

include user/pe.mk
