/* tests/common/flat_cases.c: ke_flat_check (kernel/ps/flat.c) accepts the images the build makes
 * and refuses every header field that would let a loader copy or jump outside the image. */
#include "kernel/ps/flat.h"
#include "tests/common/cases.h"

/* A valid image: header, 40 bytes of "code", 4 KiB more of .bss. */
static union {
    struct pagoda_flat_header header;
    uint8_t bytes[64];
} flat_image;

static void flat_make_valid(void)
{
    memset(&flat_image, 0, sizeof flat_image);
    flat_image.header.magic = PAGODA_FLAT_MAGIC;
    flat_image.header.header_size = sizeof(struct pagoda_flat_header);
    flat_image.header.entry = PAGODA_FLAT_BASE + sizeof(struct pagoda_flat_header);
    flat_image.header.file_size = sizeof flat_image;
    flat_image.header.memory_size = sizeof flat_image + 4096;
    flat_image.header.stack_size = 0;
}

#define FLAT_OK() KT_TRUE(ke_flat_check(&flat_image, sizeof flat_image) == NULL)
#define FLAT_BAD(field, value)                                                                     \
    do {                                                                                           \
        flat_make_valid();                                                                         \
        flat_image.header.field = (value);                                                         \
        if (ke_flat_check(&flat_image, sizeof flat_image) == NULL)                                 \
            return ktest_failf("flat image with %s = 0x%x accepted", #field, (unsigned)(value));   \
    } while (0)

const char *tc_flat_valid_images(void)
{
    flat_make_valid();
    FLAT_OK();
    flat_image.header.memory_size = flat_image.header.file_size; /* no .bss */
    FLAT_OK();
    flat_image.header.entry = PAGODA_FLAT_BASE + sizeof flat_image - 1; /* last byte */
    FLAT_OK();
    flat_image.header.stack_size = 16 * 4096;
    FLAT_OK();
    flat_image.header.memory_size = PAGODA_FLAT_MAX_SIZE;
    FLAT_OK();
    return NULL;
}

const char *tc_flat_bad_headers(void)
{
    flat_make_valid();
    KT_TRUE(ke_flat_check(NULL, 0) != NULL);
    KT_TRUE(ke_flat_check(&flat_image, sizeof(struct pagoda_flat_header) - 1) != NULL);
    KT_TRUE(ke_flat_check(&flat_image, sizeof flat_image - 1) != NULL); /* file_size != size */
    FLAT_BAD(magic, 0x4C464751u);
    FLAT_BAD(header_size, sizeof(struct pagoda_flat_header) + 4);
    FLAT_BAD(header_size, 0);
    FLAT_BAD(file_size, sizeof flat_image + 1);
    FLAT_BAD(memory_size, sizeof flat_image - 1);
    FLAT_BAD(memory_size, PAGODA_FLAT_MAX_SIZE + 1);
    FLAT_BAD(memory_size, 0xFFFFFFFFu);
    FLAT_BAD(entry, 0);
    FLAT_BAD(entry, PAGODA_FLAT_BASE); /* the header itself */
    FLAT_BAD(entry, PAGODA_FLAT_BASE + sizeof flat_image); /* one past the file */
    FLAT_BAD(entry, PAGODA_FLAT_BASE + sizeof flat_image + 100); /* in .bss */
    FLAT_BAD(entry, 0xC0100000u);
    FLAT_BAD(entry, PAGODA_FLAT_BASE - 4);
    FLAT_BAD(stack_size, 100);
    FLAT_BAD(stack_size, PAGODA_FLAT_MAX_SIZE + 4096);
    return NULL;
}
