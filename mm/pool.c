/* mm/pool.c: the non-paged pool (NT's ExAllocatePoolWithTag). Small blocks live in pool pages
 * carved into 8-byte units, each block behind an 8-byte header; free blocks sit on one list per
 * size and coalesce with their neighbours; a page that becomes wholly free goes back to the system.
 * Blocks that do not fit a page take whole pages, tracked in a hash of big allocations. Every block
 * is charged to its tag, so tests and leak hunts can read bytes in use per tag. Requests made for
 * user mode (normal priority) get no new page once free frames or system VA are down to the
 * reserve.
 *
 *   pool page:  [hdr|block.....][hdr|free......][hdr|block..]...   (blocks tile the page exactly)
 *   hdr:        previous_size (units) | block_size (units) + allocated bit | tag
 */
#include "kernel/rtl/string.h"
#include "mm/mi.h"

#define UNIT            8u
#define UNITS_PER_PAGE  (PAGE_SIZE / UNIT)
#define MIN_FREE_UNITS  2 /* a free block holds its list links after the header */
#define MAX_SMALL_UNITS UNITS_PER_PAGE
#define TAG_SLOTS       128
#define BIG_BUCKETS     64
#define TAG_BIG_TRACKER MM_TAG('P', 'o', 'B', 'g')
#define MAX_BLOCK_SIZE  0x40000000u /* 1 GiB */
#define RESERVE_MIN     64u /* pages: 256 KiB */
#define RESERVE_MAX     1024u /* pages: 4 MiB */
#define RESERVE_SHARE   64u /* of RAM */

struct pool_header {
    uint16_t previous_size; /* units of the block before this one in its page; 0 if first */
    uint16_t block_size : 15; /* units, header included */
    uint16_t allocated : 1;
    uint32_t tag;
};
_Static_assert(sizeof(struct pool_header) == UNIT, "a pool header is one unit");

struct free_block {
    struct pool_header header;
    struct free_block *next, *prev;
};

struct big_block {
    struct big_block *next;
    vaddr_t va;
    uint32_t pages;
    uint32_t tag;
};

struct tag_stats {
    uint32_t tag;
    uint32_t blocks;
    size_t bytes;
};

static struct free_block *free_lists[MAX_SMALL_UNITS + 1];
static uint32_t nonempty[(MAX_SMALL_UNITS + 1 + 31) / 32]; /* bit n: free_lists[n] has a block */
static struct big_block *big_blocks[BIG_BUCKETS];
static struct tag_stats tags[TAG_SLOTS];
static size_t bytes_in_use;
static uint32_t pages_in_use;
/* Everything above; taken outside the system VA and PFN locks (a pool page comes from both). */
static struct ke_spin_lock pool_lock = KE_SPIN_LOCK_INIT("pool");
uint32_t mm_pool_reserve_pages;

/* ---- accounting ---- */

static struct tag_stats *find_tag(uint32_t tag, bool create)
{
    for (unsigned i = 0; i < TAG_SLOTS; i++) {
        if (tags[i].tag == tag)
            return &tags[i];
        if (tags[i].tag == 0) {
            if (!create)
                return NULL;
            tags[i].tag = tag;
            return &tags[i];
        }
    }
    return create ? &tags[TAG_SLOTS - 1] : NULL; /* table full: charge the last slot */
}

static void charge(uint32_t tag, size_t bytes, int sign)
{
    struct tag_stats *t = find_tag(tag, true);
    if (sign > 0) {
        t->blocks++;
        t->bytes += bytes;
        bytes_in_use += bytes;
    } else {
        t->blocks--;
        t->bytes -= bytes;
        bytes_in_use -= bytes;
    }
}

/* ---- free lists ---- */

static void free_list_insert(struct free_block *b)
{
    unsigned n = b->header.block_size;
    b->header.allocated = 0;
    b->header.tag = 0;
    b->prev = NULL;
    b->next = free_lists[n];
    if (b->next)
        b->next->prev = b;
    free_lists[n] = b;
    nonempty[n / 32] |= 1u << (n % 32);
}

static void free_list_remove(struct free_block *b)
{
    unsigned n = b->header.block_size;
    if (b->prev)
        b->prev->next = b->next;
    else
        free_lists[n] = b->next;
    if (b->next)
        b->next->prev = b->prev;
    if (!free_lists[n])
        nonempty[n / 32] &= ~(1u << (n % 32));
}

/* The smallest non-empty list with blocks of at least `units`; 0 if none. */
static unsigned find_list(unsigned units)
{
    for (unsigned w = units / 32; w < ARRAY_SIZE(nonempty); w++) {
        uint32_t bits = nonempty[w];
        if (w == units / 32)
            bits &= ~0u << (units % 32);
        if (bits)
            return w * 32 + (unsigned)__builtin_ctz(bits);
    }
    return 0;
}

