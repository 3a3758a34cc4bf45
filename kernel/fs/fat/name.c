/* kernel/fs/fat/name.c: names and times in FAT's terms: case folding, long-name validity, 8.3 short
 * names (exact, basis and ~n tail per the specification), the long-name checksum, FAT dates. */
#include "kernel/rtl/calendar.h"
#include "kernel/fs/fat/fatp.h"

/* Upper case for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic: enough for names; FAT
 * itself does not define the table. */
WCHAR fatp_upcase(WCHAR c)
{
    if (c >= 'a' && c <= 'z')
        return (WCHAR)(c - 32);
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7) || (c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) ||
        (c >= 0x430 && c <= 0x44F))
        return (WCHAR)(c - 32);
    if (c == 0xFF)
        return 0x178;
    if (c >= 0x450 && c <= 0x45F)
        return (WCHAR)(c - 80);
    if (c >= 0x100 && c <= 0x17F && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F) {
        bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        if (odd_lower ? !(c & 1) : (c & 1))
            return (WCHAR)(c - 1);
    }
    return c;
}

bool fatp_names_equal(const WCHAR *a, uint32_t alen, const WCHAR *b, uint32_t blen)
{
    if (alen != blen)
        return false;
    for (uint32_t i = 0; i < alen; i++)
        if (fatp_upcase(a[i]) != fatp_upcase(b[i]))
            return false;
    return true;
}

static bool long_char_ok(WCHAR c)
{
    if (c < 0x20)
        return false;
    switch (c) {
    case '"':
    case '*':
    case '/':
    case ':':
    case '<':
    case '>':
    case '?':
    case '\\':
    case '|': return false;
    default: return true;
    }
}

NTSTATUS fatp_check_long_name(const WCHAR *name, uint32_t len)
{
    if (len == 0 || len > FAT_NAME_MAX)
        return STATUS_OBJECT_NAME_INVALID;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return STATUS_OBJECT_NAME_INVALID;
    if (name[len - 1] == ' ' || name[len - 1] == '.')
        return STATUS_OBJECT_NAME_INVALID;
    for (uint32_t i = 0; i < len; i++)
        if (!long_char_ok(name[i]))
            return STATUS_OBJECT_NAME_INVALID;
    return STATUS_SUCCESS;
}

uint8_t fatp_lfn_checksum(const uint8_t short_name[11])
{
    uint8_t sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + short_name[i]);
    return sum;
}

/* Characters a short name may hold (ASCII only here: no OEM code page). */
static bool short_char_ok(WCHAR c)
{
    if (c <= 0x20 || c >= 0x7F)
        return false;
    switch (c) {
    case '"':
    case '*':
    case '+':
    case ',':
    case '.':
    case '/':
    case ':':
    case ';':
    case '<':
    case '=':
    case '>':
    case '?':
    case '[':
    case '\\':
    case ']':
    case '|': return false;
    default: return true;
    }
}

/* Case of a run: 1 all upper (or no letters), 2 all lower, 0 mixed. */
static int run_case(const WCHAR *s, uint32_t n)
{
    bool upper = false, lower = false;
    for (uint32_t i = 0; i < n; i++) {
        upper |= s[i] >= 'A' && s[i] <= 'Z';
        lower |= s[i] >= 'a' && s[i] <= 'z';
    }
    return upper && lower ? 0 : lower ? 2 : 1;
}

bool fatp_exact_short_name(const WCHAR *name, uint32_t len, uint8_t out[11], uint8_t *ntres)
{
    uint32_t dot = len;
    for (uint32_t i = 0; i < len; i++)
        if (name[i] == '.') {
            if (dot != len)
                return false;
            dot = i;
        }
    uint32_t ext_len = dot < len ? len - dot - 1 : 0;
    if (dot == 0 || dot > 8 || ext_len > 3 || (dot < len && ext_len == 0))
        return false;
    for (uint32_t i = 0; i < len; i++)
        if (i != dot && !short_char_ok(name[i]))
            return false;
    int base_case = run_case(name, dot), ext_case = run_case(name + dot + 1, ext_len);
    if (!base_case || !ext_case)
        return false;
    fatp_memset(out, ' ', 11);
    for (uint32_t i = 0; i < dot; i++)
        out[i] = (uint8_t)fatp_upcase(name[i]);
    for (uint32_t i = 0; i < ext_len; i++)
        out[8 + i] = (uint8_t)fatp_upcase(name[dot + 1 + i]);
    if (out[0] == FATP_DELETED)
        out[0] = 0x05;
    *ntres = (uint8_t)((base_case == 2 ? 0x08 : 0) | (ext_case == 2 ? 0x10 : 0));
    return true;
}

static uint8_t basis_char(WCHAR c)
{
    WCHAR u = fatp_upcase(c);
    return short_char_ok(u) ? (uint8_t)u : '_';
}

