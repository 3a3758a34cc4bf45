/* tests/win32/common/log.h: log.dll's exports (tests/win32/dll/log.c): a text log that the test
 * DLLs' DllMain and TLS callbacks write to and the test programs read. log.dll is a static import
 * of the programs that use it, so it outlives the DLLs they load and unload. */
#ifndef PAGODA_TESTS_WIN32_LOG_H
#define PAGODA_TESTS_WIN32_LOG_H

#include <stdint.h>

#ifdef PAGODA_LOG_DLL
#define LOG_API __attribute__((dllexport))
#else
#define LOG_API __attribute__((dllimport))
#endif

/* Appends "event " to the log. */
LOG_API void log_event(const char *event);
/* Appends "NAME:R " for a DllMain or TLS callback call: R is A (PROCESS_ATTACH), D (DETACH), t
 * (THREAD_ATTACH) or T (THREAD_DETACH), followed for the process reasons by s when reserved is not
 * NULL (a static load, or the process ending) and d when it is (LdrLoadDll, LdrUnloadDll). */
LOG_API void log_call(const char *name, uint32_t reason, const void *reserved);
/* The log so far, NUL-terminated. */
LOG_API const char *log_text(void);
LOG_API void log_clear(void);

#endif
