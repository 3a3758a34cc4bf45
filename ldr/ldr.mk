# ldr/ldr.mk: the PE32 library's builds besides the kernel's (ldr/*.c is in KERNEL_C), included from
# the top Makefile:
#   - ldr/*.c compiled by mingw-w64 -ffreestanding, as ntdll will build it

LDR_C    := $(wildcard ldr/*.c)
LDR_DEPS := $(LDR_C) $(wildcard ldr/*.h) kernel/types.h kernel/ntstatus.h
LDR_MINGW_OBJ := $(patsubst %.c,$(BUILD)/mingw/%.o,$(LDR_C))

all: $(LDR_MINGW_OBJ)

# ---- ntdll's build of the library ----
$(BUILD)/mingw/%.o: %.c $(LDR_DEPS)
	@mkdir -p $(dir $@)
	@echo "  MINGW   $< (freestanding)"
	@$(MINGW_CC) -std=c11 -ffreestanding -O2 -Wall -Wextra -Werror -I. -c $< -o $@