void fatp_basis_name(const WCHAR *name, uint32_t len, uint8_t out[11])
{
    uint32_t dot = len;
    for (uint32_t i = len; i-- > 0;)
        if (name[i] == '.') {
            dot = i;
            break;
        }
    fatp_memset(out, ' ', 11);
    uint32_t n = 0;
    for (uint32_t i = 0; i < dot && n < 8; i++)
        if (name[i] != ' ' && name[i] != '.')
            out[n++] = basis_char(name[i]);
    if (n == 0)
        out[n++] = '_';
    n = 0;
    for (uint32_t i = dot + 1; i < len && n < 3; i++)
        if (name[i] != ' ')
            out[8 + n++] = basis_char(name[i]);
}

void fatp_tail_name(const uint8_t basis[11], uint32_t n, uint8_t out[11])
{
    char digits[10];
    uint32_t nd = 0;
    do {
        digits[nd++] = (char)('0' + n % 10);
        n /= 10;
    } while (n && nd < sizeof digits);
    fatp_memcpy(out, basis, 11);
    uint32_t base_len = 0;
    while (base_len < 8 && basis[base_len] != ' ')
        base_len++;
    uint32_t keep = MIN(base_len, 8 - 1 - nd);
    out[keep] = '~';
    for (uint32_t i = 0; i < nd; i++)
        out[keep + 1 + i] = (uint8_t)digits[nd - 1 - i];
    for (uint32_t i = keep + 1 + nd; i < 8; i++)
        out[i] = ' ';
}

uint32_t fatp_short_to_wide(const struct fatp_dirent *entry, WCHAR out[13])
{
    const uint8_t *name = entry->name;
    uint32_t n = 0, base = 8, ext = 3;
    while (base > 0 && name[base - 1] == ' ')
        base--;
    while (ext > 0 && name[8 + ext - 1] == ' ')
        ext--;
    bool lower_base = entry->ntres & FATP_NTRES_LOWER_BASE;
    bool lower_ext = entry->ntres & FATP_NTRES_LOWER_EXT;
    for (uint32_t i = 0; i < base; i++) {
        WCHAR c = i == 0 && name[0] == 0x05 ? FATP_DELETED : name[i];
        out[n++] = lower_base && c >= 'A' && c <= 'Z' ? (WCHAR)(c + 32) : c;
    }
    if (ext)
        out[n++] = '.';
    for (uint32_t i = 0; i < ext; i++) {
        WCHAR c = name[8 + i];
        out[n++] = lower_ext && c >= 'A' && c <= 'Z' ? (WCHAR)(c + 32) : c;
    }
    out[n] = 0;
    return n;
}

/* ---- times: FAT dates count from 1980; NT times are 100 ns units since 1601 ---- */
#define TICKS_PER_SECOND  KE_TICKS_PER_SECOND
#define DAYS_1601_TO_1970 KE_DAYS_1601_TO_1970

/* Clamps to FAT's range, 1980-01-01 .. 2107-12-31 23:59:58. */
void fatp_time_to_fat(int64_t nt, uint16_t *date, uint16_t *time, uint8_t *tenth)
{
    int64_t lo = (rtl_days_from_civil(1980, 1, 1) + DAYS_1601_TO_1970) * 86400 * TICKS_PER_SECOND;
    int64_t hi =
        (rtl_days_from_civil(2108, 1, 1) + DAYS_1601_TO_1970) * 86400 * TICKS_PER_SECOND - 1;
    nt = nt < lo ? lo : nt > hi ? hi : nt;
    int64_t centis = nt / 100000, secs = centis / 100;
    int64_t days = secs / 86400 - DAYS_1601_TO_1970, sod = secs % 86400, y, m, d;
    rtl_civil_from_days(days, &y, &m, &d);
    *date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
    *time = (uint16_t)((sod / 3600) << 11 | (sod / 60 % 60) << 5 | (sod % 60) / 2);
    if (tenth)
        *tenth = (uint8_t)((sod % 2) * 100 + centis % 100);
}

/* 0 for a date of 0 (never set); out-of-range fields are clamped, not trusted. */
int64_t fatp_time_from_fat(uint16_t date, uint16_t time, uint8_t tenth)
{
    if (date == 0)
        return 0;
    int64_t y = 1980 + (date >> 9), m = (date >> 5) & 15, d = date & 31;
    m = m < 1 ? 1 : m > 12 ? 12 : m;
    d = d < 1 ? 1 : d;
    int64_t secs = (rtl_days_from_civil(y, m, d) + DAYS_1601_TO_1970) * 86400 +
                   (time >> 11) * 3600 + ((time >> 5) & 63) * 60 + (time & 31) * 2;
    return secs * TICKS_PER_SECOND + (int64_t)(tenth > 199 ? 0 : tenth) * 100000;
}
