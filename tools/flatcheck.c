/* tools/flatcheck.c: the build's check of a linked flat image (build/user/NAME.bin): the header
 * must pass ke_flat_check, the loader's own test (kernel/ps/flat.c), and the entry must be the
 * ELF's _start. Usage: flatcheck IMAGE.bin [ENTRY-HEX]; prints what is wrong and fails. */
#include <stdio.h>
#include <stdlib.h>
#include "kernel/ps/flat.h"

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: flatcheck IMAGE.bin [ENTRY-HEX]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static unsigned char image[PAGODA_FLAT_MAX_SIZE + 1];
    size_t size = fread(image, 1, sizeof image, f);
    fclose(f);
    const char *error = size > PAGODA_FLAT_MAX_SIZE ? "larger than PAGODA_FLAT_MAX_SIZE"
                                                    : ke_flat_check(image, size);
    if (!error && argc == 3) {
        const struct pagoda_flat_header *h = (const void *)image;
        if (h->entry != strtoul(argv[2], NULL, 16))
            error = "the header's entry is not the ELF's _start";
    }
    if (error) {
        fprintf(stderr, "flatcheck: %s: %s\n", argv[1], error);
        return 1;
    }
    return 0;
}
