/* tests/kernel/embedded_images.c: the user programs linked into the kernel (kernel/ps/embedded.h)
 * are there, sorted and unique by name, each a flat image the loader's check accepts. */
#include "kernel/ps/embedded.h"
#include "kernel/ps/flat.h"
#include "kernel/ke/ktest.h"
#include "kernel/rtl/string.h"

KTEST(ke, embedded_images_valid)
{
    KT_TRUE(ke_embedded_image_count > 0);
    for (uint32_t i = 0; i < ke_embedded_image_count; i++) {
        const struct ke_embedded_image *image = &ke_embedded_images[i];
        const char *error = ke_flat_check(image->data, image->size);
        if (error)
            return ktest_failf("embedded image %s: %s", image->name, error);
        if (i > 0 && strcmp(ke_embedded_images[i - 1].name, image->name) >= 0)
            return ktest_failf("embedded images out of order: %s before %s",
                               ke_embedded_images[i - 1].name, image->name);
    }
    return NULL;
}

KTEST(ke, embedded_images_lookup)
{
    const struct ke_embedded_image *faults = ke_find_embedded_image("faults");
    KT_TRUE(faults != NULL);
    KT_STR_EQ(faults->name, "faults");
    KT_TRUE(ke_find_embedded_image("no_such_program") == NULL);
    KT_TRUE(ke_find_embedded_image("fault") == NULL);
    KT_TRUE(ke_find_embedded_image("") == NULL);
    KT_TRUE(ke_find_embedded_image(NULL) == NULL);
    return NULL;
}
