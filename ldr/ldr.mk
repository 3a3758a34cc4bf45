# ldr/ldr.mk: the PE32 library's builds besides the kernel's (ldr/*.c is in KERNEL_C), included from
# the top Makefile:
#   - tools/pedump for the host (`make pedump`)
#   - ldr/*.c compiled by mingw-w64 -ffreestanding, as ntdll will build it

LDR_C    := $(wildcard ldr/*.c)
LDR_DEPS := $(LDR_C) $(wildcard ldr/*.h) kernel/types.h kernel/ntstatus.h
PEDUMP   := $(BUILD)/tools/pedump
LDR_MINGW_OBJ := $(patsubst %.c,$(BUILD)/mingw/%.o,$(LDR_C))

.PHONY: pedump

all: $(LDR_MINGW_OBJ)
pedump: $(PEDUMP)

# ---- the tool ----
$(PEDUMP): tools/pedump.c $(LDR_DEPS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) -std=c11 -O2 -g -Wall -Wextra -Werror -I. -o $@ $< $(LDR_C)

# ---- ntdll's build of the library ----
$(BUILD)/mingw/%.o: %.c $(LDR_DEPS)
	@mkdir -p $(dir $@)
	@echo "  MINGW   $< (freestanding)"
	@$(MINGW_CC) -std=c11 -ffreestanding -O2 -Wall -Wextra -Werror -I. -c $< -o $@
