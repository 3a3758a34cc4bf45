/* kernel/hal/pic.h: the two 8259A interrupt controllers, remapped to vectors 0x30-0x3F. */
#ifndef PAGODA_PIC_H
#define PAGODA_PIC_H

#include "kernel/ndk/types.h"

void hal_pic_init(void);
void hal_pic_unmask(unsigned irq);
void hal_pic_mask(unsigned irq);
void hal_pic_eoi(unsigned irq);
/* True when an IRQ 7 or 15 was spurious (not in the in-service register): it then gets no EOI
 * (IRQ 15 still gets one on the master, for the cascade). */
bool hal_pic_spurious(unsigned irq);

#endif
