# user/user.mk: the user-mode side of the build, included from the top Makefile.
#   - tools/flatcheck: the build's check of a linked flat image, with the loader's ke_flat_check

FLATCHECK := $(BUILD)/tools/flatcheck

$(FLATCHECK): tools/flatcheck.c kernel/flat.c kernel/flat.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) -std=c11 -DPAGODA_HOST -O1 -Wall -Wextra -Werror -I. -o $@ tools/flatcheck.c kernel/flat.c

# ---- host tests ----
HOST_SHARED += kernel/flat.c
