/* ldr/loader.h: the user-mode image loader ntdll runs (NT's Ldr*): finds DLLs along the search
 * path, maps and relocates them, binds imports (hint, name, ordinal, forwarders), sets up TLS, runs
 * TLS callbacks and DllMain in dependency order and keeps NT's module lists in the PEB. Pure logic
 * over ldr/pe.h: the system calls, memory and console come from the ldr_sys_* functions below,
 * which its host (user/ntdll/sys.c) provides. docs/loader.md has the design.
 *
 *   module graph: an edge A -> B when A imports from B or a forwarder bound for A went to B.
 *   roots: the exe, ntdll and the static DLLs (pinned), and every DLL with LdrLoadDll references
 *   (refs). A module no root reaches is unloaded (PROCESS_DETACH in reverse initialization order,
 *   then unmapped), so import cycles unload too.
 *
 * Every ldr_* function below expects the caller to hold the loader lock (PEB.LoaderLock); DllMain
 * and TLS callbacks run with it held, and may call back into the loader (it is recursive). */
#ifndef PAGODA_LDR_LOADER_H
#define PAGODA_LDR_LOADER_H

#include "kernel/ndk/ntapi.h"
#include "kernel/ndk/ntstatus.h"
#include "kernel/ndk/types.h"

/* LDR_DATA_TABLE_ENTRY.Flags: NT's LDRP_* values. */
#define LDRP_STATIC_LINK           0x00000002u /* loaded with the process, never unloaded */
#define LDRP_IMAGE_DLL             0x00000004u
#define LDRP_LOAD_IN_PROGRESS      0x00001000u /* mapped, imports not bound yet */
#define LDRP_ENTRY_PROCESSED       0x00004000u /* its initialization ran (or is running) */
#define LDRP_DONT_CALL_FOR_THREADS 0x00040000u /* LdrDisableThreadCalloutsForDll */
#define LDRP_PROCESS_ATTACH_CALLED 0x00080000u /* DllMain(PROCESS_ATTACH) returned TRUE */
#define LDRP_IMAGE_NOT_AT_BASE     0x00200000u /* relocated */

#define LDR_LOAD_COUNT_PINNED 0xFFFFu /* LoadCount of a module that never unloads */

/* DllMain's and TLS callbacks' reasons (winnt.h). */
#define DLL_PROCESS_DETACH 0u
#define DLL_PROCESS_ATTACH 1u
#define DLL_THREAD_ATTACH  2u
#define DLL_THREAD_DETACH  3u

#define LDR_MAX_PATH  260u /* characters of a DLL name or path the loader takes */
#define LDR_TLS_SLOTS 64u /* modules with TLS in one process: the slots of every thread's vector */

/* What the last failed load or lookup was about, for the console message (ldr_format_failure). */
struct ldr_failure {
    NTSTATUS status;
    char dll[64]; /* the DLL that is missing, malformed, without the export, or failed to start */
    char importer[64]; /* the module that named it, or "" */
    char detail[96]; /* the export ("Name" or "#7"), or why the image is malformed */
};

/* ---- the loader's entry points (user/ntdll calls them with the loader lock held) ---- */

/* The first thread's work: the module records of ntdll (at ntdll_base) and of the exe (at the
 * PEB's ImageBaseAddress, named by ProcessParameters->ImagePathName), the exe's imports loaded and
 * bound, static TLS, then TLS callbacks and DllMain(PROCESS_ATTACH) of every DLL in dependency
 * order (reserved is their third argument) and the exe's TLS callbacks. What the exe's imports
 * reach is pinned. Returns STATUS_SUCCESS or the failure's status (ldr_last_failure says what
 * failed); the process must then end. */
NTSTATUS ldr_initialize_process(PAGODA_PEB *peb, void *ntdll_base, void *reserved);

/* A new thread's work: its TLS blocks, then TLS callbacks and DllMain(THREAD_ATTACH) of every
 * initialized DLL in initialization order (but those that asked not to), then the exe's. */
NTSTATUS ldr_initialize_thread(void);

/* LdrShutdownThread: DllMain(THREAD_DETACH) and TLS callbacks in reverse order, then the thread's
 * TLS blocks are freed. */
void ldr_shutdown_thread(void);

/* LdrShutdownProcess: TLS callbacks and DllMain(PROCESS_DETACH, non-NULL) of every initialized
 * DLL in reverse initialization order, then the exe's TLS callbacks. Once. */
void ldr_shutdown_process(void);

/* LdrLoadDll: the DLL `name` (chars characters: a file name, ".dll" added when it has no
 * extension, or a path), found along search (a ';'-separated list of directories, NULL for the
 * default order: the exe's directory, System32, the Windows directory, the current directory,
 * PATH) and its imports, initialized. A DLL already loaded is found by name and gains a
 * reference. STATUS_DLL_NOT_FOUND, STATUS_INVALID_IMAGE_FORMAT, STATUS_ENTRYPOINT_NOT_FOUND,
 * STATUS_ORDINAL_NOT_FOUND, STATUS_DLL_INIT_FAILED, STATUS_CONFLICTING_ADDRESSES,
 * STATUS_NAME_TOO_LONG, STATUS_NO_MEMORY; on failure nothing it loaded stays. */
