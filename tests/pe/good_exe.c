/* tests/pe/good_exe.c: the good executable of the PE tests: imports good_dll.dll by name (add) and
 * by ordinal (hidden, NONAME in good_dll.def), and KERNEL32.dll through mingw's runtime. Linked a
 * second time against a delay-load library as good_delay.exe. */
__declspec(dllimport) int add(int a, int b);
__declspec(dllimport) int hidden(int a);

int main(void) { return add(1, 2) + hidden(3); }
