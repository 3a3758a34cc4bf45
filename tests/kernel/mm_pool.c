/* tests/kernel/mm_pool.c: the non-paged pool: 10,000 mixed allocations and frees with overlap
 * checks, tag accounting, big blocks, alignment, bad sizes, pages going back when empty, what a
 * block costs, and the reserve that only the kernel's own requests reach. */
#include "kernel/ke/ktest.h"
#include "kernel/rtl/string.h"
#include "mm/mm.h"

#define TAG_A        MM_TAG('T', 'p', 'l', 'A')
#define TAG_B        MM_TAG('T', 'p', 'l', 'B')
#define TAG_TABLE    MM_TAG('T', 'p', 'l', 'T')
#define STRESS_OPS   10000
#define STRESS_SLOTS 512

struct slot {
    uint8_t *p;
    uint32_t size;
    uint8_t fill;
};

static uint32_t rng_state;
static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

/* Mostly small sizes, some mid-size, a few bigger than a page. */
static uint32_t random_size(void)
{
    uint32_t r = rng() % 100;
    if (r < 70)
        return 1 + rng() % 128;
    if (r < 95)
        return 129 + rng() % 2000;
    return 4000 + rng() % 12000;
}

static const char *check_slot(const struct slot *s, int index)
{
    for (uint32_t i = 0; i < s->size; i++)
        if (s->p[i] != s->fill)
            return ktest_failf("block %d (%p, %u bytes) byte %u is %02x, expected %02x: overlap",
                               index, (void *)s->p, s->size, i, s->p[i], s->fill);
    return NULL;
}

KTEST(mm, pool_stress_no_leak_no_overlap)
{
    size_t bytes_before = mm_pool_bytes_in_use();
    uint32_t pages_before = mm_pool_pages_in_use();
    struct mm_frame_stats frames_before, frames_after;
    mm_get_frame_stats(&frames_before);
    struct slot *slots = mm_pool_alloc(STRESS_SLOTS * sizeof(struct slot), TAG_TABLE);
    KT_TRUE(slots != NULL);
    memset(slots, 0, STRESS_SLOTS * sizeof(struct slot));
    rng_state = 20261125;
    const char *error = NULL;
    for (int op = 0; op < STRESS_OPS && !error; op++) {
        struct slot *s = &slots[rng() % STRESS_SLOTS];
        if (s->p) {
            error = check_slot(s, (int)(s - slots));
            mm_pool_free(s->p, s->fill & 1 ? TAG_A : TAG_B);
            s->p = NULL;
            continue;
        }
        s->size = random_size();
        s->fill = (uint8_t)(op | 0x10);
        s->p = mm_pool_alloc(s->size, s->fill & 1 ? TAG_A : TAG_B);
        if (!s->p)
            error = ktest_failf("allocation %d of %u bytes failed", op, s->size);
        else if ((uintptr_t)s->p & 7)
            error = ktest_failf("allocation %d at %p is not 8-byte aligned", op, (void *)s->p);
        else
            memset(s->p, s->fill, s->size);
    }
    for (int i = 0; i < STRESS_SLOTS; i++) {
        if (!slots[i].p)
            continue;
        if (!error)
            error = check_slot(&slots[i], i);
        mm_pool_free(slots[i].p, slots[i].fill & 1 ? TAG_A : TAG_B);
    }
    mm_pool_free(slots, TAG_TABLE);
    if (error)
        return error;
    mm_get_frame_stats(&frames_after);
    KT_EQ(mm_pool_tag_bytes(TAG_A), 0);
    KT_EQ(mm_pool_tag_bytes(TAG_B), 0);
    KT_EQ(mm_pool_tag_blocks(TAG_A), 0);
    KT_EQ(mm_pool_bytes_in_use(), bytes_before);
    KT_EQ(mm_pool_pages_in_use(), pages_before);
    KT_EQ(frames_after.active - frames_after.page_tables,
          frames_before.active - frames_before.page_tables);
    return NULL;
}

