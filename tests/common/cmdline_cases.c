/* tests/common/cmdline_cases.c: the command-line parser with good, unknown and bad options. */
#include "kernel/ke/cmdline.h"
#include "tests/common/cases.h"

static struct ke_config config;

const char *tc_cmdline_defaults(void)
{
    ke_parse_cmdline("", &config);
    KT_EQ(config.split, KE_SPLIT_2G);
    KT_EQ(config.log_level, 2);
    KT_EQ(config.mem_limit, 0);
    KT_EQ(config.timer_hz, KE_DEFAULT_HZ);
    KT_EQ(config.run_tests, false);
    KT_EQ(config.ata_pio, false);
    KT_EQ(config.copy_yield, false);
    KT_EQ(config.warning_count, 0);
    ke_parse_cmdline(NULL, &config);
    KT_EQ(config.warning_count, 0);
    ke_parse_cmdline("   \t  ", &config);
    KT_EQ(config.warning_count, 0);
    return NULL;
}

const char *tc_cmdline_all_options(void)
{
    ke_parse_cmdline("split=3G test=mm,ke loglevel=debug mem=16M hz=250", &config);
    KT_EQ(config.warning_count, 0);
    KT_EQ(config.split, KE_SPLIT_3G);
    KT_EQ(config.log_level, 3);
    KT_EQ(config.mem_limit, 16u << 20);
    KT_EQ(config.timer_hz, 250);
    KT_EQ(config.run_tests, true);
    KT_STR_EQ(config.test_filter, "mm,ke");
    KT_EQ(config.sysenter, true);
    ke_parse_cmdline("sysenter=off", &config);
    KT_EQ(config.sysenter, false);
    KT_EQ(config.warning_count, 0);
    ke_parse_cmdline("ata=pio", &config);
    KT_EQ(config.ata_pio, true);
    ke_parse_cmdline("ATA=PIO ata=auto", &config); /* last one wins */
    KT_EQ(config.ata_pio, false);
    KT_EQ(config.warning_count, 0);
    ke_parse_cmdline("ata=dma ata", &config);
    KT_EQ(config.warning_count, 2);
    KT_STR_EQ(config.warnings[0], "ata=dma is not pio or auto; using auto");
    KT_STR_EQ(config.warnings[1], "option 'ata' needs a value (ata=...); ignored");
    KT_EQ(config.ata_pio, false);
    /* autorun= takes the rest of the line; GRUB's escapes (\\ \" \') are undone, quotes kept. */
    ke_parse_cmdline("split=3G autorun=\\\\Tests\\\\Hello.exe a \"b c\" split=2G", &config);
    KT_STR_EQ(config.autorun, "\\Tests\\Hello.exe a \"b c\" split=2G");
    KT_EQ(config.split, KE_SPLIT_3G);
    KT_EQ(config.warning_count, 0);
    ke_parse_cmdline("AUTORUN=/x.exe  ", &config); /* QEMU's -kernel: as typed; spaces trimmed */
    KT_STR_EQ(config.autorun, "/x.exe");
    ke_parse_cmdline("trace=faults", &config);
    KT_EQ(config.trace_faults, true);
    KT_EQ(config.warning_count, 0);
    ke_parse_cmdline("trace=faults trace=none trace=pages", &config);
    KT_EQ(config.trace_faults, false);
    KT_EQ(config.warning_count, 1);
    KT_STR_EQ(config.warnings[0], "trace=pages is not faults or none; ignored");
    ke_parse_cmdline("copyyield=1", &config);
    KT_EQ(config.copy_yield, true);
    KT_EQ(config.warning_count, 0);
    ke_parse_cmdline("copyyield=on copyyield=0", &config); /* last one wins */
    KT_EQ(config.copy_yield, false);
    ke_parse_cmdline("copyyield=1 copyyield=yes", &config);
    KT_EQ(config.copy_yield, true);
    KT_EQ(config.warning_count, 1);
    KT_STR_EQ(config.warnings[0], "copyyield=yes is not 1 or 0; ignored");
    ke_parse_cmdline("SPLIT=3g split=2g loglevel=4 mem=640k", &config); /* last one wins */
    KT_EQ(config.warning_count, 0);
    KT_EQ(config.split, KE_SPLIT_2G);
    KT_EQ(config.log_level, 4);
    KT_EQ(config.mem_limit, 640u << 10);
    return NULL;
}

