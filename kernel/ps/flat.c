/* kernel/ps/flat.c: validation of flat user images (kernel/ps/flat.h). One function for every
 * reader of the format: the kernel before it copies an image, tools/flatcheck.c after the build
 * links one, and the tests. Pure C, also compiled for the host. */
#include "kernel/ps/flat.h"

const char *ke_flat_check(const void *image, size_t size)
{
    const struct pagoda_flat_header *h = image;
    if (!image || size < sizeof *h)
        return "smaller than the flat header";
    if (h->magic != PAGODA_FLAT_MAGIC)
        return "bad magic (not a flat image)";
    if (h->header_size != sizeof *h)
        return "header_size is not the size of struct pagoda_flat_header";
    if (h->file_size != size)
        return "file_size is not the size of the image";
    if (h->memory_size < h->file_size)
        return "memory_size is smaller than file_size";
    if (h->memory_size > PAGODA_FLAT_MAX_SIZE)
        return "memory_size is larger than PAGODA_FLAT_MAX_SIZE";
    /* entry >= base is checked first, so the subtraction cannot wrap. */
    if (h->entry < PAGODA_FLAT_BASE + h->header_size || h->entry - PAGODA_FLAT_BASE >= h->file_size)
        return "entry is not inside the image past the header";
    if (h->stack_size % 4096 != 0 || h->stack_size > PAGODA_FLAT_MAX_SIZE)
        return "stack_size is not a whole number of pages up to PAGODA_FLAT_MAX_SIZE";
    return NULL;
}
