# user/pe.mk: the PE side of user space, built with mingw-w64 and staged for the disk image
# (build/disk-root, copied onto C: by tools/mkdisk.sh):
#   - ntdll.dll (user/ntdll + the loader, ldr/*.c): the service stubs from kernel/ke/services.list,
#     exported under NT's names (Nt* and Zw*), and its own exports (user/ntdll/exports.def), whose
#     decorations must match mingw-w64's libntdll.a (tools/check-ntdll-exports.sh); at
#     \Windows\System32\ntdll.dll
#   - the runtime of the programs, user/rt (start-up, console, threads, checks), as build/user/pe/librt.a
#   - the test programs tests/user/NAME.c (the kernel's services) and tests/win32/NAME.c (the loader)
#     at \Tests\NAME.exe, and their DLLs tests/win32/dll/NAME.c (+ NAME.def) at \Tests\NAME.dll,
#     linked with the runtime and the stock -lntdll
#   - the malformed-PE corpus (build/pe/*.bin) at \Tests\PE\NAME.dll, for tests/win32/corpus.c
# Included from user/user.mk.

DISK_ROOT   := $(BUILD)/disk-root
WIN32_BUILD := $(USER_BUILD)/pe
MINGW_DLLTOOL ?= i686-w64-mingw32-dlltool
MINGW_AR    ?= i686-w64-mingw32-ar
MINGW_OBJCOPY ?= i686-w64-mingw32-objcopy
STOCK_NTDLL ?= $(shell $(MINGW_CC) -print-file-name=libntdll.a)
PE_CFLAGS   := -std=c11 -march=i486 -ffreestanding -fno-stack-protector -O2 -Wall -Wextra -Werror \
               -fno-asynchronous-unwind-tables -I. -Iuser/include -I$(USER_BUILD)/include -MMD -MP
NTDLL       := $(DISK_ROOT)/Windows/System32/ntdll.dll
NTDLL_BASE  := 0x7C900000

.PHONY: pe pe-lint

pe: $(NTDLL) $(WIN32_BUILD)/ntdll-exports.ok

$(WIN32_BUILD)/%.o: %.c $(USER_SERVICES_H)
	@mkdir -p $(dir $@)
	@echo "  MINGW   $<"
	@$(MINGW_CC) $(PE_CFLAGS) -c $< -o $@

$(WIN32_BUILD)/%.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $< (win32)"
	@$(NASM) -f win32 -w+all $< -o $@

# ---- ntdll.dll ----
# NT's export names: every service as NtX and ZwX, undecorated (--kill-at), plus user/ntdll's own.
$(WIN32_BUILD)/ntdll.def: kernel/ke/services.list tools/gensyscalls.sh user/ntdll/exports.def
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@{ echo "LIBRARY ntdll.dll"; echo "EXPORTS"; \
	   tools/gensyscalls.sh list $< | awk '{ n = $$1 "@" $$2 * 4; print "    " n; \
	       print "    Zw" substr($$1, 3) "@" $$2 * 4 " = " n }'; \
	   sed 's/^/    /' user/ntdll/exports.def; } > $@

