/* user/ntdll/ldrapi.c: the loader's exports (LdrLoadDll, LdrGetProcedureAddress, LdrUnloadDll ...):
 * each takes the loader lock around its ldr_* call (ldr/loader.h). The delay-load helper ends the
 * process on a failure no hook repairs, as Visual C++'s helper's exception would. */
#include "user/ntdll/ntdllp.h"

#define DELAY_MODULE_NOT_FOUND                                                                     \
    ((NTSTATUS)0xC06D007E) /* VcppException(ERROR_SEVERITY_ERROR, ERROR_MOD_NOT_FOUND) */
#define DELAY_PROCEDURE_NOT_FOUND ((NTSTATUS)0xC06D007F) /* ... ERROR_PROC_NOT_FOUND */

static uint32_t search_chars(const WCHAR *path)
{
    uint32_t n = 0;
    while (path && path[n])
        n++;
    return n;
}

NTSTATUS NTAPI LdrLoadDll(const WCHAR *dll_path, uint32_t *characteristics,
                          const UNICODE_STRING *dll_name, void **dll_handle)
{
    (void)characteristics;
    if (!dll_name || !dll_handle)
        return STATUS_INVALID_PARAMETER;
    RtlEnterCriticalSection(&ntdll_loader_lock);
    NTSTATUS status = ldr_load_dll(dll_path, search_chars(dll_path), dll_name->Buffer,
                                   dll_name->Length / 2u, dll_handle);
    RtlLeaveCriticalSection(&ntdll_loader_lock);
    return status;
}

NTSTATUS NTAPI LdrGetDllHandle(const WCHAR *dll_path, uint32_t *characteristics,
                               const UNICODE_STRING *dll_name, void **dll_handle)
{
    (void)dll_path, (void)characteristics;
    if (!dll_name || !dll_handle)
        return STATUS_INVALID_PARAMETER;
    RtlEnterCriticalSection(&ntdll_loader_lock);
    NTSTATUS status = ldr_get_dll_handle(dll_name->Buffer, dll_name->Length / 2u, dll_handle);
    RtlLeaveCriticalSection(&ntdll_loader_lock);
    return status;
}

NTSTATUS NTAPI LdrGetProcedureAddress(void *dll_handle, const ANSI_STRING *name, uint32_t ordinal,
                                      void **address)
{
    if (!address)
        return STATUS_INVALID_PARAMETER;
    RtlEnterCriticalSection(&ntdll_loader_lock);
    NTSTATUS status = ldr_get_procedure_address(dll_handle, name ? name->Buffer : NULL,
                                                name ? name->Length : 0, ordinal, address);
    RtlLeaveCriticalSection(&ntdll_loader_lock);
    return status;
}

NTSTATUS NTAPI LdrUnloadDll(void *dll_handle)
{
    RtlEnterCriticalSection(&ntdll_loader_lock);
    NTSTATUS status = ldr_unload_dll(dll_handle);
    RtlLeaveCriticalSection(&ntdll_loader_lock);
    return status;
}

NTSTATUS NTAPI LdrDisableThreadCalloutsForDll(void *dll_handle)
{
    RtlEnterCriticalSection(&ntdll_loader_lock);
    NTSTATUS status = ldr_disable_thread_calls(dll_handle);
    RtlLeaveCriticalSection(&ntdll_loader_lock);
    return status;
}

/* DELAYLOAD_INFO (winnt.h), what a failure hook is told. */
struct delayload_info {
    uint32_t size;
    const void *descriptor;
    void **thunk;
    const char *target_dll;
    struct {
        uint32_t by_name;
        const char *name_or_ordinal;
    } target_api;
    void *target_module;
    void *unused;
    uint32_t last_error;
};

typedef void *(NTAPI *delay_hook)(uint32_t reason, struct delayload_info *info);

void *NTAPI LdrResolveDelayLoadedAPI(void *parent, const void *descriptor, void *dll_hook,
                                     void *system_hook, void **thunk, uint32_t flags)
{
    (void)system_hook, (void)flags;
    void *address = NULL;
    RtlEnterCriticalSection(&ntdll_loader_lock);
    NTSTATUS status = ldr_resolve_delay_import(parent, descriptor, thunk, &address);
    RtlLeaveCriticalSection(&ntdll_loader_lock);
    if (NT_SUCCESS(status))
        return address;
    bool module = status != STATUS_ENTRYPOINT_NOT_FOUND && status != STATUS_ORDINAL_NOT_FOUND;
    if (dll_hook) {
        struct delayload_info info = {sizeof info, descriptor, thunk, NULL,
                                      {0, NULL},   NULL,       NULL,  (uint32_t)status};
        address = ((delay_hook)dll_hook)(module ? 3u : 4u, &info); /* dliFailLoadLib, GetProc */
        if (address)
            return address;
    }
    ntdll_report_failure();
    NtTerminateProcess(NtCurrentProcess(),
                       module ? DELAY_MODULE_NOT_FOUND : DELAY_PROCEDURE_NOT_FOUND);
    return NULL;
}

/* Pagoda's test hook (not an NT export): the loader heap's blocks in use, for leak checks. */
uint32_t NTAPI PagodaLdrHeapBlocksInUse(void)
{
    RtlEnterCriticalSection(&ntdll_loader_lock);
    uint32_t blocks = ntdll_heap_blocks_in_use();
    RtlLeaveCriticalSection(&ntdll_loader_lock);
    return blocks;
}
