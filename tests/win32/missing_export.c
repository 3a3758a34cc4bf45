/* tests/win32/missing_export.c: imports absent_function from log.dll, which does not export it: the
 * process must end with STATUS_ENTRYPOINT_NOT_FOUND before this runs, and ntdll say which name. */
#include "pagoda/ntdll.h"

__attribute__((dllimport)) int absent_function(void);

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    return absent_function();
}
