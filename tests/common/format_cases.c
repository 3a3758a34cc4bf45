/* tests/common/format_cases.c: rtl_snprintf against what C's printf would print. */
#include "kernel/rtl/format.h"
#include "tests/common/cases.h"

#define EXPECT_FORMAT(expected, ...)                                                               \
    do {                                                                                           \
        char buf_[128];                                                                            \
        int n_ = rtl_snprintf(buf_, sizeof buf_, __VA_ARGS__);                                     \
        KT_STR_EQ(buf_, expected);                                                                 \
        KT_EQ(n_, strlen(expected));                                                               \
    } while (0)

const char *tc_format_integers(void)
{
    EXPECT_FORMAT("0 -1 42 2147483647 -2147483648", "%d %d %i %d %d", 0, -1, 42, 2147483647,
                  (int)-2147483647 - 1);
    EXPECT_FORMAT("4294967295 ffffffff FFFFFFFF 777", "%u %x %X %o", 4294967295u, 0xffffffffu,
                  0xffffffffu, 0777u);
    EXPECT_FORMAT("18446744073709551615 -9223372036854775808 123456789abcdef0", "%llu %lld %llx",
                  18446744073709551615ull, (long long)-9223372036854775807ll - 1,
                  0x123456789abcdef0ull);
    EXPECT_FORMAT("0x1f 0X1F 0 +5 -5  5", "%#x %#X %#x %+d %+d % d", 31u, 31u, 0u, 5, -5, 5);
    EXPECT_FORMAT("-128 255 65535", "%hhd %hhu %hu", 128, 255, 65535);
    EXPECT_FORMAT("12 ", "%zu ", (size_t)12);
    return NULL;
}

/* Called through a pointer, for the cases the compiler's format check rightly rejects. */
static int (*volatile unchecked_snprintf)(char *, size_t, const char *, ...) = rtl_snprintf;

const char *tc_format_strings_and_padding(void)
{
    char buf[64];
    EXPECT_FORMAT("[   42][42   ][00042][-0042][  042]", "[%5d][%-5d][%05d][%05d][%5.3d]", 42, 42,
                  42, -42, 42);
    EXPECT_FORMAT("[abc][  abc][abc  ][ab]", "[%s][%5s][%-5s][%.2s]", "abc", "abc", "abc", "abc");
    EXPECT_FORMAT("[x][  y][%]", "[%c][%3c][%%]", 'x', 'y');
    unchecked_snprintf(buf, sizeof buf, "[%s][%q]", (char *)NULL);
    KT_STR_EQ(buf, "[(null)][%q]"); /* an unknown conversion is printed as written */
    EXPECT_FORMAT("[    7][7    ][ab]", "[%*d][%-*d][%.*s]", 5, 7, 5, 7, 2, "abcdef");
    EXPECT_FORMAT("0xc0100000", "%p", (void *)(uintptr_t)0xc0100000u);
    EXPECT_FORMAT("[]", "[%.0d]", 0);
    return NULL;
}

const char *tc_format_truncation(void)
{
    char buf[8];
    memset(buf, 'z', sizeof buf);
    int n = rtl_snprintf(buf, sizeof buf, "%s", "0123456789");
    KT_EQ(n, 10);
    KT_STR_EQ(buf, "0123456");
    n = rtl_snprintf(buf, 1, "abc");
    KT_EQ(n, 3);
    KT_EQ(buf[0], 0);
    buf[0] = 'q';
    n = rtl_snprintf(buf, 0, "abc"); /* size 0: nothing written at all */
    KT_EQ(n, 3);
    KT_EQ(buf[0], 'q');
    return NULL;
}
