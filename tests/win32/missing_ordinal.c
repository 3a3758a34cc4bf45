/* tests/win32/missing_ordinal.c: imports ordinal 99 of log.dll, which has none: the process must
 * end with STATUS_ORDINAL_NOT_FOUND before this runs, and ntdll say which ordinal. */
#include "pagoda/ntdll.h"

__attribute__((dllimport)) int absent_ordinal(void);

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    return absent_ordinal();
}
