/* tests/kernel/mm_virtual.c: the VM manager's step 1 from the kernel side: the user program
 * tests/user/virtual.c and its child modes (guard pages, stack overflow, bad accesses end only the
 * process, with the right status and fault counters), another process's address space through
 * handles with limited access, and what user mode cannot see: frames used by a sparse 512 MiB
 * reservation, 10,000 VADs, the commit limit, running out of frames, the split with and without
 * large-address awareness, and 1,000 allocate/free cycles that leak nothing. */
#include "kernel/rtl/format.h"
#include "kernel/ke/ke.h"
#include "kernel/ke/ktest.h"
#include "kernel/ndk/ntmm.h"
#include "kernel/ob/ob.h"
#include "kernel/rtl/string.h"
#include "kernel/ps/thread.h"
#include "mm/mm.h"
#include "tests/kernel/program.h"

#define PROGRAM_TIMEOUT (-300000000ll) /* 30 s */
#define MIB             (1024u * 1024u)

/* ---- running the user program ---- */

/* Waits for p (at most 30 s, then ends it) and gives its exit status and fault counters. */
static const char *finish(struct ps_process *p, const char *cmdline, NTSTATUS *exit_status,
                          struct mm_fault_counters *faults)
{
    int64_t timeout = PROGRAM_TIMEOUT;
    const char *error = NULL;
    if (ke_wait_for_object(p, &timeout) == STATUS_TIMEOUT) {
        ps_terminate_process(p, STATUS_TIMEOUT);
        ke_wait_for_object(p, NULL);
        error = ktest_failf("'%s' did not end within 30 s", cmdline);
    }
    *exit_status = p->exit_status;
    if (faults)
        *faults = p->address_space.faults;
    ob_dereference_object(p);
    return error;
}

/* Runs program (tests/user/virtual.c, or the same linked large-address-aware) with cmdline. */
static const char *run_program(const char *program, const char *cmdline, NTSTATUS expected,
                               struct mm_fault_counters *faults)
{
    struct ps_process *p;
    NTSTATUS status = kt_start_program(program, cmdline, &p);
    if (!NT_SUCCESS(status))
        return ktest_failf("starting '%s' failed with %08x", cmdline, (uint32_t)status);
    NTSTATUS exit_status;
    KT_RUN(finish(p, cmdline, &exit_status, faults));
    if (exit_status != expected)
        return ktest_failf("'%s' exited with %08x (%d failed checks?), expected %08x", cmdline,
                           (uint32_t)exit_status, (int)exit_status, (uint32_t)expected);
    return NULL;
}

static const char *run(const char *cmdline, NTSTATUS expected, struct mm_fault_counters *faults)
{
    return run_program("virtual", cmdline, expected, faults);
}

KTEST(user, virtual) { return run("virtual", 0, NULL); }

/* Each forbidden access ends only its process, with NT's status, counted by kind. */
KTEST(mm, bad_access_ends_only_the_process)
{
    static const char *const access_violations[] = {
        "read_reserved", "read_noaccess",  "read_decommitted",
        "read_released", "write_readonly", "write_execute_read",
    };
    struct mm_fault_counters f;
    char cmdline[64];
    for (unsigned i = 0; i < ARRAY_SIZE(access_violations); i++) {
        rtl_snprintf(cmdline, sizeof cmdline, "virtual %s", access_violations[i]);
        KT_RUN(run(cmdline, STATUS_ACCESS_VIOLATION, &f));
        KT_EQ(f.access_violations, 1);
        KT_EQ(f.guard, 0);
    }
    KT_RUN(run("virtual guard_touch", STATUS_GUARD_PAGE_VIOLATION, &f));
    KT_EQ(f.guard, 1);
    KT_EQ(f.access_violations, 0);
    return NULL;
}

/* Thread stacks grow down through their guard page, one page a fault, until the reservation's last
 * page: then STATUS_STACK_OVERFLOW ends the process. The programs' headers ask for the kernel's
 * default stack, 1 MiB reserved and 16 KiB committed (user/pe.mk). */
