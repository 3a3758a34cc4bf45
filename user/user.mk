# user/user.mk: the user-mode side of the build, included from the top Makefile.
#   - build/service_table.c: the kernel's dispatch table from kernel/ke/services.list
#   - build/user/include/pagoda/services.h: the service numbers, for the programs
#   - the check that user/include/pagoda/nt.h matches the list (mingw-w64)
#   - user/pe.mk: ntdll.dll, the runtime (user/rt) and every program and DLL, all PE files built by
#     mingw-w64 and staged on the disk image; `make user` builds all of it without the kernel.

MINGW_CC   ?= i686-w64-mingw32-gcc
USER_BUILD := $(BUILD)/user
USER_SERVICES_H := $(USER_BUILD)/include/pagoda/services.h

.PHONY: user user-host-tests user-lint

user: $(USER_BUILD)/nt-prototypes.ok pe

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

$(USER_BUILD)/syscalls-pe.asm: kernel/ke/services.list tools/gensyscalls.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@tools/gensyscalls.sh stubs-pe $< > $@

$(USER_SERVICES_H): kernel/ke/services.list tools/gensyscalls.sh
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@tools/gensyscalls.sh header $< > $@

# ntdll's stubs (user/pe.mk links them into ntdll.dll).
$(USER_BUILD)/syscalls-pe.o: $(USER_BUILD)/syscalls-pe.asm
	@echo "  NASM    $<"
	@$(NASM) -f win32 -w+all $< -o $@

$(USER_BUILD)/nt-prototypes.ok: kernel/ke/services.list user/include/pagoda/nt.h kernel/ndk/ntapi.h \
                                kernel/ndk/ntstatus.h tools/check-nt-prototypes.sh tools/gensyscalls.sh
	@mkdir -p $(dir $@)
	@echo "  CHECK   user/include/pagoda/nt.h against kernel/ke/services.list"
	@MINGW_CC=$(MINGW_CC) tools/check-nt-prototypes.sh kernel/ke/services.list user/include/pagoda/nt.h
	@touch $@

KERNEL_OBJ += $(BUILD)/obj/service_table.o

# ---- lint: the user side's C, with the kernel's clang-format style ----
lint: user-lint

user-lint:
	@echo "  LINT    user/ tests/user"
	@clang-format --dry-run --Werror $(wildcard user/rt/*.c user/rt/*.h user/include/pagoda/*.h \
	    tests/user/*.c tests/user/*/*.c tests/user/*/*.h tests/host/test_user_rt.c)

# ---- host tests ----
HOST_SHARED += user/rt/cmdline.c

host-tests: user-host-tests

user-host-tests:
	@tests/host/test_gensyscalls.sh

include user/pe.mk
