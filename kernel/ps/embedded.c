/* kernel/ps/embedded.c: looks up the user programs linked into the kernel (kernel/ps/embedded.h).
 * The table itself is generated from build/user/NAME.bin by tools/genembedded.sh
 * (build/user_images.asm). */
#include "kernel/ps/embedded.h"
#include "kernel/rtl/string.h"

const struct ke_embedded_image *ke_find_embedded_image(const char *name)
{
    if (!name)
        return NULL;
    for (uint32_t i = 0; i < ke_embedded_image_count; i++)
        if (strcmp(ke_embedded_images[i].name, name) == 0)
            return &ke_embedded_images[i];
    return NULL;
}