KTEST(mm, stacks_grow_then_overflow)
{
    struct mm_fault_counters f;
    KT_RUN(run("virtual stack_growth", 0, &f));
    KT_TRUE(f.stack_growth >= 128); /* 600 KiB of frames from a 16 KiB commit */
    KT_EQ(f.guard, f.stack_growth);
    KT_EQ(f.access_violations, 0);
    KT_RUN(run("virtual stack_overflow", STATUS_STACK_OVERFLOW, &f));
    /* 1 MiB: the pages committed at the start, the guard page, and the last page, which is never
     * committed. */
    KT_EQ(f.stack_growth, (PS_STACK_RESERVE - PS_DEFAULT_STACK_COMMIT) / PAGE_SIZE - 2);
    return NULL;
}

/* ---- another process ---- */

/* Inserts a handle to target into p's table with `access`; the program gets its value on its
 * command line, so the value must be the one predicted (a new table hands out 4, 8, 12). */
static const char *give_handle(struct ps_process *p, struct ps_process *target, ACCESS_MASK access,
                               uint32_t expected)
{
    HANDLE h;
    KT_EQ(ob_insert_handle(p, target, access, 0, &h), STATUS_SUCCESS);
    KT_EQ((uint32_t)(uintptr_t)h, expected);
    return NULL;
}

static const char *region_of(struct ps_process *p, vaddr_t va, MEMORY_BASIC_INFORMATION *info)
{
    ps_attach_process(p);
    NTSTATUS status = mm_query_virtual(va, info);
    ps_detach_process();
    KT_EQ(status, STATUS_SUCCESS);
    return NULL;
}

/* The tester gets three handles to the target: query only, VM operations only, both. */
KTEST(mm, virtual_memory_of_another_process)
{
    struct ps_process *target, *tester;
    const char *cmdline = "virtual other 4 8 12";
    KT_EQ(kt_start_program("virtual", "virtual target", &target), STATUS_SUCCESS);
    KT_EQ(kt_start_program("virtual", cmdline, &tester), STATUS_SUCCESS);
    /* Nothing has run yet: this thread does not wait before the handles are in. */
    const char *error = give_handle(tester, target, PROCESS_QUERY_INFORMATION, 4);
    if (!error)
        error = give_handle(tester, target, PROCESS_VM_OPERATION, 8);
    if (!error)
        error = give_handle(tester, target, PROCESS_VM_OPERATION | PROCESS_QUERY_INFORMATION, 12);
    NTSTATUS exit_status = STATUS_PENDING;
    const char *finished = finish(tester, cmdline, &exit_status, NULL);
    MEMORY_BASIC_INFORMATION info;
    memset(&info, 0, sizeof info);
    if (!error && !finished)
        error = region_of(target, 0x20000000, &info);
    ps_terminate_process(target, 0);
    ke_wait_for_object(target, NULL);
    ob_dereference_object(target);
    KT_RUN(error ? error : finished);
    KT_EQ(exit_status, 0);
    KT_EQ(info.State, MEM_COMMIT); /* what the tester allocated there */
    KT_EQ(info.RegionSize, 0x10000);
    KT_EQ(info.Protect, PAGE_READWRITE);
    return NULL;
}

/* ---- a process to work in from the kernel ---- */

struct scratch {
    struct ps_process *process;
    struct mm_address_space *as;
};

/* An empty process (PEB, parameters and shared page only), and this thread attached to it. */
static const char *enter_scratch(struct scratch *s, enum mm_address_limit limit)
{
    KT_EQ(ps_create_process("mmtest", "mmtest", limit, &s->process), STATUS_SUCCESS);
    ps_attach_process(s->process);
    s->as = &s->process->address_space;
    return NULL;
}

static void leave_scratch(struct scratch *s)
{
    ps_detach_process();
    ob_dereference_object(s->process); /* its address space goes with it */
}

