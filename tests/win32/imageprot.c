/* tests/win32/imageprot.c: NtProtectVirtualMemory on an image page nothing has touched yet. An
 * image view is mapped PAGE_EXECUTE_WRITECOPY and its untouched pages take their section's
 * protection; asking for PAGE_EXECUTE_WRITECOPY was mistaken for "the view's own" and dropped, so
 * the page stayed read-only and the loader's fixups faulted (regression test for mm/view.c's
 * untouched PTE). The page is the exe's .reloc, which nothing reads in an exe at its base. */
#include "tests/win32/common/win32.h"

/* The exe's section named name: its address, or NULL. */
static uint8_t *section(const char *name)
{
    const uint8_t *base = rt_peb->ImageBaseAddress;
    const uint8_t *nt = base + *(const uint32_t *)(base + 0x3C);
    uint16_t count = *(const uint16_t *)(nt + 6), optional = *(const uint16_t *)(nt + 20);
    const uint8_t *table = nt + 24 + optional;
    for (uint16_t i = 0; i < count; i++)
        if (!strncmp((const char *)table + 40 * i, name, 8))
            return (uint8_t *)base + *(const uint32_t *)(table + 40 * i + 12);
    return NULL;
}

static uint32_t protection_of(const void *address)
{
    MEMORY_BASIC_INFORMATION mbi;
    NTSTATUS status = NtQueryVirtualMemory(NtCurrentProcess(), address, MemoryBasicInformation,
                                           &mbi, sizeof mbi, NULL);
    return NT_SUCCESS(status) ? mbi.Protect : 0;
}

static void execute_writecopy(void)
{
    uint8_t *page = section(".reloc");
    if (!CHECK(page))
        return;
    CHECK_EQ(protection_of(page), PAGE_READONLY);
    void *base = page;
    size_t size = 1;
    uint32_t old = 0;
    CHECK_STATUS(
        NtProtectVirtualMemory(NtCurrentProcess(), &base, &size, PAGE_EXECUTE_WRITECOPY, &old),
        STATUS_SUCCESS);
    CHECK_EQ(old, PAGE_READONLY);
    CHECK_EQ(protection_of(page), PAGE_EXECUTE_WRITECOPY);
    page[0] ^= 0xFF; /* a private copy, not an access violation */
    CHECK_EQ(protection_of(page), PAGE_EXECUTE_READWRITE);
}

static const struct rt_subtest tests[] = {
    {"execute_writecopy", execute_writecopy},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
