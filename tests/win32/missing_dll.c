/* tests/win32/missing_dll.c: imports from nosuch.dll, which is nowhere: the process must end with
 * STATUS_DLL_NOT_FOUND before this runs, and ntdll must say which DLL. */
#include "pagoda/ntdll.h"

__attribute__((dllimport)) int nosuch_function(void);

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    return nosuch_function();
}
