/* tests/win32/hello.c: the smallest PE program: says hello through NtDisplayString and returns 42,
 * which becomes its process's exit status (kernel/ps/create.c, ntdll's RtlUserThreadStart). With
 * an argument "fault" it touches page 0 instead, to end with STATUS_ACCESS_VIOLATION. */
#include "pagoda/nt.h"

static void print(const char *text)
{
    WCHAR chars[128];
    uint16_t n = 0;
    while (text[n] && n < 128)
        chars[n] = (uint8_t)text[n], n++;
    UNICODE_STRING s = {(uint16_t)(n * 2), (uint16_t)(n * 2), chars};
    NtDisplayString(&s);
}

int __attribute__((stdcall)) entry(PAGODA_PEB *peb)
{
    print("hello from a PE program\n");
    const UNICODE_STRING *cmd = &((PAGODA_PROCESS_PARAMETERS *)peb->ProcessParameters)->CommandLine;
    const WCHAR *w = cmd->Buffer;
    for (uint16_t i = 0; i + 5 <= cmd->Length / 2; i++)
        if (w[i] == 'f' && w[i + 1] == 'a' && w[i + 2] == 'u' && w[i + 3] == 'l' && w[i + 4] == 't')
            *(volatile int *)0 = 1;
    return 42;
}
