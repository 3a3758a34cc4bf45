/* tests/user/fuzz/layout.c: where the fuzzer's own memory is. A random word must never name it,
 * since the kernel might write there: whatever was mapped when the run began (the exe and ntdll
 * images, the PEB, the TEBs, the process parameters, the loader's data, the main stack) and the
 * stack of each worker thread started since. The workers' scratch is a region of its own, made
 * after the map is taken, with a reserved page after it, so that a length that overruns it faults
 * instead of overwriting anything. */
#include "tests/user/fuzz/fuzz.h"

#define MAX_HAZARDS 64

struct range {
    uint32_t start, end;
};
static struct range hazards[MAX_HAZARDS];
static volatile uint32_t hazard_count;
uint32_t fz_image_start, fz_image_end;

bool fz_is_hazard(uint32_t v)
{
    uint32_t n = __atomic_load_n(&hazard_count, __ATOMIC_ACQUIRE);
    for (uint32_t i = 0; i < n; i++)
        if (v >= hazards[i].start && v < hazards[i].end)
            return true;
    return false;
}

/* Appends [start, end): readers see an entry only once it is written (hazard_count is stored
 * after it, with release order); the one writer is the supervising thread. */
static void add_hazard(uint32_t start, uint32_t end)
{
    uint32_t n = hazard_count;
    for (uint32_t i = 0; i < n; i++)
        if (start >= hazards[i].start && end <= hazards[i].end)
            return; /* a new thread's stack where an ended one's was */
    if (n > 0 && hazards[n - 1].end == start) {
        hazards[n - 1].end = end;
        return;
    }
    if (n == MAX_HAZARDS) {
        static bool said;
        if (!said)
            rt_print("  fuzz: more than %u ranges of own memory; later stacks unguarded\n",
                     MAX_HAZARDS);
        said = true;
        return;
    }
    hazards[n] = (struct range){start, end};
    __atomic_store_n(&hazard_count, n + 1, __ATOMIC_RELEASE);
}

/* Every region that is not free, and the exe's extent (its allocation base is the image base). */
static void map_address_space(void)
{
    uint32_t image = (uint32_t)(uintptr_t)rt_peb->ImageBaseAddress;
    MEMORY_BASIC_INFORMATION m;
    for (uint32_t a = 0x10000;; a = (uint32_t)(uintptr_t)m.BaseAddress + m.RegionSize) {
        if (!NT_SUCCESS(NtQueryVirtualMemory(NtCurrentProcess(), (void *)(uintptr_t)a,
                                             MemoryBasicInformation, &m, sizeof m, NULL)))
            break;
        uint32_t start = (uint32_t)(uintptr_t)m.BaseAddress, end = start + m.RegionSize;
        if (m.State != MEM_FREE)
            add_hazard(start, end);
        if ((uint32_t)(uintptr_t)m.AllocationBase == image && m.State != MEM_FREE) {
            fz_image_start = image;
            fz_image_end = end;
        }
        if (end < start || end == 0)
            break;
    }
}

uint8_t *fz_layout_init(uint32_t scratch_bytes)
{
    map_address_space();
    void *base = NULL;
    uint32_t size = scratch_bytes + PAGE_SIZE;
    NTSTATUS s =
        NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_RESERVE, PAGE_READWRITE);
    if (NT_SUCCESS(s)) {
        size = scratch_bytes;
        s = NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_COMMIT,
                                    PAGE_READWRITE);
    }
    if (!NT_SUCCESS(s)) {
        fz_report("no scratch area of %u bytes (0x%X)", scratch_bytes, (uint32_t)s);
        return NULL;
    }
    return base;
}

void fz_layout_add_thread(HANDLE thread)
{
    THREAD_BASIC_INFORMATION tbi;
    if (!NT_SUCCESS(
            NtQueryInformationThread(thread, ThreadBasicInformation, &tbi, sizeof tbi, NULL)))
        return;
    const PAGODA_TEB *teb = tbi.TebBaseAddress;
    uint32_t teb_address = (uint32_t)(uintptr_t)teb;
    add_hazard(teb_address, teb_address + PAGE_SIZE);
    add_hazard((uint32_t)(uintptr_t)teb->DeallocationStack,
               (uint32_t)(uintptr_t)teb->NtTib.StackBase);
}
