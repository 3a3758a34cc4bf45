/* kernel/rtl/format.c: the kernel's printf engine, used by logging, panics and test messages.
 * No allocation and no floating point; output that does not fit is counted but dropped. */
#include "kernel/rtl/format.h"

struct fmt_out {
    char *buf;
    size_t size;
    size_t len;
};

struct fmt_spec {
    bool left, zero, plus, space, alt;
    int width;
    int precision; /* -1: none given */
    int length; /* 0, 'H' (hh), 'h', 'l', 'L' (ll), 'z' */
};

static void put_char(struct fmt_out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_repeat(struct fmt_out *o, char c, int n)
{
    while (n-- > 0)
        put_char(o, c);
}

static void put_string(struct fmt_out *o, const struct fmt_spec *sp, const char *s)
{
    if (!s)
        s = "(null)";
    int n = 0;
    while (s[n] && (sp->precision < 0 || n < sp->precision))
        n++;
    if (!sp->left)
        put_repeat(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put_char(o, s[i]);
    if (sp->left)
        put_repeat(o, ' ', sp->width - n);
}

/* Writes a number already split into sign, prefix and digits, honouring width, precision and
 * flags. */
static void put_number(struct fmt_out *o, const struct fmt_spec *sp, uint64_t v, unsigned base,
                       bool upper, const char *sign, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }
    if (n == 0 && sp->precision != 0)
        tmp[n++] = '0';
    int zeros = sp->precision > n ? sp->precision - n : 0;
    int body = (int)__builtin_strlen(sign) + (int)__builtin_strlen(prefix) + zeros + n;
    if (sp->zero && !sp->left && sp->precision < 0 && sp->width > body) {
        zeros += sp->width - body;
        body = sp->width;
    }
    if (!sp->left)
        put_repeat(o, ' ', sp->width - body);
    for (; *sign; sign++)
        put_char(o, *sign);
    for (; *prefix; prefix++)
        put_char(o, *prefix);
    put_repeat(o, '0', zeros);
    while (n)
        put_char(o, tmp[--n]);
    if (sp->left)
        put_repeat(o, ' ', sp->width - body);
}

static uint64_t fetch_unsigned(const struct fmt_spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 'L': return va_arg(*ap, unsigned long long);
    case 'l': return va_arg(*ap, unsigned long);
    case 'z': return va_arg(*ap, size_t);
    case 'h': return (unsigned short)va_arg(*ap, unsigned int);
    case 'H': return (unsigned char)va_arg(*ap, unsigned int);
    default: return va_arg(*ap, unsigned int);
    }
}

static int64_t fetch_signed(const struct fmt_spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 'L': return va_arg(*ap, long long);
    case 'l': return va_arg(*ap, long);
    case 'z': return (int32_t)va_arg(*ap, size_t);
    case 'h': return (short)va_arg(*ap, int);
    case 'H': return (signed char)va_arg(*ap, int);
    default: return va_arg(*ap, int);
    }
}

/* Parses flags, width, precision and length; returns the conversion character's position. */
static const char *parse_spec(const char *f, struct fmt_spec *sp, va_list *ap)
{
    *sp = (struct fmt_spec){.precision = -1};
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else if (*f == '+')
            sp->plus = true;
        else if (*f == ' ')
            sp->space = true;
        else if (*f == '#')
            sp->alt = true;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        sp->precision = 0;
        if (*f == '*') {
            sp->precision = va_arg(*ap, int);
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp->precision = sp->precision * 10 + (*f++ - '0');
        }
    }
    if (f[0] == 'h' && f[1] == 'h') {
        sp->length = 'H';
        f += 2;
    } else if (f[0] == 'l' && f[1] == 'l') {
        sp->length = 'L';
        f += 2;
    } else if (*f == 'h' || *f == 'l' || *f == 'z')
        sp->length = *f++;
    return f;
}

static void convert(struct fmt_out *o, struct fmt_spec *sp, char conv, va_list *ap)
{
    switch (conv) {
    case 'd':
    case 'i': {
        int64_t v = fetch_signed(sp, ap);
        const char *sign = v < 0 ? "-" : sp->plus ? "+" : sp->space ? " " : "";
        put_number(o, sp, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, false, sign, "");
        break;
    }
    case 'u': put_number(o, sp, fetch_unsigned(sp, ap), 10, false, "", ""); break;
    case 'o': put_number(o, sp, fetch_unsigned(sp, ap), 8, false, "", sp->alt ? "0" : ""); break;
    case 'x':
    case 'X': {
        uint64_t v = fetch_unsigned(sp, ap);
        const char *prefix = sp->alt && v ? (conv == 'x' ? "0x" : "0X") : "";
        put_number(o, sp, v, 16, conv == 'X', "", prefix);
        break;
    }
    case 'p':
        sp->precision = 8;
        put_number(o, sp, (uintptr_t)va_arg(*ap, void *), 16, false, "", "0x");
        break;
    case 's': put_string(o, sp, va_arg(*ap, const char *)); break;
    case 'c': {
        char s[2] = {(char)va_arg(*ap, int), 0};
        sp->precision = 1;
        put_string(o, sp, s);
        break;
    }
    case '%': put_char(o, '%'); break;
    default: /* unknown conversion: print it as written, so the mistake is visible */
        put_char(o, '%');
        put_char(o, conv);
        break;
    }
}

int rtl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_out o = {buf, size, 0};
    va_list args;
    va_copy(args, ap);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put_char(&o, *f);
            continue;
        }
        struct fmt_spec sp;
        f = parse_spec(f + 1, &sp, &args);
        if (!*f)
            break;
        convert(&o, &sp, *f, &args);
    }
    va_end(args);
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int rtl_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = rtl_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
