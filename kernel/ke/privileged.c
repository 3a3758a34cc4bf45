/* kernel/ke/privileged.c: tells a privileged instruction from other causes of a general-protection
 * fault in user mode, as NT's #GP handler does, so that `hlt` or `cli` ends a process with
 * STATUS_PRIVILEGED_INSTRUCTION and a bad selector with STATUS_ACCESS_VIOLATION. Pure: bytes in. */
#include "kernel/ke/trap.h"

#define MODRM_REG(m)      (((m) >> 3) & 7)
#define MODRM_REGISTER(m) (((m) >> 6) == 3) /* a register operand, not memory */

/* Legacy prefixes: segment overrides, operand and address size, lock, rep. */
static const uint8_t prefixes[] = {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65,
                                   0x66, 0x67, 0xf0, 0xf2, 0xf3};
/* ins, outs, in, out (IOPL is 0 and there is no I/O bitmap), hlt, cli, sti. */
static const uint8_t one_byte[] = {0x6c, 0x6d, 0x6e, 0x6f, 0xe4, 0xe5, 0xe6, 0xe7,
                                   0xec, 0xed, 0xee, 0xef, 0xf4, 0xfa, 0xfb};
/* After 0F: clts, invd, wbinvd, mov to or from CRn, DRn and TRn, wrmsr, rdmsr, rdpmc, sysexit. */
static const uint8_t two_byte[] = {0x06, 0x08, 0x09, 0x20, 0x21, 0x22, 0x23,
                                   0x24, 0x26, 0x30, 0x32, 0x33, 0x35};

static bool in_set(uint8_t b, const uint8_t *set, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (set[i] == b)
            return true;
    return false;
}

/* Groups 6 and 7 (0F 00, 0F 01): the loads of system registers and invlpg are privileged; the
 * stores (sldt, str, sgdt, sidt, smsw), verr/verw and the register forms of 0F 01 /2 /3 /7 (xgetbv,
 * rdtscp, ...) are not. */
static bool privileged_group(uint8_t op, uint8_t modrm)
{
    unsigned reg = MODRM_REG(modrm);
    if (op == 0x00)
        return reg == 2 || reg == 3; /* lldt, ltr */
    if (reg == 6)
        return true; /* lmsw, from a register or memory */
    return (reg == 2 || reg == 3 || reg == 7) && !MODRM_REGISTER(modrm); /* lgdt, lidt, invlpg */
}

/* The bytes ran out: more may tell, unless there can be no more (an instruction is at most 15
 * bytes; a longer one is a #GP for its length, not its kind). */
static enum ke_instruction_class ran_out(size_t length)
{
    return length < KE_MAX_INSTRUCTION_LENGTH ? KE_INSTRUCTION_NEED_MORE : KE_INSTRUCTION_OTHER;
}

enum ke_instruction_class ke_classify_instruction(const uint8_t *code, size_t length)
{
    size_t i = 0;
    if (length > KE_MAX_INSTRUCTION_LENGTH)
        length = KE_MAX_INSTRUCTION_LENGTH;
    while (i < length && in_set(code[i], prefixes, sizeof prefixes))
        i++;
    if (i >= length)
        return ran_out(length);
    if (code[i] != 0x0f)
        return in_set(code[i], one_byte, sizeof one_byte) ? KE_INSTRUCTION_PRIVILEGED
                                                          : KE_INSTRUCTION_OTHER;
    if (++i >= length)
        return ran_out(length);
    if (code[i] == 0x00 || code[i] == 0x01) {
        if (i + 1 >= length)
            return ran_out(length);
        return privileged_group(code[i], code[i + 1]) ? KE_INSTRUCTION_PRIVILEGED
                                                      : KE_INSTRUCTION_OTHER;
    }
    return in_set(code[i], two_byte, sizeof two_byte) ? KE_INSTRUCTION_PRIVILEGED
                                                      : KE_INSTRUCTION_OTHER;
}
