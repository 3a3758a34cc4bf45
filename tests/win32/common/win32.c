/* tests/win32/common/win32.c: the PE test programs' helpers (tests/win32/common/win32.h). */
#include "tests/win32/common/win32.h"

NTSTATUS load_dll(const char *search, const char *name, void **base)
{
    WCHAR path[260], chars[260];
    UNICODE_STRING u;
    rt_init_unicode(&u, chars, ARRAY_SIZE(chars), name);
    if (search) {
        UNICODE_STRING p;
        rt_init_unicode(&p, path, ARRAY_SIZE(path) - 1, search);
        path[p.Length / 2] = 0;
    }
    return LdrLoadDll(search ? path : NULL, NULL, &u, base);
}

void *dll_handle(const char *name)
{
    WCHAR chars[260];
    UNICODE_STRING u;
    void *base = NULL;
    rt_init_unicode(&u, chars, ARRAY_SIZE(chars), name);
    return NT_SUCCESS(LdrGetDllHandle(NULL, NULL, &u, &base)) ? base : NULL;
}

void *proc_address(void *base, const char *name)
{
    ANSI_STRING a;
    void *address = NULL;
    RtlInitAnsiString(&a, name);
    return NT_SUCCESS(LdrGetProcedureAddress(base, &a, 0, &address)) ? address : NULL;
}

LDR_DATA_TABLE_ENTRY *module_entry(const void *base)
{
    PEB_LDR_DATA *ldr = rt_peb->Ldr;
    for (LIST_ENTRY *l = ldr->InLoadOrderModuleList.Flink; l != &ldr->InLoadOrderModuleList;
         l = l->Flink) {
        LDR_DATA_TABLE_ENTRY *e = (LDR_DATA_TABLE_ENTRY *)l;
        if (e->DllBase == base)
            return e;
    }
    return NULL;
}

bool unicode_equals(const UNICODE_STRING *u, const char *ascii)
{
    size_t n = strlen(ascii);
    if (u->Length / 2u != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        WCHAR a = u->Buffer[i], b = (uint8_t)ascii[i];
        if ((a >= 'a' && a <= 'z' ? a - 32 : a) != (b >= 'a' && b <= 'z' ? b - 32 : b))
            return false;
    }
    return true;
}

static uint32_t count_image_views(void)
{
    MEMORY_BASIC_INFORMATION mbi;
    uint32_t views = 0;
    const uint8_t *at = (const uint8_t *)0x10000;
    void *last = NULL;
    while (NT_SUCCESS(NtQueryVirtualMemory(NtCurrentProcess(), at, MemoryBasicInformation, &mbi,
                                           sizeof mbi, NULL))) {
        if (mbi.Type == MEM_IMAGE && mbi.AllocationBase != last)
            views++, last = mbi.AllocationBase;
        if ((uintptr_t)at + mbi.RegionSize < (uintptr_t)at)
            break;
        at += mbi.RegionSize;
    }
    return views;
}

static HANDLE next_handle(void)
{
    HANDLE h = NULL;
    if (NT_SUCCESS(NtCreateEvent(&h, EVENT_ALL_ACCESS, NULL, NotificationEvent, 0)))
        NtClose(h);
    return h;
}

/* Pagoda's loader-heap counter: an ntdll export of Pagoda's own, not in the stock -lntdll. */
static uint32_t heap_blocks(void)
{
    uint32_t(NTAPI * blocks)(void) =
        proc_address(dll_handle("ntdll.dll"), "PagodaLdrHeapBlocksInUse");
    return blocks ? blocks() : 0xFFFFFFFFu;
}

void leak_snapshot(struct leak_state *s)
{
    s->image_views = count_image_views();
    s->heap_blocks = heap_blocks();
    s->next_handle = next_handle();
}

bool leak_check(const struct leak_state *before, const char *what)
{
    struct leak_state now;
    leak_snapshot(&now);
    bool same = now.image_views == before->image_views && now.heap_blocks == before->heap_blocks &&
                now.next_handle == before->next_handle;
    if (!same)
        FAIL("%s left %u image views (before %u), %u loader heap blocks (before %u), next handle "
             "%p (before %p)",
             what, now.image_views, before->image_views, now.heap_blocks, before->heap_blocks,
             now.next_handle, before->next_handle);
    return same;
}
