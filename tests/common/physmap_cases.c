/* tests/common/physmap_cases.c: memory-map normalization with the maps real firmware produces:
 * unsorted, overlapping, zero-length, wrapping, reserved inside usable, unaligned, above 4 GiB. */
#include "mm/physmap.h"
#include "tests/common/cases.h"

#define USABLE   MM_PHYS_TYPE_USABLE
#define RESERVED 2
#define ACPI     3

static struct mm_phys_range out[MM_PHYSMAP_MAX_RANGES];
static uint64_t ram;

static int normalize(const struct mm_phys_entry *e, int n, const struct mm_phys_range *x, int nx,
                     uint64_t limit)
{
    return mm_physmap_normalize(e, n, x, nx, limit, out, MM_PHYSMAP_MAX_RANGES, &ram);
}

#define EXPECT_RANGE(i, b, e)                                                                      \
    do {                                                                                           \
        KT_EQ(out[i].base, b);                                                                     \
        KT_EQ(out[i].end, e);                                                                      \
    } while (0)

/* What QEMU gives a 128 MiB machine. */
const char *tc_physmap_simple(void)
{
    static const struct mm_phys_entry map[] = {
        {0x0, 0x9fc00, USABLE},         {0x9fc00, 0x400, RESERVED},
        {0xf0000, 0x10000, RESERVED},   {0x100000, 0x7ee0000, USABLE},
        {0x7fe0000, 0x20000, RESERVED}, {0xfffc0000, 0x40000, RESERVED},
    };
    KT_EQ(normalize(map, 6, NULL, 0, 0), 2);
    EXPECT_RANGE(0, 0x0, 0x9f000);
    EXPECT_RANGE(1, 0x100000, 0x7fe0000);
    KT_EQ(ram, 0x9fc00 + 0x7ee0000);
    return NULL;
}

const char *tc_physmap_unsorted_overlapping(void)
{
    static const struct mm_phys_entry map[] = {
        {0x400000, 0x400000, USABLE}, /* 4-8 MiB */
        {0x100000, 0x200000, USABLE}, /* 1-3 MiB */
        {0x200000, 0x300000, USABLE}, /* 2-5 MiB: overlaps both */
        {0x100000, 0x100000, USABLE}, /* a duplicate */
    };
    KT_EQ(normalize(map, 4, NULL, 0, 0), 1);
    EXPECT_RANGE(0, 0x100000, 0x800000);
    KT_EQ(ram, 0x700000); /* overlaps are counted once */
    return NULL;
}

const char *tc_physmap_reserved_wins(void)
{
    static const struct mm_phys_entry map[] = {
        {0x100000, 0x1000000, USABLE},
        {0x800000, 0x1000, RESERVED}, /* a hole in the middle */
        {0xc00000, 0x1000, ACPI}, /* ACPI data is not free memory either */
        {0x1000000, 0x200000, RESERVED}, /* overlapping the end */
    };
    KT_EQ(normalize(map, 4, NULL, 0, 0), 3);
    EXPECT_RANGE(0, 0x100000, 0x800000);
    EXPECT_RANGE(1, 0x801000, 0xc00000);
    EXPECT_RANGE(2, 0xc01000, 0x1000000);
    return NULL;
}

const char *tc_physmap_exclusions_and_alignment(void)
{
    static const struct mm_phys_entry map[] = {
        {0x0, 0xa0000, USABLE}, {0x100000, 0x3f00123, USABLE}, /* ends mid-page */
    };
    static const struct mm_phys_range excluded[] = {
        {0x0, 0x1000}, /* page 0 */
        {0x100000, 0x123456}, /* a kernel image ending mid-page */
        {0x9500, 0x9558}, /* the Multiboot information */
    };
    KT_EQ(normalize(map, 2, excluded, 3, 0), 3);
    EXPECT_RANGE(0, 0x1000, 0x9000); /* partial pages around an exclusion are not used */
    EXPECT_RANGE(1, 0xa000, 0xa0000);
    EXPECT_RANGE(2, 0x124000, 0x4000000);
    KT_EQ(ram, 0xa0000 + 0x3f00123); /* exclusions do not change the RAM found */
    return NULL;
}

const char *tc_physmap_odd_entries(void)
{
    static const struct mm_phys_entry map[] = {
        {0x200000, 0, USABLE}, /* empty */
        {0xfffffffffffff000ull, 0x2000, USABLE}, /* wraps past 2^64 */
        {0x100000000ull, 0x100000000ull, USABLE}, /* above 4 GiB: not reachable */
        {0xfff00000, 0x200000, USABLE}, /* straddles 4 GiB */
        {0x300000, 0x100000, 7}, /* an unknown type: left alone */
        {0x300000, 0x200000, USABLE},
        {0x1000, 0x800, USABLE}, /* less than a page */
    };
    KT_EQ(normalize(map, 7, NULL, 0, 0), 2);
    EXPECT_RANGE(0, 0x400000, 0x500000);
    EXPECT_RANGE(1, 0xfff00000, 0x100000000ull);
    KT_EQ(normalize(NULL, 0, NULL, 0, 0), 0);
    KT_EQ(ram, 0);
    return NULL;
}

const char *tc_physmap_mem_limit(void)
{
    static const struct mm_phys_entry map[] = {
        {0x1000, 0x9e000, USABLE},
        {0x100000, 0x7f00000, USABLE},
    };
    KT_EQ(normalize(map, 2, NULL, 0, 16u << 20), 2);
    EXPECT_RANGE(0, 0x1000, 0x9f000);
    KT_EQ((out[0].end - out[0].base) + (out[1].end - out[1].base), 16u << 20);
    KT_EQ(normalize(map, 2, NULL, 0, 0x1000), 1); /* one page */
    EXPECT_RANGE(0, 0x1000, 0x2000);
    KT_EQ(normalize(map, 2, NULL, 0, 0x9e000), 1); /* exactly the first range */
    KT_EQ(normalize(map, 2, NULL, 0, 0x800), 0); /* less than a page: nothing */
    KT_EQ(normalize(map, 2, NULL, 0, 1ull << 40), 2); /* more than there is: everything */
    return NULL;
}
