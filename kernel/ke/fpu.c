/* kernel/ke/fpu.c: the x87 FPU, switched lazily. A context switch sets CR0.TS; the first FPU
 * instruction a thread then executes raises #NM (device not available), and only then is the
 * previous owner's state saved (fnsave) and this thread's restored (frstor), or a fresh one made
 * (fninit with NT's control word 0x27F). Threads that never touch the FPU cost nothing. The kernel
 * itself never uses the FPU (-mgeneral-regs-only). */
#include "kernel/ke/arch.h"
#include "kernel/ke/fpu.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/thread.h"

#define CR0_MP                  0x00000002u
#define CR0_EM                  0x00000004u
#define CR0_TS                  0x00000008u
#define CR0_NE                  0x00000020u
#define NT_DEFAULT_CONTROL_WORD 0x027f /* round to nearest, 53-bit precision, all masked */

static struct ke_thread *fpu_owner; /* whose registers the FPU holds */
static bool fpu_present;

void ke_fpu_init(void)
{
    fpu_present = ke_cpu_has(CPU_FEATURE_FPU);
    uint32_t cr0 = read_cr0() | CR0_TS | CR0_NE | CR0_MP;
    write_cr0(fpu_present ? cr0 & ~CR0_EM : cr0 | CR0_EM);
}

void ke_fpu_switch_out(void) { write_cr0(read_cr0() | CR0_TS); }

void ke_fpu_thread_ended(struct ke_thread *t)
{
    if (fpu_owner == t)
        fpu_owner = NULL; /* nothing to save */
}

bool ke_fpu_device_not_available(void)
{
    if (!fpu_present)
        return false;
    struct ke_thread *t = ke_current_thread();
    __asm__ volatile("clts");
    if (fpu_owner == t)
        return true;
    if (fpu_owner)
        __asm__ volatile("fnsave %0" : "=m"(fpu_owner->fpu_state));
    if (t->fpu_used) {
        __asm__ volatile("frstor %0" : : "m"(t->fpu_state));
    } else {
        uint16_t control = NT_DEFAULT_CONTROL_WORD;
        __asm__ volatile("fninit; fldcw %0" : : "m"(control));
        t->fpu_used = true;
    }
    fpu_owner = t;
    return true;
}