static NTSTATUS allocate(vaddr_t *base, uint32_t size, uint32_t type, uint32_t protection)
{
    uint32_t s = size;
    return mm_allocate_virtual(base, &s, 0, type, protection);
}

static NTSTATUS release(vaddr_t base)
{
    uint32_t size = 0;
    return mm_free_virtual(&base, &size, MEM_RELEASE);
}

static NTSTATUS free_range(vaddr_t base, uint32_t size, uint32_t type)
{
    return mm_free_virtual(&base, &size, type);
}

/* Touches a page as a system call's copy does (a kernel-mode fault on a user address). */
static NTSTATUS touch(vaddr_t va, uint32_t value)
{
    return mm_write_user(va, &value, sizeof value);
}

static uint32_t frames_in_use(void)
{
    struct mm_frame_stats s;
    kt_frame_stats(&s);
    return kt_frames_used(&s);
}

/* ---- sparse memory ---- */

/* Reserve 512 MiB and touch 10 scattered pages: 10 frames for the data and one page table for each
 * (they are 51 MiB apart), nothing else; all of it back after the release. The reservation is at
 * 256 MiB, where no page table of the process's own regions (its parameters, low) is shared. */
KTEST(mm, sparse_reservation_uses_only_touched_pages)
{
    struct scratch s;
    KT_RUN(enter_scratch(&s, MM_LIMIT_2GB));
    uint32_t frames = frames_in_use(), commit = s.as->commit, zero = s.as->faults.demand_zero;
    vaddr_t base = 256 * MIB, step = 51 * MIB;
    NTSTATUS status = allocate(&base, 512 * MIB, MEM_RESERVE, PAGE_READWRITE);
    uint32_t reserved = frames_in_use() - frames, committed = 0, touched = 0;
    for (vaddr_t i = 0; NT_SUCCESS(status) && i < 10; i++) {
        vaddr_t va = base + i * step + (i * 7 % 1024) * PAGE_SIZE;
        status = allocate(&va, PAGE_SIZE, MEM_COMMIT, PAGE_READWRITE);
        if (NT_SUCCESS(status))
            committed++;
        if (NT_SUCCESS(status) && NT_SUCCESS(status = touch(va, (uint32_t)i)))
            touched++;
    }
    uint32_t used = frames_in_use() - frames, charged = s.as->commit - commit;
    uint32_t faults = s.as->faults.demand_zero - zero;
    NTSTATUS released = NT_SUCCESS(status) ? release(base) : STATUS_UNSUCCESSFUL;
    uint32_t after = frames_in_use() - frames, commit_after = s.as->commit;
    leave_scratch(&s);
    KT_EQ(status, STATUS_SUCCESS);
    KT_EQ(reserved, 0);
    KT_EQ(touched, 10);
    KT_EQ(used, 10 + 10);
    KT_EQ(charged, 10);
    KT_EQ(faults, 10);
    KT_EQ(released, STATUS_SUCCESS);
    KT_EQ(after, 0);
    KT_EQ(commit_after, commit);
    return NULL;
}

/* ---- many VADs ---- */

