/* tests/kernel/ke_traps.c: the trap layer's rules seen from kernel mode: each thread keeps its own
 * EFLAGS across context switches and a new thread starts with known ones; the #GP decoder tells
 * privileged instructions from the rest. The user-mode side is tests/kernel/ps_user.c. */
#include "kernel/ke/arch.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ob/ob.h"
#include "kernel/ke/sched.h"
#include "kernel/ps/thread.h"
#include "kernel/ke/trap.h"

/* The flags that must not cross from one thread into another; the arithmetic ones are anyone's. */
#define SYSTEM_FLAGS (EFLAGS_TF | EFLAGS_DF | EFLAGS_IOPL | EFLAGS_NT | EFLAGS_AC)

static volatile uint32_t flags_at_start, flags_after_switch;

static void keep_own_flags(void *context)
{
    (void)context;
    flags_at_start = read_eflags();
    write_eflags(read_eflags() | EFLAGS_AC);
    ke_yield();
    flags_after_switch = read_eflags();
    write_eflags(read_eflags() & ~EFLAGS_AC);
}

/* Regression: ke_swap_context neither saved nor reset EFLAGS, so a thread's NT (once a user's,
 * through sysenter) went on in the next thread, and a new thread's first iret was a task return. NT
 * and AC change nothing for C code in ring 0 (DF would), so they can be set here. */
KTEST(ke, context_switch_keeps_each_threads_eflags)
{
    struct ps_thread_start start = {.kernel_routine = keep_own_flags};
    struct ps_thread *t = NULL;
    KT_EQ(ps_create_thread(ps_system_process, &start, &t), STATUS_SUCCESS);
    uint32_t mine = read_eflags();
    write_eflags(mine | EFLAGS_NT | EFLAGS_AC);
    bool first = ke_yield(); /* the new thread starts, sets AC and yields back */
    uint32_t back = read_eflags();
    write_eflags(mine);
    bool second = ke_yield(); /* it resumes and ends */
    NTSTATUS wait = ke_wait_for_object(t, NULL);
    ob_dereference_object(t);
    KT_TRUE(first && second);
    KT_EQ(wait, STATUS_WAIT_0);
    KT_EQ(flags_at_start & SYSTEM_FLAGS, 0);
    KT_EQ(back & SYSTEM_FLAGS, EFLAGS_NT | EFLAGS_AC);
    KT_EQ(flags_after_switch & SYSTEM_FLAGS, EFLAGS_AC);
    return NULL;
}

struct decode_case {
    const char *what;
    uint8_t length;
    uint8_t bytes[KE_MAX_INSTRUCTION_LENGTH + 1];
};

static const struct decode_case privileged[] = {
    {"hlt", 1, {0xf4}},
    {"cli", 1, {0xfa}},
    {"sti", 1, {0xfb}},
    {"in al, 0x60", 2, {0xe4, 0x60}},
    {"in eax, dx", 1, {0xed}},
    {"out dx, al", 1, {0xee}},
    {"insb", 1, {0x6c}},
    {"outsd", 1, {0x6f}},
    {"rep outsb", 2, {0xf3, 0x6e}},
    {"lgdt [disp32]", 7, {0x0f, 0x01, 0x15, 0, 0, 0, 0}},
    {"lidt [eax]", 3, {0x0f, 0x01, 0x18}},
    {"invlpg [eax]", 3, {0x0f, 0x01, 0x38}},
    {"lmsw ax", 3, {0x0f, 0x01, 0xf0}},
    {"lldt [eax]", 3, {0x0f, 0x00, 0x10}},
    {"ltr ax", 3, {0x0f, 0x00, 0xd8}},
    {"clts", 2, {0x0f, 0x06}},
    {"invd", 2, {0x0f, 0x08}},
    {"wbinvd", 2, {0x0f, 0x09}},
    {"mov eax, cr0", 3, {0x0f, 0x20, 0xc0}},
    {"mov dr7, eax", 3, {0x0f, 0x23, 0xf8}},
    {"wrmsr", 2, {0x0f, 0x30}},
    {"rdmsr", 2, {0x0f, 0x32}},
    {"rdpmc", 2, {0x0f, 0x33}},
    {"sysexit", 2, {0x0f, 0x35}},
    {"cs: data16 rep hlt", 4, {0x2e, 0x66, 0xf3, 0xf4}},
    {"lock invlpg [eax]", 4, {0xf0, 0x0f, 0x01, 0x38}},
    {"14 prefixes, hlt",
     15,
     {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0xf4}},
};

static const struct decode_case not_privileged[] = {
    {"nop", 1, {0x90}},
    {"int 1", 2, {0xcd, 0x01}},
    {"mov ds, ax", 2, {0x8e, 0xd8}},
    {"iret", 1, {0xcf}},
    {"ud2", 2, {0x0f, 0x0b}},
    {"rdtsc", 2, {0x0f, 0x31}},
    {"sgdt [eax]", 3, {0x0f, 0x01, 0x00}},
    {"smsw eax", 3, {0x0f, 0x01, 0xe0}},
    {"xgetbv", 3, {0x0f, 0x01, 0xd0}},
    {"rdtscp", 3, {0x0f, 0x01, 0xf9}},
    {"sldt eax", 3, {0x0f, 0x00, 0xc0}},
    {"verr [eax]", 3, {0x0f, 0x00, 0x20}},
    {"15 prefixes, hlt (too long)",
     16,
     {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
      0xf4}},
    {"14 prefixes, 0F (too long)",
     15,
     {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x0f}},
};

/* Cut short before the answer: the #GP handler reads one more byte and asks again. */
static const struct decode_case cut_short[] = {
    {"nothing", 0, {0}},
    {"prefixes only", 3, {0x2e, 0x66, 0xf3}},
    {"0F", 1, {0x0f}},
    {"0F 01 without ModRM", 2, {0x0f, 0x01}},
    {"lock 0F 00 without ModRM", 3, {0xf0, 0x0f, 0x00}},
};

static const char *check_decoding(const struct decode_case *cases, size_t count,
                                  enum ke_instruction_class expected)
{
    static const char *const names[] = {"need more", "privileged", "other"};
    for (size_t i = 0; i < count; i++) {
        enum ke_instruction_class c = ke_classify_instruction(cases[i].bytes, cases[i].length);
        if (c != expected)
            return ktest_failf("%s: decoded as %s, expected %s", cases[i].what, names[c],
                               names[expected]);
    }
    return NULL;
}

KTEST(ke, privileged_instructions_decoded)
{
    KT_RUN(check_decoding(privileged, ARRAY_SIZE(privileged), KE_INSTRUCTION_PRIVILEGED));
    KT_RUN(check_decoding(not_privileged, ARRAY_SIZE(not_privileged), KE_INSTRUCTION_OTHER));
    KT_RUN(check_decoding(cut_short, ARRAY_SIZE(cut_short), KE_INSTRUCTION_NEED_MORE));
    return NULL;
}
