/* tests/win32/initfail.c: imports initfail.dll, whose DllMain returns FALSE: the process must end
 * with STATUS_DLL_INIT_FAILED before this runs, and ntdll say which DLL. */
#include "pagoda/ntdll.h"

__attribute__((dllimport)) int initfail_value(void);

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    return initfail_value();
}