KTEST(mm, pool_tag_accounting)
{
    size_t total_before = mm_pool_bytes_in_use();
    void *a = mm_pool_alloc(10, TAG_A), *b = mm_pool_alloc(100, TAG_A),
         *c = mm_pool_alloc(24, TAG_B);
    KT_TRUE(a && b && c);
    KT_EQ(mm_pool_tag_blocks(TAG_A), 2);
    KT_EQ(mm_pool_tag_bytes(TAG_A), 24 + 112); /* 8-byte header, rounded to 8 bytes */
    KT_EQ(mm_pool_tag_bytes(TAG_B), 32);
    KT_EQ(mm_pool_bytes_in_use(), total_before + 24 + 112 + 32);
    mm_pool_free(b, TAG_A);
    KT_EQ(mm_pool_tag_blocks(TAG_A), 1);
    KT_EQ(mm_pool_tag_bytes(TAG_A), 24);
    mm_pool_free(a, TAG_A);
    mm_pool_free(c, TAG_B);
    KT_EQ(mm_pool_tag_bytes(TAG_A) + mm_pool_tag_bytes(TAG_B), 0);
    KT_EQ(mm_pool_bytes_in_use(), total_before);
    KT_EQ(mm_pool_tag_bytes(MM_TAG('N', 'o', 'n', 'e')), 0);
    return NULL;
}

KTEST(mm, pool_big_blocks)
{
    uint32_t pages_before = mm_pool_pages_in_use();
    uint8_t *big = mm_pool_alloc(3 * PAGE_SIZE + 1, TAG_A);
    uint8_t *page = mm_pool_alloc(PAGE_SIZE, TAG_B);
    KT_TRUE(big && page);
    KT_EQ((uintptr_t)big & PAGE_MASK, 0);
    KT_EQ(mm_pool_tag_bytes(TAG_A), 4 * PAGE_SIZE);
    KT_EQ(mm_pool_tag_bytes(TAG_B), PAGE_SIZE);
    memset(big, 0x5a, 3 * PAGE_SIZE + 1);
    memset(page, 0xa5, PAGE_SIZE);
    KT_EQ(big[3 * PAGE_SIZE], 0x5a);
    mm_pool_free(big, TAG_A);
    mm_pool_free(page, TAG_B);
    KT_EQ(mm_pool_tag_bytes(TAG_A) + mm_pool_tag_bytes(TAG_B), 0);
    KT_EQ(mm_pool_pages_in_use(), pages_before);
    return NULL;
}

KTEST(mm, pool_small_sizes_and_reuse)
{
    void *blocks[64];
    for (int i = 0; i < 64; i++) {
        blocks[i] = mm_pool_alloc((size_t)i + 1, TAG_A);
        KT_TRUE(blocks[i] != NULL);
        KT_EQ((uintptr_t)blocks[i] & 7, 0);
        memset(blocks[i], i, (size_t)i + 1);
    }
    for (int i = 0; i < 64; i += 2)
        mm_pool_free(blocks[i], TAG_A);
    for (int i = 1; i < 64; i += 2)
        for (int j = 0; j <= i; j++)
            KT_EQ(((uint8_t *)blocks[i])[j], i);
    void *again = mm_pool_alloc(1, TAG_A); /* a freed 16-byte block is reused */
    KT_TRUE(again == blocks[0] || again == blocks[2] || again == blocks[4] || again == blocks[6]);
    mm_pool_free(again, TAG_A);
    for (int i = 1; i < 64; i += 2)
        mm_pool_free(blocks[i], TAG_A);
    KT_EQ(mm_pool_tag_bytes(TAG_A), 0);
    return NULL;
}

KTEST(mm, pool_rejects_bad_requests)
{
    KT_TRUE(mm_pool_alloc(0, TAG_A) == NULL);
    KT_TRUE(mm_pool_alloc(0x80000000u, TAG_A) == NULL);
    KT_TRUE(mm_pool_alloc((size_t)-1, TAG_A) == NULL);
    KT_TRUE(mm_pool_alloc(0x40000001u, TAG_A) == NULL); /* over the 1 GiB cap */
    KT_TRUE(mm_pool_alloc(16, 0) == NULL); /* every block needs a tag */
    mm_pool_free(NULL, TAG_A); /* freeing NULL does nothing */
    return NULL;
}

