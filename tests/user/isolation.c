/* tests/user/isolation.c PATTERN: address-space isolation. Several copies run at once, each with
 * its own PATTERN (hex, argv[1]): each finds a page of its .bss zero, fills it with its pattern,
 * lets the others run (yields and delays), and checks that the page still holds its own pattern.
 * The page is at the same virtual address in every copy, so a kernel that shares or leaks pages
 * between address spaces, or hands out a dirty page, is caught. Exit status 0 when isolated, 1 when
 * not, 2 for a bad argument. */
#include "user/rt/rt.h"

static volatile uint32_t page[PAGE_SIZE / 4] __attribute__((aligned(PAGE_SIZE)));

static bool parse_hex(const char *s, uint32_t *value)
{
    uint32_t v = 0;
    int digits = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    for (; *s; s++, digits++) {
        char c = *s;
        uint32_t d = c >= '0' && c <= '9'   ? (uint32_t)(c - '0')
                     : c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (uint32_t)(c - 'A' + 10)
                                            : 16;
        if (d == 16 || digits == 8)
            return false;
        v = v << 4 | d;
    }
    *value = v;
    return digits > 0;
}

/* The first word that differs from want, or -1. */
static int first_difference(uint32_t want)
{
    for (int i = 0; i < (int)ARRAY_SIZE(page); i++)
        if (page[i] != want)
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    uint32_t pattern;
    if (argc != 2 || !parse_hex(argv[1], &pattern) || pattern == 0) {
        rt_print("  isolation: usage: isolation PATTERN (1 to 8 hex digits, not 0)\n");
        return 2;
    }
    int bad = first_difference(0);
    if (bad >= 0) {
        rt_print("  isolation %08X: the fresh .bss page holds 0x%08X at word %d\n", pattern,
                 page[bad], bad);
        return 1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(page); i++)
        page[i] = pattern;
    for (int round = 0; round < 5; round++) {
        NtYieldExecution();
        rt_sleep_ms(10);
        bad = first_difference(pattern);
        if (bad >= 0) {
            rt_print("  isolation %08X: word %d of the page changed to 0x%08X (round %d)\n",
                     pattern, bad, page[bad], round);
            return 1;
        }
    }
    return 0;
}
