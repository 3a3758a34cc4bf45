/* tests/win32/dll/log.c: log.dll, the event log of the loader tests (tests/win32/common/log.h): the
 * DLLs' DllMain and TLS callbacks write what they were called for, the programs read it. */
#define PAGODA_LOG_DLL
#include "tests/win32/common/log.h"
#include "pagoda/ntdll.h"

static char text[4096];
static uint32_t length;

void log_event(const char *event)
{
    for (const char *c = event; *c && length + 2 < sizeof text; c++)
        text[length++] = *c;
    if (length + 2 < sizeof text)
        text[length++] = ' ';
    text[length] = 0;
}

void log_call(const char *name, uint32_t reason, const void *reserved)
{
    static const char letters[] = "DAtT";
    char event[64];
    uint32_t n = 0;
    for (; name[n] && n < sizeof event - 4; n++)
        event[n] = name[n];
    event[n++] = ':';
    event[n++] = reason < 4 ? letters[reason] : '?';
    if (reason == DLL_PROCESS_ATTACH || reason == DLL_PROCESS_DETACH)
        event[n++] = reserved ? 's' : 'd';
    event[n] = 0;
    log_event(event);
}

const char *log_text(void) { return text; }

void log_clear(void)
{
    length = 0;
    text[0] = 0;
}

int NTAPI DllMain(void *module, uint32_t reason, void *reserved)
{
    (void)module, (void)reason, (void)reserved;
    return 1;
}