/* mm_pool_block_bytes is what the tag is charged (the figure process quotas are charged with). */
KTEST(mm, pool_block_bytes_match_the_tag_charge)
{
    static const size_t sizes[] = {1, 8, 9, 100, 4087, 4088, 4089, 4096, 3 * PAGE_SIZE + 1};
    static const size_t expected[] = {16, 16, 24, 112, 4096, 4096, 4096, 4096, 4 * PAGE_SIZE};
    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
        KT_EQ(mm_pool_block_bytes(sizes[i]), expected[i]);
        void *p = mm_pool_alloc(sizes[i], TAG_A);
        KT_TRUE(p != NULL);
        size_t charged = mm_pool_tag_bytes(TAG_A);
        mm_pool_free(p, TAG_A);
        KT_EQ(charged, expected[i]);
    }
    KT_EQ(mm_pool_block_bytes(0), 0);
    KT_EQ(mm_pool_block_bytes(0x40000001u), 0);
    return NULL;
}

/* With only the reserve left (the reserve raised to everything free), a request made for user mode
 * gets no new page, small or big, and the kernel's own still does. A 4088-byte block needs a
 * wholly free page, and the pool keeps none. */
KTEST(mm, pool_reserve_is_only_for_the_kernel)
{
    uint32_t saved = mm_pool_reserve_pages;
    struct mm_frame_stats frames;
    mm_get_frame_stats(&frames);
    mm_pool_reserve_pages = MAX(frames.free + frames.zeroed, mm_system_va_pages_free());
    void *user_small = mm_pool_alloc_priority(4088, TAG_A, MM_POOL_NORMAL_PRIORITY);
    void *user_big = mm_pool_alloc_priority(2 * PAGE_SIZE, TAG_A, MM_POOL_NORMAL_PRIORITY);
    void *kernel_small = mm_pool_alloc_priority(4088, TAG_B, MM_POOL_HIGH_PRIORITY);
    void *kernel_big = mm_pool_alloc(2 * PAGE_SIZE, TAG_B);
    mm_pool_reserve_pages = saved;
    void *user_after = mm_pool_alloc_priority(4088, TAG_A, MM_POOL_NORMAL_PRIORITY);
    mm_pool_free(user_small, TAG_A);
    mm_pool_free(user_big, TAG_A);
    mm_pool_free(user_after, TAG_A);
    mm_pool_free(kernel_small, TAG_B);
    mm_pool_free(kernel_big, TAG_B);
    KT_TRUE(user_small == NULL && user_big == NULL);
    KT_TRUE(kernel_small != NULL && kernel_big != NULL && user_after != NULL);
    KT_EQ(mm_pool_tag_bytes(TAG_A) + mm_pool_tag_bytes(TAG_B), 0);
    KT_TRUE(saved >= 64 && saved <= 1024 && saved >= MIN(frames.total / 64, 1024u));
    return NULL;
}

KTEST(mm, system_va_alloc_free)
{
    uint32_t free_before = mm_system_va_pages_free();
    vaddr_t a = mm_alloc_system_va(1), b = mm_alloc_system_va(16), c = mm_alloc_system_va(1024);
    KT_TRUE(a && b && c);
    KT_EQ(mm_system_va_pages_free(), free_before - 1041);
    vaddr_t all[3][2] = {{a, a + PAGE_SIZE}, {b, b + 16 * PAGE_SIZE}, {c, c + 1024 * PAGE_SIZE}};
    for (int i = 0; i < 3; i++) {
        KT_TRUE(all[i][0] >= mm_split.system_range_start && all[i][1] <= MM_SYSTEM_VA_END);
        KT_TRUE(all[i][1] <= MM_KERNEL_IMAGE_BASE || all[i][0] >= MM_SYSTEM_VA_START);
        for (int j = 0; j < i; j++)
            KT_TRUE(all[i][1] <= all[j][0] || all[j][1] <= all[i][0]);
    }
    KT_EQ(mm_alloc_system_va(0), 0);
    KT_EQ(mm_alloc_system_va(0x7fffffff), 0);
    mm_free_system_va(b, 16);
    mm_free_system_va(a, 1);
    mm_free_system_va(c, 1024);
    KT_EQ(mm_system_va_pages_free(), free_before);
    return NULL;
}
