/* tests/win32/bench3.c: the program of the process-creation benchmark (`bench process_3dll_*`): an
 * exe importing three DLLs (bench_a, bench_b, bench_c in \Tests\Bench), that calls each and ends.
 */
#include "pagoda/ntdll.h"

__attribute__((dllimport)) int bench_a(void);
__attribute__((dllimport)) int bench_b(void);
__attribute__((dllimport)) int bench_c(void);

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    return bench_a() + bench_b() + bench_c() == 6 ? 0 : 1;
}