# The loader (ldr/*.c) and the pure string and format code are linked in.
NTDLL_C    := $(wildcard user/ntdll/*.c ldr/*.c) kernel/rtl/string.c kernel/rtl/format.c
NTDLL_OBJS := $(patsubst %.c,$(WIN32_BUILD)/%.o,$(NTDLL_C)) $(WIN32_BUILD)/user/ntdll/thunk.o \
              $(USER_BUILD)/syscalls-pe.o

$(NTDLL): $(NTDLL_OBJS) $(WIN32_BUILD)/ntdll.def
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(MINGW_CC) -shared -nostdlib -o $@ $(NTDLL_OBJS) $(WIN32_BUILD)/ntdll.def -Wl,--kill-at \
	    -Wl,--image-base=$(NTDLL_BASE) -Wl,-e,_NtdllEntry@12 -lgcc

# ntdll's import library as Windows' is made: the names decorated, the DLL's imports undecorated
# (dlltool -k; each alias as a name of its own, since dlltool drops an alias's decoration); it must
# agree with mingw-w64's stock one.
$(WIN32_BUILD)/libntdll.a: $(WIN32_BUILD)/ntdll.def
	@sed 's/ = .*//' $< > $@.def
	@$(MINGW_DLLTOOL) -d $@.def -l $@ -k

$(WIN32_BUILD)/ntdll-exports.ok: $(WIN32_BUILD)/libntdll.a $(NTDLL) tools/check-ntdll-exports.sh
	@echo "  CHECK   ntdll.dll's exports against $(notdir $(STOCK_NTDLL))"
	@tools/check-ntdll-exports.sh $(WIN32_BUILD)/libntdll.a $(STOCK_NTDLL)
	@touch $@

# Every non-static function has a prototype in a header, as in the kernel (the test DLLs' exports,
# declared by the programs that import them, are the exception).
$(WIN32_BUILD)/user/%.o $(WIN32_BUILD)/ldr/%.o $(WIN32_BUILD)/kernel/%.o \
    $(WIN32_BUILD)/tests/user/%.o: PE_CFLAGS += -Wmissing-prototypes

# ---- the runtime of the programs ----
# An archive: a DLL linked with it pulls no entry (user/rt/start.c) and needs no main.
PE_RT_C    := $(wildcard user/rt/*.c) kernel/rtl/format.c kernel/rtl/string.c \
              $(wildcard tests/win32/common/*.c)
PE_RT      := $(WIN32_BUILD)/librt.a

$(PE_RT): $(patsubst %.c,$(WIN32_BUILD)/%.o,$(PE_RT_C))
	@echo "  AR      $@"
	@rm -f $@ && $(MINGW_AR) rcs $@ $^

# ---- test DLLs: tests/win32/dll/NAME.c (+ NAME.def) ----
# Preferred bases (DLL_BASE_NAME, default 0x10000000) and where they go on C: (DLL_DIR_NAME,
# default Tests). samebase_a/b share a base on purpose; fixed.dll has no relocations and dep_b's
# base.
PE_DLLS := $(patsubst tests/win32/dll/%.c,%,$(wildcard tests/win32/dll/*.c))
DLL_BASE_log         := 0x11000000
DLL_BASE_dep_a       := 0x11100000
DLL_BASE_dep_b       := 0x11200000
DLL_BASE_counter     := 0x11300000
DLL_BASE_tlsdll      := 0x11400000
DLL_BASE_tlsdyn      := 0x11500000
DLL_BASE_shared      := 0x11600000
DLL_BASE_fwd_a       := 0x11700000
DLL_BASE_fwd_b       := 0x11800000
DLL_BASE_fwd_c       := 0x11900000
DLL_BASE_initfail    := 0x11A00000
DLL_BASE_delayed     := 0x11B00000
DLL_BASE_nested      := 0x11C00000
DLL_BASE_fixed       := 0x11200000
DLL_BASE_high        := 0x90000000
DLL_BASE_corpus_kernel32 := 0x12800000
DLL_BASE_bench_a     := 0x12000000
DLL_BASE_bench_b     := 0x12100000
DLL_BASE_bench_c     := 0x12200000
DLL_DIR_bench_a      := Tests/Bench
DLL_DIR_bench_b      := Tests/Bench
DLL_DIR_bench_c      := Tests/Bench
DLL_LIBS_dep_a       := dep_b log
DLL_LIBS_dep_b       := log
DLL_LIBS_counter     := log
DLL_LIBS_tlsdll      := log
DLL_LIBS_tlsdyn      := log
DLL_LIBS_initfail    := log
DLL_LIBS_nested      := log
dll_base = $(or $(DLL_BASE_$(1)),0x10000000)
dll_dir  = $(or $(DLL_DIR_$(1)),Tests)
dll_libs = $(foreach l,$(DLL_LIBS_$(1)),$(WIN32_BUILD)/lib/lib$(l).a)

.SECONDEXPANSION:
$(WIN32_BUILD)/dll/%.dll: $(WIN32_BUILD)/tests/win32/dll/%.o $$(wildcard tests/win32/dll/$$*.def) \
                          $$(call dll_libs,$$*) $(PE_RT)
	@mkdir -p $(dir $@) $(WIN32_BUILD)/lib
	@echo "  LINK    $@"
	@$(MINGW_CC) -shared -nostdlib -o $@ $(filter-out $(PE_RT),$^) $(PE_RT) -lntdll -lgcc \
	    -Wl,-e,_DllMain@12 -Wl,--image-base=$(call dll_base,$*) \
	    -Wl,--out-implib,$(WIN32_BUILD)/lib/lib$*.a

# A DLL's import library comes out of its link.
$(WIN32_BUILD)/lib/lib%.a: $(WIN32_BUILD)/dll/%.dll
	@test -f $@

# fixed.dll: no relocations at all (GNU ld always writes them for a DLL), so it can only load at
# its base. It is linked as any DLL first, elsewhere, and the .reloc section dropped.
$(WIN32_BUILD)/dll/fixed.dll: $(WIN32_BUILD)/dll-relocatable/fixed.dll
	@echo "  STRIP   $@ (.reloc)"
	@$(MINGW_OBJCOPY) -R .reloc $< $@

$(WIN32_BUILD)/dll-relocatable/fixed.dll: $(WIN32_BUILD)/tests/win32/dll/fixed.o $(PE_RT)
	@mkdir -p $(dir $@) $(WIN32_BUILD)/lib
	@echo "  LINK    $@"
	@$(MINGW_CC) -shared -nostdlib -o $@ $< $(PE_RT) -lntdll -lgcc -Wl,-e,_DllMain@12 \
	    -Wl,--image-base=$(call dll_base,fixed) -Wl,--out-implib,$(WIN32_BUILD)/lib/libfixed.a

# Import libraries without a DLL of their own (tests/win32/lib/NAME.def: a DLL that does not exist,
# or exports a DLL lacks), and delay-load libraries (lib NAME_delay.a) of any .def.
$(WIN32_BUILD)/lib/lib%.a: tests/win32/lib/%.def
	@mkdir -p $(dir $@)
	@$(MINGW_DLLTOOL) -d $< -l $@

$(WIN32_BUILD)/lib/lib%_delay.a: $$(firstword $$(wildcard tests/win32/lib/$$*.def tests/win32/dll/$$*.def))
	@mkdir -p $(dir $@)
	@$(MINGW_DLLTOOL) -d $< -y $@

# ---- test programs: tests/win32/NAME.c, importing the DLLs in PE_LIBS_NAME ----
PE_PROGRAMS := $(patsubst tests/win32/%.c,%,$(wildcard tests/win32/*.c))
PE_LIBS_relocs          := samebase_a samebase_b
PE_LIBS_forward         := fwd_a
PE_LIBS_order           := dep_a log
PE_LIBS_dllmain         := log
PE_LIBS_tls             := tlsdll log
PE_LIBS_missing_dll     := nosuch
PE_LIBS_missing_export  := log_missing
PE_LIBS_missing_ordinal := log_ordinal
PE_LIBS_initfail        := initfail
PE_LIBS_fixed           := dep_b fixed
PE_LIBS_shared          := shared
PE_LIBS_laa             := high
PE_LIBS_delay           := delayed_delay nosuch_delay
PE_LIBS_bench3          := bench_a bench_b bench_c
PE_LDFLAGS_laa          := -Wl,--large-address-aware
PE_DIR_bench3           := Tests/Bench
PE_DIR_corpus           := Tests/PE
exe_libs = $(foreach l,$(PE_LIBS_$(1)),$(WIN32_BUILD)/lib/lib$(l).a)

$(WIN32_BUILD)/exe/%.exe: $(WIN32_BUILD)/tests/win32/%.o $$(call exe_libs,$$*) $(PE_RT)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(MINGW_CC) -nostdlib -o $@ $< $(call exe_libs,$*) $(PE_RT) -lntdll -lgcc -Wl,-e,_entry@4 \
	    $(PE_LDFLAGS_$*)

# ---- the programs that test the kernel's services: tests/user/NAME.c (+ tests/user/NAME/*.c and
# *.asm, which the fuzzer has) ----
USER_PROGRAMS := $(patsubst tests/user/%.c,%,$(wildcard tests/user/*.c))
user_objs = $(patsubst %.c,$(WIN32_BUILD)/%.o,$(wildcard tests/user/$(1)/*.c)) \
            $(patsubst %.asm,$(WIN32_BUILD)/%.o,$(wildcard tests/user/$(1)/*.asm))

# Their stacks are the kernel's default (kernel/ps/thread.h: 1 MiB reserved, 16 KiB committed), which
# tests/kernel/mm_virtual.c counts the growth of (mingw-w64's own default is 2 MiB and 4 KiB).
USER_STACK := -Xlinker --stack=0x100000,0x4000

$(WIN32_BUILD)/exe/%.exe: $(WIN32_BUILD)/tests/user/%.o $$(call user_objs,$$*) $(PE_RT)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(MINGW_CC) -nostdlib -o $@ $< $(call user_objs,$*) $(PE_RT) -lntdll -lgcc -Wl,-e,_entry@4 \
	    $(USER_STACK)

# nolaa.exe is laa.exe without the large-address-aware flag.
$(WIN32_BUILD)/exe/nolaa.exe: $(WIN32_BUILD)/tests/win32/laa.o $(call exe_libs,laa) $(PE_RT)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(MINGW_CC) -nostdlib -o $@ $< $(call exe_libs,laa) $(PE_RT) -lntdll -lgcc -Wl,-e,_entry@4

# virtual_laa.exe is tests/user/virtual.c with the large-address-aware flag (the split's test).
$(WIN32_BUILD)/exe/virtual_laa.exe: $(WIN32_BUILD)/tests/user/virtual.o $(PE_RT)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(MINGW_CC) -nostdlib -o $@ $< $(PE_RT) -lntdll -lgcc -Wl,-e,_entry@4 $(USER_STACK) \
	    -Wl,--large-address-aware

# ---- staging on C: ----
PE_EXE_FILES := $(foreach p,$(PE_PROGRAMS) nolaa $(USER_PROGRAMS) virtual_laa,$(DISK_ROOT)/$(or $(PE_DIR_$(p)),Tests)/$(p).exe)
PE_DLL_FILES := $(foreach d,$(filter-out where corpus_kernel32,$(PE_DLLS)),\
                  $(DISK_ROOT)/$(call dll_dir,$(d))/$(d).dll) $(DISK_ROOT)/Tests/PE/kernel32.dll

$(DISK_ROOT)/Tests/%.exe: $(WIN32_BUILD)/exe/%.exe
	@mkdir -p $(dir $@) && cp $< $@
$(DISK_ROOT)/Tests/Bench/%.exe: $(WIN32_BUILD)/exe/%.exe
	@mkdir -p $(dir $@) && cp $< $@
$(DISK_ROOT)/Tests/PE/%.exe: $(WIN32_BUILD)/exe/%.exe
	@mkdir -p $(dir $@) && cp $< $@
$(DISK_ROOT)/Tests/%.dll: $(WIN32_BUILD)/dll/%.dll
	@mkdir -p $(dir $@) && cp $< $@
$(DISK_ROOT)/Tests/Bench/%.dll: $(WIN32_BUILD)/dll/%.dll
	@mkdir -p $(dir $@) && cp $< $@
# The corpus's kernel32.dll: GetTickCount at ordinal 12, all the corpus DLLs import from it.
$(DISK_ROOT)/Tests/PE/kernel32.dll: $(WIN32_BUILD)/dll/corpus_kernel32.dll
	@mkdir -p $(dir $@) && cp $< $@

# The search order (tests/win32/search.c): where.c built five times, each copy answering where()
# with its number, put so that each name is in two places and the earlier one in the order wins.
WHERE_DLLS := $(foreach n,1 2 3 4 5,$(WIN32_BUILD)/where/where_$(n).dll)
$(WIN32_BUILD)/where/where_%.dll: tests/win32/dll/where.c $(PE_RT) $(USER_SERVICES_H)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(MINGW_CC) $(filter-out -MMD -MP,$(PE_CFLAGS)) -DWHERE=$* -shared -nostdlib -o $@ $< $(PE_RT) \
	    -lntdll -lgcc -Wl,-e,_DllMain@12
SEARCH_FILES := Tests/search1.dll:1 Windows/System32/search1.dll:2 Windows/System32/search2.dll:2 \
                Windows/search2.dll:3 Windows/search3.dll:3 Tests/Cwd/search3.dll:4 \
                Tests/Cwd/search4.dll:4 Tests/PathDir/search4.dll:5 Tests/PathDir/search5.dll:5
$(WIN32_BUILD)/search-order.staged: $(WHERE_DLLS)
	@$(foreach f,$(SEARCH_FILES),mkdir -p $(dir $(DISK_ROOT)/$(word 1,$(subst :, ,$(f)))) && \
	    cp $(WIN32_BUILD)/where/where_$(word 2,$(subst :, ,$(f))).dll \
	       $(DISK_ROOT)/$(word 1,$(subst :, ,$(f))) &&) true
	@touch $@

# The malformed-PE corpus as DLLs, and the table of what loading each gives (tests/win32/corpus.c).
# (ldr/ldr.mk, included later, assembles them into build/pe.)
PE_CORPUS_DLLS := $(patsubst tests/pe/%.asm,$(DISK_ROOT)/Tests/PE/%.dll,$(wildcard tests/pe/*.asm)) \
                  $(DISK_ROOT)/Tests/PE/good_dll.dll
# mingw's good_dll.dll beside them, for tests/kernel/ldr_pe.c.
$(DISK_ROOT)/Tests/PE/good_dll.dll: $(BUILD)/pe/good_dll.dll
	@mkdir -p $(dir $@) && cp $< $@
$(DISK_ROOT)/Tests/PE/%.dll: $(BUILD)/pe/%.bin
	@mkdir -p $(dir $@) && cp $< $@
$(WIN32_BUILD)/corpus_table.h: tools/gen-corpus-table.sh $(wildcard tests/pe/*.asm)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@tools/gen-corpus-table.sh tests/pe/*.asm > $@
$(WIN32_BUILD)/tests/win32/corpus.o: $(WIN32_BUILD)/corpus_table.h
$(WIN32_BUILD)/tests/win32/corpus.o: PE_CFLAGS += -I$(WIN32_BUILD)

pe: $(PE_EXE_FILES) $(PE_DLL_FILES) $(WIN32_BUILD)/search-order.staged $(PE_CORPUS_DLLS)
DISK_FILES += $(NTDLL) $(WIN32_BUILD)/ntdll-exports.ok $(PE_EXE_FILES) $(PE_DLL_FILES) \
              $(WIN32_BUILD)/search-order.staged $(PE_CORPUS_DLLS)

.SECONDARY: $(patsubst %.c,$(WIN32_BUILD)/%.o,$(PE_RT_C) $(NTDLL_C)) \
            $(PE_PROGRAMS:%=$(WIN32_BUILD)/tests/win32/%.o) $(PE_DLLS:%=$(WIN32_BUILD)/tests/win32/dll/%.o) \
            $(PE_PROGRAMS:%=$(WIN32_BUILD)/exe/%.exe) $(PE_DLLS:%=$(WIN32_BUILD)/dll/%.dll) \
            $(USER_PROGRAMS:%=$(WIN32_BUILD)/tests/user/%.o) $(USER_PROGRAMS:%=$(WIN32_BUILD)/exe/%.exe) \
            $(foreach p,$(USER_PROGRAMS),$(call user_objs,$(p))) \
            $(PE_DLLS:%=$(WIN32_BUILD)/lib/lib%.a) $(WHERE_DLLS)

.SECONDARY: $(foreach p,$(PE_PROGRAMS),$(call exe_libs,$(p)))

# ---- lint ----
lint: pe-lint
pe-lint:
	@echo "  LINT    ldr/loader* user/ntdll tests/win32"
	@clang-format --dry-run --Werror $(wildcard ldr/loader*.[ch] user/ntdll/*.[ch] \
	    user/include/pagoda/ntdll.h tests/win32/*.c tests/win32/*/*.[ch])

-include $(wildcard $(WIN32_BUILD)/*/*/*.d $(WIN32_BUILD)/*/*.d $(WIN32_BUILD)/*/*/*/*.d)
