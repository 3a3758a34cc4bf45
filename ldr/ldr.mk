# ldr/ldr.mk: the PE32 library's builds besides the kernel's (ldr/pe*.c is in KERNEL_C; ntdll builds
# it with the loader, ldr/loader*.c, in user/pe.mk), included from the top Makefile:
#   - tools/pedump for the host (`make pedump`), and a sanitized twin that the tests run
#   - the malformed-PE corpus: tests/pe/*.asm assembled by `nasm -f bin` into build/pe/*.bin
#   - the good images: tests/pe/good_*.c linked by mingw-w64 into build/pe/
#   - tests/host/test_loader: the loader's name rules and search order (ldr/loader_name.c)
#   - tests/host/test_pe and the fuzzer tests/host/fuzz_pe: a short fixed-seed run in host-tests,
#     `make fuzz-pe` for a long one (FUZZ_SECONDS, default 600)

MINGW_DLLTOOL ?= i686-w64-mingw32-dlltool
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 600

LDR_C    := $(wildcard ldr/pe*.c)
LDR_DEPS := $(LDR_C) ldr/pe.h ldr/pep.h kernel/ndk/types.h kernel/ndk/ntstatus.h
PE_BUILD := $(BUILD)/pe
PE_CORPUS := $(patsubst tests/pe/%.asm,$(PE_BUILD)/%.bin,$(wildcard tests/pe/*.asm))
PE_GOOD  := $(addprefix $(PE_BUILD)/,good_dll.dll good_exe.exe good_delay.exe good_low.dll \
              low_bss.dll)
PEDUMP   := $(BUILD)/tools/pedump

.PHONY: pedump pe-images pe-host-tests fuzz-pe
.SECONDARY: $(PE_BUILD)/libgood_dll.a $(PE_BUILD)/libgood_dll_delay.a

pedump: $(PEDUMP)
pe-images: $(PE_CORPUS) $(PE_GOOD)

# ---- the tool ----
$(PEDUMP): tools/pedump.c $(LDR_DEPS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) -std=c11 -O2 -g -Wall -Wextra -Werror -I. -o $@ $< $(LDR_C)

$(BUILD)/host/pedump: tools/pedump.c $(LDR_DEPS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $< (sanitized)"
	@$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(LDR_C)

# ---- the images ----
# A "; truncate: N" line in the source cuts the image to N bytes (truncated headers).
$(PE_BUILD)/%.bin: tests/pe/%.asm tests/pe/base.inc
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) -f bin -w+all -I./ -o $@ $<
	@n=$$(sed -n 's/^; truncate: *//p' $<); [ -z "$$n" ] || truncate -s "$$n" $@

$(PE_BUILD)/good_dll.dll: tests/pe/good_dll.c tests/pe/good_dll.def
	@mkdir -p $(dir $@)
	@echo "  MINGW   $@"
	@$(MINGW_CC) -O1 -shared -o $@ $^ -Wl,--image-base=0x10000000

$(PE_BUILD)/libgood_dll.a: tests/pe/good_dll.def
	@mkdir -p $(dir $@)
	@$(MINGW_DLLTOOL) -d $< -l $@

$(PE_BUILD)/libgood_dll_delay.a: tests/pe/good_dll.def
	@mkdir -p $(dir $@)
	@$(MINGW_DLLTOOL) -d $< -y $@

$(PE_BUILD)/good_exe.exe: tests/pe/good_exe.c $(PE_BUILD)/libgood_dll.a
	@echo "  MINGW   $@"
	@$(MINGW_CC) -O1 -o $@ $^ -Wl,--stack=0x300000,--heap=0x200000

$(PE_BUILD)/good_delay.exe: tests/pe/good_exe.c $(PE_BUILD)/libgood_dll_delay.a
	@echo "  MINGW   $@"
	@$(MINGW_CC) -O1 -o $@ $^

$(PE_BUILD)/good_low.dll: tests/pe/good_low.c
	@mkdir -p $(dir $@)
	@echo "  MINGW   $@"
	@$(MINGW_CC) -O1 -shared -nostdlib -nostartfiles -e _DllMain@12 -o $@ $< \
	    -Wl,--file-alignment=0x200,--section-alignment=0x200

# The same with mingw's runtime, whose .bss makes ld place later sections off their RVAs.
$(PE_BUILD)/low_bss.dll: tests/pe/good_low.c
	@mkdir -p $(dir $@)
	@echo "  MINGW   $@"
	@$(MINGW_CC) -O1 -shared -o $@ $< -Wl,--file-alignment=0x200,--section-alignment=0x200

# ---- host tests ----
$(BUILD)/host/test_pe: tests/host/test_pe.c tests/host/pe_host.c tests/host/pe_host.h $(LDR_DEPS) \
                      | $(PE_CORPUS) $(PE_GOOD)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(HOST_CFLAGS) -o $@ $< tests/host/pe_host.c $(LDR_C)

# The loader's pure name and search-order code (the rest of ldr/loader*.c needs ntdll).
$(BUILD)/host/test_loader: tests/host/test_loader.c ldr/loader_name.c ldr/loader.h ldr/loaderp.h \
                           $(LDR_DEPS) kernel/ndk/ntapi.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(HOST_CFLAGS) -o $@ $< ldr/loader_name.c

# libFuzzer when clang has it (with ASan and UBSan), else the same entry point under a seeded
# mutator (tests/host/fuzz_pe.c's own main) built by gcc with the sanitizers.
$(BUILD)/host/fuzz_pe: tests/host/fuzz_pe.c $(LDR_DEPS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $<"
	@$(FUZZ_CC) -std=c11 -g -O1 -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -o $@ $< $(LDR_C) 2>/dev/null || \
	$(HOSTCC) $(HOST_CFLAGS) -DPE_FUZZ_STANDALONE -o $@ $< $(LDR_C)

host-tests: pe-host-tests

pe-host-tests: $(BUILD)/host/pedump $(BUILD)/host/fuzz_pe $(PE_CORPUS) $(PE_GOOD)
	@PEDUMP=$(BUILD)/host/pedump PE_BUILD=$(PE_BUILD) tests/host/test_pedump.sh
	@rm -rf $(BUILD)/fuzz-short && mkdir -p $(BUILD)/fuzz-short
	@if $(BUILD)/host/fuzz_pe -seed=1 -runs=6000 -max_len=16384 $(BUILD)/fuzz-short $(PE_BUILD) \
	        >$(BUILD)/fuzz-short.log 2>&1; then echo "ok host.fuzz_pe_short"; \
	    else echo "FAIL host.fuzz_pe_short: see $(BUILD)/fuzz-short.log"; tail -20 $(BUILD)/fuzz-short.log; fi

# A long run: FUZZ_SECONDS of libFuzzer from the corpus and the good images, keeping what it finds
# in build/fuzz-corpus (docs/pe.md has the last run's figures).
fuzz-pe: $(BUILD)/host/fuzz_pe $(PE_CORPUS) $(PE_GOOD)
	@mkdir -p $(BUILD)/fuzz-corpus $(BUILD)/fuzz-crashes
	$(BUILD)/host/fuzz_pe -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix=$(BUILD)/fuzz-crashes/ $(BUILD)/fuzz-corpus $(PE_BUILD)