/* ---- blocks within a page ---- */

static struct pool_header *next_block(struct pool_header *h)
{
    vaddr_t next = (vaddr_t)(uintptr_t)h + h->block_size * UNIT;
    return (next & PAGE_MASK) ? (struct pool_header *)(uintptr_t)next : NULL;
}

static struct pool_header *previous_block(struct pool_header *h)
{
    return h->previous_size ? (struct pool_header *)((uint8_t *)h - h->previous_size * UNIT) : NULL;
}

static void set_block(struct pool_header *h, unsigned units, unsigned previous)
{
    h->block_size = (uint16_t)(units & 0x7fff);
    h->previous_size = (uint16_t)previous;
    struct pool_header *next = next_block(h);
    if (next)
        next->previous_size = (uint16_t)units;
}

static bool grow_pool(void)
{
    struct free_block *page = mm_alloc_pages(1, MM_FRAME_ZEROED); /* see kernel stacks */
    if (!page)
        return false;
    pages_in_use++;
    /* A whole-page block has block_size 512, which fits 15 bits. */
    page->header = (struct pool_header){0};
    set_block(&page->header, UNITS_PER_PAGE, 0);
    free_list_insert(page);
    return true;
}

/* Whether a request of this priority may take `pages` more frames and pages of system VA. Called
 * with the pool's lock held (interrupts off), so nothing else takes them between this check and the
 * allocation. */
static bool may_take_pages(enum mm_pool_priority priority, uint32_t pages)
{
    if (priority == MM_POOL_HIGH_PRIORITY)
        return true;
    uint32_t needed = mm_pool_reserve_pages + pages;
    return mi_available_frames() >= needed && mm_system_va_pages_free() >= needed;
}

static void *alloc_small(unsigned units, uint32_t tag, enum mm_pool_priority priority)
{
    unsigned n = find_list(units);
    if (!n) {
        if (!may_take_pages(priority, 1) || !grow_pool())
            return NULL;
        n = find_list(units);
    }
    struct free_block *b = free_lists[n];
    free_list_remove(b);
    struct pool_header *h = &b->header;
    if (n > units) { /* split: the tail stays free */
        struct free_block *rest = (struct free_block *)((uint8_t *)h + units * UNIT);
        set_block(h, units, h->previous_size);
        rest->header.allocated = 0;
        set_block(&rest->header, n - units, units);
        /* A one-unit tail has no room for list links: it waits, on no list, for a neighbour to
         * be freed and absorb it. So every block is exactly the size asked for (accounting and
         * quotas see mm_pool_block_bytes, whatever the page's history). */
        if (n - units >= MIN_FREE_UNITS)
            free_list_insert(rest);
    }
    h->allocated = 1;
    h->tag = tag;
    charge(tag, h->block_size * UNIT, +1);
    return h + 1;
}

static void free_small(struct pool_header *h, uint32_t tag)
{
    if (!h->allocated || h->tag != tag || h->block_size == 0 || h->block_size > UNITS_PER_PAGE)
        ke_panic(
            "mm: pool free of %p: bad block (allocated %u, size %u units, tag %08x, expected %08x)",
            (void *)(h + 1), h->allocated, h->block_size, h->tag, tag);
    charge(tag, h->block_size * UNIT, -1);
    struct pool_header *next = next_block(h);
    if (next && !next->allocated) {
        if (next->block_size >= MIN_FREE_UNITS)
            free_list_remove((struct free_block *)next);
        set_block(h, h->block_size + next->block_size, h->previous_size);
    }
    struct pool_header *prev = previous_block(h);
    if (prev && !prev->allocated) {
        if (prev->block_size >= MIN_FREE_UNITS)
            free_list_remove((struct free_block *)prev);
        set_block(prev, prev->block_size + h->block_size, prev->previous_size);
        h = prev;
    }
    if (h->block_size == UNITS_PER_PAGE) { /* the page is empty: give it back */
        mm_free_pages(h, 1);
        pages_in_use--;
        return;
    }
    free_list_insert((struct free_block *)h);
}

/* ---- big blocks: whole pages ---- */

static unsigned big_bucket(vaddr_t va) { return (va >> PAGE_SHIFT) % BIG_BUCKETS; }

