/* kernel/ke/fpu.h: lazy switching of the x87 FPU between threads (kernel/ke/fpu.c). */
#ifndef PAGODA_FPU_H
#define PAGODA_FPU_H

#include "kernel/ndk/types.h"

struct ke_thread;

/* Sets CR0 for lazy switching (TS, NE, MP; EM when there is no FPU). */
void ke_fpu_init(void);
/* On every context switch: the next FPU instruction traps. */
void ke_fpu_switch_out(void);
/* A thread that owns the FPU ended: its state is not saved. */
void ke_fpu_thread_ended(struct ke_thread *t);
/* #NM: gives the FPU to the current thread; false when there is no FPU (the trap layer then treats
 * the instruction as illegal). */
bool ke_fpu_device_not_available(void);

#endif
