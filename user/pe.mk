# user/pe.mk: the PE side of user space, built with mingw-w64 and staged for the disk image
# (build/disk-root, copied onto C: by tools/mkdisk.sh):
#   - ntdll.dll (user/ntdll): the service stubs from kernel/ke/services.list, exported under NT's
#     names (Nt* and Zw*), and the thread start; at \Windows\System32\ntdll.dll
#   - the PE test programs (tests/win32/*.c) at \Tests\NAME.exe
# Included from user/user.mk.

DISK_ROOT   := $(BUILD)/disk-root
WIN32_BUILD    := $(USER_BUILD)/pe
PE_CFLAGS   := -std=c11 -march=i486 -ffreestanding -fno-stack-protector -O2 -Wall -Wextra -Werror \
               -fno-asynchronous-unwind-tables -I. -Iuser/include -I$(USER_BUILD)/include -MMD -MP
NTDLL       := $(DISK_ROOT)/Windows/System32/ntdll.dll
NTDLL_BASE  := 0x7C900000
PE_PROGRAMS := $(patsubst tests/win32/%.c,%,$(wildcard tests/win32/*.c))
PE_EXES     := $(PE_PROGRAMS:%=$(DISK_ROOT)/Tests/%.exe)
DISK_FILES  += $(NTDLL) $(PE_EXES)

.PHONY: pe

pe: $(NTDLL) $(PE_EXES)

$(WIN32_BUILD)/%.o: %.c $(USER_SERVICES_H)
	@mkdir -p $(dir $@)
	@echo "  MINGW   $<"
	@$(MINGW_CC) $(PE_CFLAGS) -c $< -o $@

$(WIN32_BUILD)/%.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $< (win32)"
	@$(NASM) -f win32 -w+all $< -o $@

# NT's export names: every service as NtX and ZwX, undecorated (--kill-at), plus user/ntdll's own.
$(WIN32_BUILD)/ntdll.def: kernel/ke/services.list tools/gensyscalls.sh user/ntdll/exports.def
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@{ echo "LIBRARY ntdll.dll"; echo "EXPORTS"; \
	   tools/gensyscalls.sh list $< | awk '{ n = $$1 "@" $$2 * 4; print "    " n; \
	       print "    Zw" substr($$1, 3) "@" $$2 * 4 " = " n }'; \
	   sed 's/^/    /' user/ntdll/exports.def; } > $@

NTDLL_OBJS := $(WIN32_BUILD)/user/ntdll/ntdll.o $(WIN32_BUILD)/user/ntdll/thunk.o $(USER_BUILD)/syscalls-pe.o

$(NTDLL): $(NTDLL_OBJS) $(WIN32_BUILD)/ntdll.def
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(MINGW_CC) -shared -nostdlib -o $@ $(NTDLL_OBJS) $(WIN32_BUILD)/ntdll.def -Wl,--kill-at \
	    -Wl,--image-base=$(NTDLL_BASE) -Wl,-e,_NtdllEntry@12 -Wl,--out-implib,$(WIN32_BUILD)/libntdll.a -lgcc

# Test programs: no C runtime; until the loader binds imports they call the services through the
# stubs linked in.
$(DISK_ROOT)/Tests/%.exe: $(WIN32_BUILD)/tests/win32/%.o $(USER_BUILD)/syscalls-pe.o
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(MINGW_CC) -nostdlib -o $@ $^ -Wl,-e,_entry@4 -lgcc

-include $(wildcard $(WIN32_BUILD)/*/*/*.d $(WIN32_BUILD)/*/*.d)