static void *alloc_big(size_t size, uint32_t tag, enum mm_pool_priority priority)
{
    uint32_t pages = (uint32_t)((size + PAGE_MASK) >> PAGE_SHIFT);
    if (!may_take_pages(priority, pages + 1)) /* one more for the tracker's page, if it needs one */
        return NULL;
    struct big_block *tracker =
        alloc_small(sizeof(struct big_block) / UNIT + 1, TAG_BIG_TRACKER, priority);
    if (!tracker)
        return NULL;
    void *p = mm_alloc_pages(pages, MM_FRAME_ANY);
    if (!p) {
        free_small((struct pool_header *)tracker - 1, TAG_BIG_TRACKER);
        return NULL;
    }
    *tracker = (struct big_block){.va = (vaddr_t)(uintptr_t)p, .pages = pages, .tag = tag};
    unsigned b = big_bucket(tracker->va);
    tracker->next = big_blocks[b];
    big_blocks[b] = tracker;
    pages_in_use += pages;
    charge(tag, pages * PAGE_SIZE, +1);
    return p;
}

static void free_big(void *p, uint32_t tag)
{
    vaddr_t va = (vaddr_t)(uintptr_t)p;
    struct big_block **link = &big_blocks[big_bucket(va)];
    while (*link && (*link)->va != va)
        link = &(*link)->next;
    struct big_block *tracker = *link;
    if (!tracker || tracker->tag != tag)
        ke_panic("mm: pool free of %p: not a big pool block with tag %08x (found tag %08x)", p, tag,
                 tracker ? tracker->tag : 0);
    *link = tracker->next;
    mm_free_pages(p, tracker->pages);
    pages_in_use -= tracker->pages;
    charge(tag, tracker->pages * PAGE_SIZE, -1);
    free_small((struct pool_header *)tracker - 1, TAG_BIG_TRACKER);
}

/* ---- the interface ---- */

/* Runs once the PFN database exists: the reserve is a share of the RAM it manages. */
void mi_init_pool(void)
{
    memset(free_lists, 0, sizeof free_lists);
    memset(nonempty, 0, sizeof nonempty);
    bytes_in_use = 0;
    pages_in_use = 0;
    struct mm_frame_stats frames;
    mm_get_frame_stats(&frames);
    mm_pool_reserve_pages = MIN(MAX(frames.total / RESERVE_SHARE, RESERVE_MIN), RESERVE_MAX);
}

/* Units of a small block for size bytes (header included), or 0 if it takes whole pages. */
static size_t small_units(size_t size)
{
    size_t units = MAX((size + sizeof(struct pool_header) + UNIT - 1) / UNIT, MIN_FREE_UNITS);
    return units <= MAX_SMALL_UNITS ? units : 0;
}

size_t mm_pool_block_bytes(size_t size)
{
    if (size == 0 || size > MAX_BLOCK_SIZE)
        return 0;
    size_t units = small_units(size);
    return units ? units * UNIT : ALIGN_UP(size, PAGE_SIZE);
}

void *mm_pool_alloc_priority(size_t size, uint32_t tag, enum mm_pool_priority priority)
{
    if (size == 0 || size > MAX_BLOCK_SIZE || tag == 0)
        return NULL;
    uint32_t irq = ke_acquire_spin_lock(&pool_lock);
    size_t units = small_units(size);
    void *p = units ? alloc_small((unsigned)units, tag, priority) : alloc_big(size, tag, priority);
    ke_release_spin_lock(&pool_lock, irq);
    return p;
}

void *mm_pool_alloc(size_t size, uint32_t tag)
{
    return mm_pool_alloc_priority(size, tag, MM_POOL_HIGH_PRIORITY);
}

void mm_pool_free(void *p, uint32_t tag)
{
    if (!p)
        return;
    uint32_t irq = ke_acquire_spin_lock(&pool_lock);
    if (((vaddr_t)(uintptr_t)p & PAGE_MASK) == 0)
        free_big(p, tag);
    else
        free_small((struct pool_header *)p - 1, tag);
    ke_release_spin_lock(&pool_lock, irq);
}

size_t mm_pool_tag_bytes(uint32_t tag)
{
    struct tag_stats *t = find_tag(tag, false);
    return t ? t->bytes : 0;
}

uint32_t mm_pool_tag_blocks(uint32_t tag)
{
    struct tag_stats *t = find_tag(tag, false);
    return t ? t->blocks : 0;
}

/* Walks the tag table in first-use order. A tag keeps its slot after its last block is freed, so a
 * walk before and a walk after some work see the earlier tags at the same indexes. */
bool mm_pool_tag_at(unsigned index, struct mm_pool_tag_usage *usage)
{
    uint32_t irq = ke_acquire_spin_lock(&pool_lock);
    bool found = index < TAG_SLOTS && tags[index].tag != 0;
    if (found)
        *usage = (struct mm_pool_tag_usage){tags[index].tag, tags[index].bytes, tags[index].blocks};
    ke_release_spin_lock(&pool_lock, irq);
    return found;
}

size_t mm_pool_bytes_in_use(void) { return bytes_in_use; }
uint32_t mm_pool_pages_in_use(void) { return pages_in_use; }
