/* tests/win32/fixed.c: imports dep_b.dll, which takes 0x11200000 (GNU ld orders the imports by
 * name), then fixed.dll, which wants the same base and has no relocations: the process must end
 * with STATUS_CONFLICTING_ADDRESSES before this runs, and ntdll say which DLL. */
#include "pagoda/ntdll.h"

__attribute__((dllimport)) int dep_b_value(void);
__attribute__((dllimport)) int fixed_value(void);

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    return dep_b_value() + fixed_value();
}
