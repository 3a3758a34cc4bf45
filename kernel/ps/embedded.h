/* kernel/ps/embedded.h: user-mode programs linked into the kernel image (build/user_images.asm,
 * which user/user.mk makes from the flat images in build/user/), found by name. They are what the
 * kernel can run before there is a file system; the in-kernel tests start them as processes. */
#ifndef PAGODA_EMBEDDED_H
#define PAGODA_EMBEDDED_H

#include "kernel/ndk/types.h"

struct ke_embedded_image {
    const char *name; /* the program's file name without .bin, e.g. "handles" */
    const uint8_t *data;
    uint32_t size;
};

extern const struct ke_embedded_image ke_embedded_images[];
extern const uint32_t ke_embedded_image_count;

/* NULL when there is no such program. */
const struct ke_embedded_image *ke_find_embedded_image(const char *name);

#endif
