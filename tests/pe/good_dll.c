/* tests/pe/good_dll.c: the good DLL of the PE tests (tests/host/test_pe.c), linked by mingw-w64
 * with good_dll.def: exports by name and by ordinal only, two forwarders, relocated code and data,
 * a TLS callback (in .CRT$XLB, where mingw's TLS support collects them) and a SHARED section. */
#include <windows.h>

int shared_counter __attribute__((section(".shared"), shared)) = 1;
int table_value = 42;
int *table_pointer = &table_value; /* an absolute address: relocated */

__declspec(noinline) int add(int a, int b) { return a + b + *table_pointer + shared_counter; }

int hidden(int a) { return a * 3; }

void NTAPI good_dll_tls_callback(PVOID module, DWORD reason, PVOID reserved)
{
    (void)module;
    (void)reserved;
    table_value += (int)reason;
}

__attribute__((section(".CRT$XLB"), used)) PIMAGE_TLS_CALLBACK good_dll_tls_entry =
    good_dll_tls_callback;

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