const char *tc_cmdline_unknown_options(void)
{
    ke_parse_cmdline("quiet foo=bar split=3G", &config);
    KT_EQ(config.warning_count, 2);
    KT_STR_EQ(config.warnings[0], "unknown option 'quiet' ignored");
    KT_STR_EQ(config.warnings[1], "unknown option 'foo=bar' ignored");
    KT_EQ(config.split, KE_SPLIT_3G); /* the known option after them still applies */
    ke_parse_cmdline("a b c d e f g h i j k", &config);
    KT_EQ(config.warning_count, KE_CONFIG_MAX_WARNINGS); /* capped, not overflowed */
    return NULL;
}

const char *tc_cmdline_bad_values(void)
{
    ke_parse_cmdline("split=4G loglevel=loud mem=lots hz=5 hz=100000 test= split", &config);
    KT_EQ(config.warning_count, 7);
    KT_STR_EQ(config.warnings[0], "split=4G is not 2G or 3G; using 2G");
    KT_STR_EQ(config.warnings[2], "mem=lots is not a size like 16M; ignored");
    KT_STR_EQ(config.warnings[3], "hz=5 is not in 19..1000; using 100");
    KT_STR_EQ(config.warnings[6], "option 'split' needs a value (split=...); ignored");
    KT_EQ(config.split, KE_SPLIT_2G);
    KT_EQ(config.log_level, 2);
    KT_EQ(config.mem_limit, 0);
    KT_EQ(config.timer_hz, KE_DEFAULT_HZ);
    KT_EQ(config.run_tests, false);
    ke_parse_cmdline("mem=0 mem=99999999999999999999G", &config);
    KT_EQ(config.warning_count, 2);
    KT_EQ(config.mem_limit, 0);
    return NULL;
}

const char *tc_cmdline_kernel_path(void)
{
    ke_parse_cmdline("/boot/kernel.elf split=3G", &config);
    KT_EQ(config.warning_count, 0);
    KT_EQ(config.split, KE_SPLIT_3G);
    ke_parse_cmdline("build/kernel.elf test=all", &config);
    KT_EQ(config.warning_count, 0);
    KT_STR_EQ(config.test_filter, "all");
    ke_parse_cmdline("split=3G /not/first", &config); /* only the first word may be a path */
    KT_EQ(config.warning_count, 1);
    return NULL;
}

const char *tc_cmdline_sizes(void)
{
    uint64_t v = 0;
    KT_TRUE(ke_parse_size("4096", 4, &v));
    KT_EQ(v, 4096);
    KT_TRUE(ke_parse_size("3G", 2, &v));
    KT_EQ(v, 3ull << 30);
    KT_TRUE(ke_parse_size("16m", 3, &v));
    KT_EQ(v, 16u << 20);
    KT_TRUE(ke_parse_size("17179869184K", 12, &v));
    KT_EQ(v, 16ull << 40);
    KT_TRUE(!ke_parse_size("", 0, &v));
    KT_TRUE(!ke_parse_size("M", 1, &v));
    KT_TRUE(!ke_parse_size("12MB", 4, &v));
    KT_TRUE(!ke_parse_size("-1", 2, &v));
    KT_TRUE(!ke_parse_size("18446744073709551616", 20, &v)); /* 2^64 */
    KT_TRUE(!ke_parse_size("17179869184G", 12, &v)); /* 2^64 after the shift */
    return NULL;
}
