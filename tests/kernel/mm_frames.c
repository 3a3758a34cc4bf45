/* tests/kernel/mm_frames.c: the PFN database: the counts add up, allocation and release balance,
 * zeroed frames are zero, exhaustion fails cleanly and recovers. */
#include "kernel/ke/boot.h"
#include "kernel/ke/ktest.h"
#include "kernel/rtl/string.h"
#include "mm/mi.h"

#define BATCH    100
#define TEST_TAG MM_TAG('T', 'f', 'r', 'm')

static pfn_t batch[BATCH];

static const char *check_sum(const struct mm_frame_stats *s)
{
    KT_EQ(s->free + s->zeroed + s->active, s->total);
    return NULL;
}

KTEST(mm, frames_add_up)
{
    struct mm_frame_stats s;
    mm_get_frame_stats(&s);
    KT_TRUE(s.total > 256);
    KT_TRUE(s.active > 0); /* the PFN database itself */
    KT_TRUE(s.highest_pfn >= s.total); /* frames below 1 MiB hole and the kernel are not RAM */
    return check_sum(&s);
}

KTEST(mm, frames_alloc_free_balance)
{
    struct mm_frame_stats before, during, after;
    mm_get_frame_stats(&before);
    for (int i = 0; i < BATCH; i++) {
        batch[i] = mm_alloc_frame(i & 1 ? MM_FRAME_ZEROED : MM_FRAME_ANY);
        KT_TRUE(batch[i] != MM_PFN_NONE);
    }
    mm_get_frame_stats(&during);
    KT_EQ(during.active, before.active + BATCH);
    KT_EQ(during.free + during.zeroed, before.free + before.zeroed - BATCH);
    const char *error = check_sum(&during);
    for (int i = 0; i < BATCH; i++)
        mm_free_frame(batch[i]);
    if (error)
        return error;
    mm_get_frame_stats(&after);
    KT_EQ(after.active, before.active);
    KT_EQ(after.free + after.zeroed, before.free + before.zeroed);
    return check_sum(&after);
}

KTEST(mm, frames_distinct_and_active)
{
    for (int i = 0; i < BATCH; i++)
        batch[i] = mm_alloc_frame(MM_FRAME_ANY);
    const char *error = NULL;
    for (int i = 0; i < BATCH && !error; i++) {
        if (batch[i] == MM_PFN_NONE || batch[i] > mi_highest_pfn)
            error = ktest_failf("frame %d is %#x (highest %#x)", i, batch[i], mi_highest_pfn);
        else if (mi_pfn_entry(batch[i])->state != MI_PFN_ACTIVE ||
                 mi_pfn_entry(batch[i])->ref_count != 1)
            error = ktest_failf("frame %#x: state %u refs %u, expected active with 1 reference",
                                batch[i], mi_pfn_entry(batch[i])->state,
                                mi_pfn_entry(batch[i])->ref_count);
        for (int j = 0; j < i && !error; j++)
            if (batch[j] == batch[i])
                error = ktest_failf("frame %#x handed out twice (%d and %d)", batch[i], j, i);
    }
    for (int i = 0; i < BATCH; i++)
        if (batch[i] != MM_PFN_NONE)
            mm_free_frame(batch[i]);
    return error;
}

KTEST(mm, frames_reserved_are_not_ram)
{
    pfn_t kernel = ((vaddr_t)(uintptr_t)__kernel_start - MM_KERNEL_IMAGE_BASE) >> PAGE_SHIFT;
    KT_EQ(mi_pfn_entry(0)->state, MI_PFN_RESERVED);
    KT_EQ(mi_pfn_entry(kernel)->state, MI_PFN_RESERVED);
    KT_EQ(mi_pfn_entry(0xb8)->state, MI_PFN_RESERVED); /* VGA memory */
    return NULL;
}

/* Dirty frames, free them, ask for zeroed frames: the free list is LIFO, so these are the same
 * dirty frames coming back, and each must have been zeroed on the way. */
KTEST(mm, zeroed_frames_are_zero)
{
    for (int i = 0; i < BATCH; i++) {
        batch[i] = mm_alloc_frame(MM_FRAME_ANY);
        KT_TRUE(batch[i] != MM_PFN_NONE);
        uint8_t *p = mm_map_hyperspace(batch[i]);
        memset(p, 0xa5, PAGE_SIZE);
        mm_unmap_hyperspace(p);
    }
    for (int i = 0; i < BATCH; i++)
        mm_free_frame(batch[i]);
    const char *error = NULL;
    for (int i = 0; i < BATCH; i++) {
        batch[i] = mm_alloc_frame(MM_FRAME_ZEROED);
        uint32_t *p = mm_map_hyperspace(batch[i]);
        for (unsigned w = 0; w < PAGE_SIZE / 4 && !error; w++)
            if (p[w])
                error = ktest_failf("frame %#x word %u is %08x, expected 0", batch[i], w, p[w]);
        mm_unmap_hyperspace(p);
    }
    for (int i = 0; i < BATCH; i++)
        mm_free_frame(batch[i]);
    return error;
}

