/* tests/win32/common/delayimp.c: the delay-load helper that dlltool's delay-import thunks call,
 * __delayLoadHelper2, as Visual C++'s delayimp.lib has it for Windows 8 and later: a call into
 * ntdll's LdrResolveDelayLoadedAPI, which loads the DLL, binds the slot and returns the function
 * (mingw's own helper needs kernel32, which does not exist yet). */
#include "pagoda/ntdll.h"

extern char __ImageBase;

void *NTAPI __delayLoadHelper2(const void *descriptor, void **slot)
{
    return LdrResolveDelayLoadedAPI(&__ImageBase, descriptor, NULL, NULL, slot, 0);
}
