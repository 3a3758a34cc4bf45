/* tests/win32/dll/shared.c: a DLL with an IMAGE_SCN_MEM_SHARED section: its counter is one variable
 * for every process that loads the DLL, unlike the rest of its data (copy-on-write). */
#include "pagoda/ntdll.h"

static volatile uint32_t counter __attribute__((section(".shared"), shared)) = 0;
static volatile uint32_t private_counter = 0;

/* Adds one to both counters; returns the shared one's new value. */
__attribute__((dllexport)) uint32_t shared_increment(void)
{
    private_counter++;
    return __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
}

__attribute__((dllexport)) uint32_t shared_read(void) { return counter; }
__attribute__((dllexport)) uint32_t shared_read_private(void) { return private_counter; }

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