/* The median of n cycle counts (insertion sort: n is small). */
static uint64_t median(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

#define SAMPLES      31
#define SAMPLE_PAGES 8

/* One sample in the current address space: the cycles of an allocate+free of 64 KiB and of one
 * demand-zero fault. */
static const char *time_operations(uint64_t *alloc, uint64_t *fault)
{
    vaddr_t base = 0;
    uint64_t t0 = ke_read_cycles();
    KT_EQ(allocate(&base, 0x10000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    uint64_t t1 = ke_read_cycles();
    for (unsigned k = 0; k < SAMPLE_PAGES; k++)
        KT_EQ(touch(base + k * PAGE_SIZE, k), STATUS_SUCCESS);
    uint64_t t2 = ke_read_cycles();
    KT_EQ(release(base), STATUS_SUCCESS);
    *alloc = t1 - t0 + ke_read_cycles() - t2;
    *fault = (t2 - t1) / SAMPLE_PAGES;
    return NULL;
}

/* n one-page reservations (64 KiB apart: each its own VAD), alternately read-only and no-access
 * (reserved only: 10,000 committed pages would not fit the commit limit of a 16 MiB machine). */
static const char *add_vads(unsigned n, vaddr_t *first)
{
    for (unsigned i = 0; i < n; i++) {
        vaddr_t base = 0;
        KT_EQ(allocate(&base, PAGE_SIZE, MEM_RESERVE, i % 2 ? PAGE_READONLY : PAGE_NOACCESS),
              STATUS_SUCCESS);
        if (i == 0)
            *first = base;
    }
    return NULL;
}

/* With 10,000 VADs the tree is balanced, and queries, conflicts and faults still work. */
static const char *check_many(struct scratch *s, vaddr_t first)
{
    KT_EQ(s->as->vads.count, 10000 + 3); /* and the PEB, the process parameters, the shared page */
    KT_TRUE(mi_vad_check(&s->as->vads) == NULL);
    MEMORY_BASIC_INFORMATION info;
    KT_EQ(mm_query_virtual(first + 5 * 0x10000 + 0x10, &info), STATUS_SUCCESS);
    KT_EQ((vaddr_t)info.BaseAddress, first + 5 * 0x10000);
    KT_EQ(info.AllocationProtect, PAGE_READONLY);
    KT_EQ(info.State, MEM_RESERVE);
    KT_EQ(info.RegionSize, PAGE_SIZE);
    KT_EQ(mm_query_virtual(first + 5 * 0x10000 + PAGE_SIZE, &info), STATUS_SUCCESS);
    KT_EQ(info.State, MEM_FREE);
    KT_EQ(info.RegionSize, 0x10000 - PAGE_SIZE);
    vaddr_t base = first + 7 * 0x10000;
    KT_EQ(allocate(&base, PAGE_SIZE, MEM_RESERVE, PAGE_READWRITE), STATUS_CONFLICTING_ADDRESSES);
    KT_EQ(touch(first + 0x10000, 1), STATUS_ACCESS_VIOLATION); /* reserved */
    return NULL;
}

/* Samples in a process with 10 VADs and in one with 10,000, in turn (so that both see the same
 * state of the emulator and the host); cycles: the medians of allocate+free and fault, few then
 * many. */
static const char *many_vads(struct scratch *few, struct scratch *many, uint64_t cycles[4])
{
    static uint64_t samples[4][SAMPLES];
    vaddr_t first = 0;
    ps_detach_process();
    ps_attach_process(few->process);
    KT_RUN(add_vads(10, &first));
    ps_detach_process();
    ps_attach_process(many->process);
    KT_RUN(add_vads(10000, &first));
    KT_RUN(check_many(many, first));
    for (unsigned i = 0; i < SAMPLES; i++) {
        ps_detach_process();
        ps_attach_process(few->process);
        KT_RUN(time_operations(&samples[0][i], &samples[1][i]));
        ps_detach_process();
        ps_attach_process(many->process);
        KT_RUN(time_operations(&samples[2][i], &samples[3][i]));
    }
    for (unsigned k = 0; k < 4; k++)
        cycles[k] = median(samples[k], SAMPLES);
    return NULL;
}

KTEST(mm, ten_thousand_vads)
{
    struct scratch few, many;
    uint64_t cycles[4] = {0};
    size_t pool = mm_pool_bytes_in_use();
    KT_RUN(enter_scratch(&few, MM_LIMIT_2GB));
    ps_detach_process();
    KT_RUN(enter_scratch(&many, MM_LIMIT_2GB)); /* leaves this thread attached to many */
    const char *error = many_vads(&few, &many, cycles);
    leave_scratch(&many);
    ob_dereference_object(few.process);
    KT_RUN(error);
    KT_EQ(mm_pool_bytes_in_use(), pool);
    ke_print("mm: with 10 VADs / 10,000 VADs: allocate+free 64 KiB %llu / %llu cycles, fault "
             "%llu / %llu cycles\n",
             cycles[0], cycles[2], cycles[1], cycles[3]);
    if (!ke_cpu_has(CPU_FEATURE_TSC))
        return NULL;
    /* Bounds that an O(n) walk of 10,000 VADs would break, with room for the host's noise: the
     * allocation's tree operations are O(log n) (14 levels against 4), a fault's lookup hits the
     * VAD it found last. make bench measures the fault precisely. */
    KT_TRUE(cycles[2] < 8 * cycles[0]);
    KT_TRUE(cycles[3] < 3 * cycles[1]);
    return NULL;
}

/* ---- commit ---- */

static const char *commit_limit_rules(struct scratch *s, uint32_t total)
{
    vaddr_t a = 0, b = 0, c;
    uint32_t charged = s->as->commit;
    KT_EQ(allocate(&a, 11 * PAGE_SIZE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
          STATUS_COMMITMENT_LIMIT);
    KT_EQ(s->as->commit, charged);
    KT_EQ(allocate(&a, 6 * PAGE_SIZE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    KT_EQ(allocate(&b, 8 * PAGE_SIZE, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    c = b;
    KT_EQ(allocate(&c, 5 * PAGE_SIZE, MEM_COMMIT, PAGE_READWRITE), STATUS_COMMITMENT_LIMIT);
    KT_EQ(allocate(&c, 4 * PAGE_SIZE, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    /* Committed pages are not charged twice; a decommit gives its pages back. */
    KT_EQ(allocate(&c, 4 * PAGE_SIZE, MEM_COMMIT, PAGE_READONLY), STATUS_SUCCESS);
    KT_EQ(s->as->commit, charged + 10);
    struct mm_commit_info info;
    mm_get_commit_info(&info);
    KT_EQ(info.total, total + 10);
    KT_EQ(free_range(a, 2 * PAGE_SIZE, MEM_DECOMMIT), STATUS_SUCCESS);
    c = b + 4 * PAGE_SIZE;
    KT_EQ(allocate(&c, 2 * PAGE_SIZE, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    KT_EQ(allocate(&c, 3 * PAGE_SIZE, MEM_COMMIT, PAGE_READWRITE), STATUS_COMMITMENT_LIMIT);
    /* A limit below what is already charged (regression: the room left was computed unsigned and
     * wrapped, so every charge fitted). */
    mm_test_set_commit_limit(total - 1);
    KT_EQ(free_range(a, PAGE_SIZE * 6, MEM_DECOMMIT), STATUS_SUCCESS);
    c = a;
    KT_EQ(allocate(&c, PAGE_SIZE, MEM_COMMIT, PAGE_READWRITE), STATUS_COMMITMENT_LIMIT);
    KT_EQ(release(a), STATUS_SUCCESS);
    KT_EQ(release(b), STATUS_SUCCESS);
    KT_EQ(s->as->commit, charged);
    return NULL;
}

KTEST(mm, commit_limit)
{
    struct scratch s;
    KT_RUN(enter_scratch(&s, MM_LIMIT_2GB));
    struct mm_commit_info before, after;
    mm_get_commit_info(&before);
    uint32_t old = mm_test_set_commit_limit(before.total + 10);
    const char *error = commit_limit_rules(&s, before.total);
    mm_test_set_commit_limit(old);
    mm_get_commit_info(&after);
    leave_scratch(&s);
    KT_RUN(error);
    KT_EQ(after.total, before.total);
    KT_EQ(after.limit, before.limit);
    return NULL;
}

/* ---- out of frames ---- */

/* Takes every free frame, chained through their first words; returns the head and the count. */
static pfn_t take_all_frames(uint32_t *count)
{
    pfn_t head = MM_PFN_NONE, pfn;
    *count = 0;
    while ((pfn = mm_alloc_frame(MM_FRAME_ANY)) != MM_PFN_NONE) {
        pfn_t *link = mm_map_hyperspace(pfn);
        *link = head;
        mm_unmap_hyperspace(link);
        head = pfn;
        ++*count;
    }
    return head;
}

static void give_back_frames(pfn_t head)
{
    while (head != MM_PFN_NONE) {
        pfn_t *link = mm_map_hyperspace(head);
        pfn_t next = *link;
        mm_unmap_hyperspace(link);
        mm_free_frame(head);
        head = next;
    }
}

/* Without frames: a commit that needs a page table is STATUS_NO_MEMORY, a fault fails the copy
 * with STATUS_NO_MEMORY, and a user process that faults ends with STATUS_NO_MEMORY; nothing
 * panics, and everything works again once frames are back. */
static const char *without_frames(struct scratch *s, struct ps_process *victim, NTSTATUS *results)
{
    vaddr_t near = 0, far;
    KT_EQ(allocate(&near, 2 * PAGE_SIZE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    KT_EQ(touch(near, 1), STATUS_SUCCESS); /* its page table exists now */
    far = near + 8 * MIB;
    KT_EQ(allocate(&far, PAGE_SIZE, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    uint32_t taken;
    pfn_t frames = take_all_frames(&taken);
    results[0] = allocate(&far, PAGE_SIZE, MEM_COMMIT, PAGE_READWRITE);
    results[1] = touch(near + PAGE_SIZE, 2);
    ps_detach_process();
    int64_t timeout = PROGRAM_TIMEOUT;
    results[2] = ke_wait_for_object(victim, &timeout);
    results[3] = victim->exit_status;
    give_back_frames(frames);
    ps_attach_process(s->process);
    results[4] = touch(near + PAGE_SIZE, 2);
    KT_TRUE(taken > 0);
    return NULL;
}

KTEST(mm, out_of_frames)
{
    struct scratch s;
    struct ps_process *victim;
    NTSTATUS results[5] = {0};
    uint32_t frames = frames_in_use();
    KT_EQ(kt_start_program("virtual", "virtual stack_growth", &victim), STATUS_SUCCESS);
    KT_RUN(enter_scratch(&s, MM_LIMIT_2GB));
    const char *error = without_frames(&s, victim, results);
    leave_scratch(&s);
    if (results[2] != STATUS_WAIT_0) {
        ps_terminate_process(victim, STATUS_TIMEOUT);
        ke_wait_for_object(victim, NULL);
    }
    ob_dereference_object(victim);
    KT_RUN(error);
    KT_EQ(results[0], STATUS_NO_MEMORY);
    KT_EQ(results[1], STATUS_NO_MEMORY);
    KT_EQ(results[2], STATUS_WAIT_0);
    KT_EQ(results[3], STATUS_NO_MEMORY);
    KT_EQ(results[4], STATUS_SUCCESS);
    KT_EQ(frames_in_use(), frames);
    return NULL;
}

/* ---- the split ---- */

/* With split=3G a large-address-aware process reaches 3 GiB, top-down placement starts there, and
 * a 2 GiB one stays below 2 GiB; with split=2G the flag changes nothing. */
static const char *split_for(enum mm_address_limit limit, vaddr_t *top_down)
{
    struct scratch s;
    bool large =
        limit == MM_LIMIT_LARGE_ADDRESS_AWARE && mm_split.highest_user_address > 0x80000000u;
    KT_RUN(enter_scratch(&s, limit));
    vaddr_t highest = s.as->highest_address;
    *top_down = 0;
    NTSTATUS status = allocate(top_down, 0x10000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE);
    leave_scratch(&s);
    KT_EQ(status, STATUS_SUCCESS);
    KT_EQ(highest, large ? 0xBFFEFFFFu : 0x7FFEFFFFu);
    KT_TRUE(*top_down + 0x10000 <= highest + 1 - 0x10000);
    KT_TRUE(large ? *top_down >= 0x80000000u : *top_down < 0x80000000u);
    return NULL;
}

KTEST(mm, split_and_large_address_awareness)
{
    vaddr_t laa, normal;
    KT_RUN(split_for(MM_LIMIT_LARGE_ADDRESS_AWARE, &laa));
    KT_RUN(split_for(MM_LIMIT_2GB, &normal));
    KT_RUN(run_program("virtual_laa", "virtual laa 1", 0, NULL));
    KT_RUN(run("virtual laa 0", 0, NULL));
    return NULL;
}

/* ---- leaks ---- */

/* One cycle of everything that allocates: reserve+commit, faults, protections that keep frames in
 * transition PTEs, decommit of the middle, recommit, reset, partial release (a split VAD), and
 * the release of what is left. */
static const char *vm_cycle(void)
{
    vaddr_t base = 0, middle;
    uint32_t old;
    KT_EQ(allocate(&base, 16 * PAGE_SIZE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
          STATUS_SUCCESS);
    for (unsigned i = 0; i < 16; i += 2)
        KT_EQ(touch(base + i * PAGE_SIZE, i), STATUS_SUCCESS);
    middle = base + 2 * PAGE_SIZE;
    uint32_t size = 4 * PAGE_SIZE;
    KT_EQ(mm_protect_virtual(&middle, &size, PAGE_NOACCESS, &old), STATUS_SUCCESS);
    middle = base + 8 * PAGE_SIZE;
    size = 2 * PAGE_SIZE;
    KT_EQ(mm_protect_virtual(&middle, &size, PAGE_READWRITE | PAGE_GUARD, &old), STATUS_SUCCESS);
    KT_EQ(free_range(base + 4 * PAGE_SIZE, 4 * PAGE_SIZE, MEM_DECOMMIT), STATUS_SUCCESS);
    middle = base + 4 * PAGE_SIZE;
    KT_EQ(allocate(&middle, 2 * PAGE_SIZE, MEM_COMMIT, PAGE_READONLY), STATUS_SUCCESS);
    middle = base + 12 * PAGE_SIZE;
    KT_EQ(allocate(&middle, 2 * PAGE_SIZE, MEM_RESET, PAGE_READWRITE), STATUS_SUCCESS);
    KT_EQ(free_range(base + 6 * PAGE_SIZE, 4 * PAGE_SIZE, MEM_RELEASE), STATUS_SUCCESS);
    KT_EQ(release(base), STATUS_SUCCESS);
    KT_EQ(release(base + 10 * PAGE_SIZE), STATUS_SUCCESS);
    return NULL;
}

struct usage {
    uint32_t frames, commit, vads;
    size_t pool;
};

static void measure(struct scratch *s, struct usage *u)
{
    struct mm_commit_info info;
    mm_get_commit_info(&info);
    u->frames = frames_in_use();
    u->commit = info.total;
    u->vads = s->as->vads.count;
    u->pool = mm_pool_bytes_in_use();
}

KTEST(mm, thousand_allocate_free_cycles_leak_nothing)
{
    struct scratch s;
    struct usage before, after;
    KT_RUN(enter_scratch(&s, MM_LIMIT_2GB));
    const char *error = vm_cycle(); /* warm up: the pool's pages for VADs */
    measure(&s, &before);
    for (unsigned i = 0; i < 1000 && !error; i++)
        error = vm_cycle();
    measure(&s, &after);
    leave_scratch(&s);
    KT_RUN(error);
    KT_EQ(after.frames, before.frames);
    KT_EQ(after.commit, before.commit);
    KT_EQ(after.vads, before.vads);
    KT_EQ(after.pool, before.pool);
    return NULL;
}

/* ---- fault counters and tracing ---- */

static const char *count_faults(struct scratch *s)
{
    struct mm_fault_counters before = s->as->faults, *f = &s->as->faults;
    vaddr_t base = 0, guard;
    KT_EQ(allocate(&base, 8 * PAGE_SIZE, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    vaddr_t commit = base;
    KT_EQ(allocate(&commit, 4 * PAGE_SIZE, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    for (unsigned i = 0; i < 4; i++)
        KT_EQ(touch(base + i * PAGE_SIZE, i), STATUS_SUCCESS);
    KT_EQ(touch(base + 2 * PAGE_SIZE, 5), STATUS_SUCCESS); /* resident: no fault */
    KT_EQ(f->demand_zero - before.demand_zero, 4);
    KT_EQ(touch(base + 5 * PAGE_SIZE, 1), STATUS_ACCESS_VIOLATION);
    KT_EQ(f->access_violations - before.access_violations, 1);
    guard = base + 6 * PAGE_SIZE;
    KT_EQ(allocate(&guard, PAGE_SIZE, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD), STATUS_SUCCESS);
    KT_EQ(touch(guard, 1), STATUS_GUARD_PAGE_VIOLATION);
    KT_EQ(touch(guard, 1), STATUS_SUCCESS);
    KT_EQ(f->guard - before.guard, 1);
    KT_EQ(f->demand_zero - before.demand_zero, 5);
    KT_EQ(f->from_kernel - before.from_kernel, 7);
    KT_EQ(f->stack_growth + f->views.copy_on_write + f->views.read + f->views.collided, 0);
    /* trace=faults: one line per fault (the log shows it; here: tracing must not disturb it). */
    mm_trace_faults = true;
    NTSTATUS traced = touch(base + 7 * PAGE_SIZE, 1);
    mm_trace_faults = false;
    KT_EQ(traced, STATUS_ACCESS_VIOLATION);
    KT_EQ(release(base), STATUS_SUCCESS);
    return NULL;
}

KTEST(mm, fault_counters)
{
    struct scratch s;
    KT_RUN(enter_scratch(&s, MM_LIMIT_2GB));
    const char *error = count_faults(&s);
    leave_scratch(&s);
    return error;
}

/* Regression: a commit or protection change that left every PTE of a page table zero (the same
 * protection as a MEM_COMMIT region's, or a commit refused for the commit limit) kept the page
 * table it had made, with a use count of 0, until the process ended. */
static const char *empty_tables(struct scratch *s, uint32_t *leaked)
{
    vaddr_t base = 0, va;
    uint32_t old, size = 8 * MIB, frames = frames_in_use();
    struct mm_commit_info info;
    /* Room for the 8 MiB commits, which touch no page, also on a machine with less RAM (486-4m). */
    mm_get_commit_info(&info);
    uint32_t limit = mm_test_set_commit_limit(info.total + 2 * 8 * MIB / PAGE_SIZE);
    NTSTATUS first = allocate(&base, 8 * MIB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    va = base;
    NTSTATUS protect = first ? first : mm_protect_virtual(&va, &size, PAGE_READWRITE, &old);
    va = base;
    NTSTATUS second = first ? first : allocate(&va, 8 * MIB, MEM_COMMIT, PAGE_READWRITE);
    mm_test_set_commit_limit(limit);
    KT_EQ(first, STATUS_SUCCESS);
    KT_EQ(protect, STATUS_SUCCESS);
    KT_EQ(second, STATUS_SUCCESS);
    KT_EQ(release(base), STATUS_SUCCESS);
    base = 0;
    KT_EQ(allocate(&base, 8 * MIB, MEM_RESERVE, PAGE_READWRITE), STATUS_SUCCESS);
    mm_get_commit_info(&info);
    limit = mm_test_set_commit_limit(info.total);
    va = base;
    NTSTATUS status = allocate(&va, 8 * MIB, MEM_COMMIT, PAGE_READWRITE);
    mm_test_set_commit_limit(limit);
    KT_EQ(status, STATUS_COMMITMENT_LIMIT);
    KT_EQ(release(base), STATUS_SUCCESS);
    *leaked = frames_in_use() - frames;
    (void)s;
    return NULL;
}

KTEST(mm, commit_and_protect_leave_no_empty_page_table)
{
    struct scratch s;
    uint32_t leaked = 0;
    KT_RUN(enter_scratch(&s, MM_LIMIT_2GB));
    const char *error = empty_tables(&s, &leaked);
    leave_scratch(&s);
    KT_RUN(error);
    KT_EQ(leaked, 0);
    return NULL;
}
