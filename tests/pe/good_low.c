/* tests/pe/good_low.c: a low-alignment DLL (SectionAlignment = FileAlignment = 512), linked without
 * the C runtime so that it has no .bss: GNU ld gives a .bss no file space, which would put later
 * sections at file offsets that differ from their RVAs (see docs/pe.md). */
int low_value = 7;
int *low_pointer = &low_value;

__declspec(dllexport) int low_get(void) { return *low_pointer; }

int __stdcall DllMain(void *instance, unsigned reason, void *reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return 1;
}