NTSTATUS ldr_load_dll(const WCHAR *search, uint32_t search_chars, const WCHAR *name, uint32_t chars,
                      void **base);

/* LdrGetDllHandle: the base of a loaded DLL by name (as ldr_load_dll finds one), or
 * STATUS_DLL_NOT_FOUND. Takes no reference. */
NTSTATUS ldr_get_dll_handle(const WCHAR *name, uint32_t chars, void **base);

/* LdrGetProcedureAddress: an export of the module at base by name (name_length bytes, no NUL
 * needed) or, when name is NULL, by ordinal; forwarders are followed (loading their DLLs).
 * STATUS_DLL_NOT_FOUND (no module there), STATUS_ENTRYPOINT_NOT_FOUND, STATUS_ORDINAL_NOT_FOUND,
 * STATUS_INVALID_IMAGE_FORMAT (a malformed export directory, a forwarder cycle). */
NTSTATUS ldr_get_procedure_address(void *base, const char *name, uint32_t name_length,
                                   uint32_t ordinal, void **address);

/* LdrUnloadDll: drops one LdrLoadDll reference; a module nothing needs any more is detached and
 * unmapped. A pinned module, or one without references, is left as it is (STATUS_SUCCESS).
 * STATUS_DLL_NOT_FOUND when no module is at base. */
NTSTATUS ldr_unload_dll(void *base);

/* LdrDisableThreadCalloutsForDll: no THREAD_ATTACH/DETACH for the module any more (refused,
 * STATUS_DLL_NOT_FOUND, for a module with TLS, as NT refuses it). */
NTSTATUS ldr_disable_thread_calls(void *base);

/* LdrResolveDelayLoadedAPI: binds the delay-load IAT slot `slot` of the module at parent_base,
 * described by its delay-import descriptor at `descriptor`: loads the DLL (once; its handle goes to
 * the descriptor's module slot), finds the export, writes the slot and returns the address.
 * STATUS_INVALID_PARAMETER when the descriptor or slot is not the module's, else as ldr_load_dll
 * and ldr_get_procedure_address. */
NTSTATUS ldr_resolve_delay_import(void *parent_base, const void *descriptor, void **slot,
                                  void **address);

const struct ldr_failure *ldr_last_failure(void);

/* "ntdll: DLL: reason detail (imported by X)\n" for the last failure, into buf. */
void ldr_format_failure(const struct ldr_failure *f, char *buf, size_t size);

/* ---- what the host provides (user/ntdll/sys.c) ---- */

/* Zero-filled memory, NULL when there is none; freed with ldr_sys_free (NULL allowed). */
void *ldr_sys_alloc(size_t size);
void ldr_sys_free(void *block);

/* Where the default search looks besides the exe's directory (UTF-16, not NUL-terminated, 0
 * characters when unset): the Windows directory, the current directory, the PATH variable. */
struct ldr_sys_search {
    const WCHAR *windows;
    uint32_t windows_chars;
    const WCHAR *current;
    uint32_t current_chars;
    const WCHAR *path;
    uint32_t path_chars;
};
void ldr_sys_search_inputs(struct ldr_sys_search *inputs);

/* Opens the image at a Win32 path (C:\dir\name.dll): STATUS_SUCCESS with *file, or the open's
 * status (STATUS_OBJECT_NAME_NOT_FOUND and STATUS_OBJECT_PATH_NOT_FOUND: no such file). */
NTSTATUS ldr_sys_open_image(const WCHAR *path, uint32_t chars, void **file);
void ldr_sys_close_image(void *file);

/* Maps an opened image (an image section and a view of it in this process): STATUS_SUCCESS or
 * STATUS_IMAGE_NOT_AT_BASE with *base and *size, STATUS_INVALID_IMAGE_FORMAT,
 * STATUS_CONFLICTING_ADDRESSES (no relocations and its base is taken), ... */
NTSTATUS ldr_sys_map_image(void *file, void **base, uint32_t *size);
void ldr_sys_unmap_image(void *base);

/* NtProtectVirtualMemory on [address, address + size) of this process. */
NTSTATUS ldr_sys_protect(void *address, uint32_t size, uint32_t protect);

/* Calls a DllMain or a TLS callback, routine(base, reason, reserved), surviving one that pops the
 * wrong number of arguments. Returns what it returned (a TLS callback's value means nothing). */
int ldr_sys_call_entry(void *routine, void *base, uint32_t reason, void *reserved);

PAGODA_TEB *ldr_sys_current_teb(void);

/* Whether the calling thread holds the loader lock (the loader's entry points check it). */
bool ldr_sys_lock_held(void);

#endif