KTEST(mm, zero_free_frames_fills_zeroed_list)
{
    struct mm_frame_stats before, after;
    mm_get_frame_stats(&before);
    unsigned zeroed = mm_zero_free_frames(32);
    mm_get_frame_stats(&after);
    KT_EQ(zeroed, 32);
    KT_EQ(after.zeroed, before.zeroed + 32);
    KT_EQ(after.free, before.free - 32);
    KT_EQ(after.active, before.active);
    for (int i = 0; i < 32; i++) {
        pfn_t pfn = mm_alloc_frame(MM_FRAME_ZEROED);
        uint32_t *p = mm_map_hyperspace(pfn);
        uint32_t sum = 0;
        for (unsigned w = 0; w < PAGE_SIZE / 4; w++)
            sum |= p[w];
        mm_unmap_hyperspace(p);
        mm_free_frame(pfn);
        KT_EQ(sum, 0);
    }
    return check_sum(&after);
}

/* Takes free frames until only `leave` are left; returns how many it took (into all[]). */
static uint32_t take_frames(pfn_t *all, uint32_t capacity, uint32_t leave)
{
    uint32_t n = 0;
    struct mm_frame_stats s;
    mm_get_frame_stats(&s);
    uint32_t available = s.free + s.zeroed;
    while (n < capacity && available - n > leave) {
        pfn_t pfn = mm_alloc_frame(MM_FRAME_ANY);
        if (pfn == MM_PFN_NONE)
            break;
        all[n++] = pfn;
    }
    return n;
}

static void give_back(pfn_t *all, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        mm_free_frame(all[i]);
}

/* The array the exhaustion tests keep their frames in: room for every free frame. */
static pfn_t *frame_array(uint32_t *capacity)
{
    struct mm_frame_stats s;
    mm_get_frame_stats(&s);
    *capacity = s.free + s.zeroed;
    return mm_pool_alloc(*capacity * sizeof(pfn_t), TEST_TAG);
}

static uint32_t in_use(const struct mm_frame_stats *s) { return s->active - s->page_tables; }

/* Takes every frame there is, checks that the next request fails cleanly, gives them all back. */
KTEST(mm, frames_exhaustion_recovers)
{
    struct mm_frame_stats baseline, before, empty, after;
    uint32_t capacity;
    mm_get_frame_stats(&baseline);
    pfn_t *all = frame_array(&capacity);
    KT_TRUE(all != NULL);
    mm_get_frame_stats(&before);
    uint32_t n = take_frames(all, capacity, 0);
    mm_get_frame_stats(&empty);
    bool none_left = mm_alloc_frame(MM_FRAME_ZEROED) == MM_PFN_NONE &&
                     mm_alloc_frame(MM_FRAME_ANY) == MM_PFN_NONE;
    give_back(all, n);
    mm_pool_free(all, TEST_TAG);
    mm_get_frame_stats(&after);
    KT_TRUE(none_left);
    KT_EQ(empty.free + empty.zeroed, 0);
    KT_EQ(n, before.free + before.zeroed);
    KT_EQ(in_use(&after), in_use(&baseline));
    KT_EQ(after.free + after.zeroed + after.active, after.total);
    return NULL;
}

/* With only a few frames left, a big pool block fails part-way through mapping its pages: what it
 * took must all come back (frames, system VA, pool accounting). */
KTEST(mm, pool_out_of_frames_unwinds)
{
    uint32_t capacity;
    pfn_t *all = frame_array(&capacity);
    KT_TRUE(all != NULL);
    void *warm =
        mm_pool_alloc(8 * PAGE_SIZE, TEST_TAG); /* its page table, made before the baseline */
    mm_pool_free(warm, TEST_TAG);
    uint32_t n = take_frames(all, capacity, 3);
    struct mm_frame_stats before, after;
    mm_get_frame_stats(&before);
    size_t pool_before = mm_pool_bytes_in_use();
    uint32_t va_before = mm_system_va_pages_free();
    void *p = mm_pool_alloc(8 * PAGE_SIZE, TEST_TAG);
    mm_get_frame_stats(&after);
    size_t pool_after = mm_pool_bytes_in_use();
    uint32_t va_after = mm_system_va_pages_free();
    if (p)
        mm_pool_free(p, TEST_TAG);
    give_back(all, n);
    mm_pool_free(all, TEST_TAG);
    KT_TRUE(warm != NULL);
    KT_TRUE(p == NULL);
    KT_EQ(before.free + before.zeroed, 3);
    KT_EQ(after.free + after.zeroed, 3);
    KT_EQ(pool_after, pool_before);
    KT_EQ(va_after, va_before);
    return NULL;
}
