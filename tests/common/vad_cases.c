/* tests/common/vad_cases.c: the VAD tree (mm/vad.c) against a model: a page bitmap of a small
 * address space, with every free-range search checked against a brute-force scan and every
 * invariant checked after every change. Runs in the kernel and on the host
 * (tests/common/cases.h). */
#include "mm/vad.h"
#include "tests/common/cases.h"

#define MODEL_PAGES 4096u
#define MODEL_LOW   16u
#define MODEL_HIGH  4000u
#define MAX_NODES   400u

static struct mi_vad_node nodes[MAX_NODES];
static bool in_tree[MAX_NODES];
static uint8_t owner_map[MODEL_PAGES]; /* 1 + node index, or 0 when free */
static uint32_t rng_state;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static bool page_free(uint32_t vpn) { return owner_map[vpn] == 0; }

static bool run_free(uint32_t start, uint32_t pages)
{
    for (uint32_t i = 0; i < pages; i++)
        if (!page_free(start + i))
            return false;
    return true;
}

/* The model's answer to mi_vad_find_free, by scanning every candidate start. */
static bool model_find(uint32_t pages, uint32_t align, uint32_t low, uint32_t high,
                       enum mi_vad_direction dir, uint32_t *out)
{
    low = MAX(low, MODEL_LOW);
    high = MIN(high, MODEL_HIGH);
    if (low > high || high - low + 1 < pages)
        return false;
    for (uint32_t i = 0; i <= high - low; i++) {
        uint32_t s = dir == MI_VAD_BOTTOM_UP ? low + i : high - i;
        if (s % align || s < low || s + pages - 1 > high)
            continue;
        if (run_free(s, pages)) {
            *out = s;
            return true;
        }
    }
    return false;
}

static void reset(void)
{
    memset(in_tree, 0, sizeof in_tree);
    memset(owner_map, 0, sizeof owner_map);
}

static void model_set(uint32_t start, uint32_t end, uint8_t owner)
{
    for (uint32_t v = start; v <= end; v++)
        owner_map[v] = owner;
}

const char *tc_vad_insert_lookup_overlap(void)
{
    struct mi_vad_tree tree;
    mi_vad_tree_init(&tree, MODEL_LOW, MODEL_HIGH);
    struct mi_vad_node a = {.start_vpn = 100, .end_vpn = 109};
    struct mi_vad_node b = {.start_vpn = 200, .end_vpn = 200};
    struct mi_vad_node clash = {.start_vpn = 105, .end_vpn = 150};
    struct mi_vad_node outside = {.start_vpn = 3990, .end_vpn = 4010};
    struct mi_vad_node below = {.start_vpn = 0, .end_vpn = 20};
    KT_TRUE(mi_vad_insert(&tree, &a));
    KT_TRUE(mi_vad_insert(&tree, &b));
    KT_TRUE(!mi_vad_insert(&tree, &clash));
    KT_TRUE(!mi_vad_insert(&tree, &outside));
    KT_TRUE(!mi_vad_insert(&tree, &below));
    KT_EQ(tree.count, 2);
    KT_TRUE(mi_vad_lookup(&tree, 100) == &a && mi_vad_lookup(&tree, 109) == &a);
    KT_TRUE(mi_vad_lookup(&tree, 110) == NULL && mi_vad_lookup(&tree, 99) == NULL);
    KT_TRUE(mi_vad_lookup(&tree, 200) == &b);
    KT_TRUE(mi_vad_first_overlap(&tree, 0, 99) == NULL);
    KT_TRUE(mi_vad_first_overlap(&tree, 50, 300) == &a);
    KT_TRUE(mi_vad_first_overlap(&tree, 110, 300) == &b);
    KT_TRUE(mi_vad_first_overlap(&tree, 201, 300) == NULL);
    KT_TRUE(mi_vad_ceiling(&tree, 150) == &b);
    KT_TRUE(mi_vad_first(&tree) == &a && mi_vad_next(&a) == &b && mi_vad_next(&b) == NULL);
    KT_TRUE(mi_vad_prev(&b) == &a && mi_vad_prev(&a) == NULL);
    const char *error = mi_vad_check(&tree);
    KT_RUN(error);
    mi_vad_remove(&tree, &a);
    KT_TRUE(mi_vad_lookup(&tree, 100) == NULL && tree.count == 1);
    mi_vad_remove(&tree, &b);
    KT_TRUE(tree.root == NULL && tree.count == 0);
    return NULL;
}

const char *tc_vad_find_free_aligned(void)
{
    struct mi_vad_tree tree;
    mi_vad_tree_init(&tree, 16, 1000);
    struct mi_vad_node a = {.start_vpn = 16, .end_vpn = 20};
    struct mi_vad_node b = {.start_vpn = 40, .end_vpn = 63};
    KT_TRUE(mi_vad_insert(&tree, &a) && mi_vad_insert(&tree, &b));
    uint32_t start = 0;
    /* The gap 21..39: 19 pages, but the only 64 KiB boundary in it is 32, with 8 pages after it. */
    KT_TRUE(mi_vad_find_free(&tree, 8, 16, 0, ~0u, MI_VAD_BOTTOM_UP, &start));
    KT_EQ(start, 32);
    KT_TRUE(mi_vad_find_free(&tree, 9, 16, 0, ~0u, MI_VAD_BOTTOM_UP, &start));
    KT_EQ(start, 64);
    KT_TRUE(mi_vad_find_free(&tree, 19, 1, 0, ~0u, MI_VAD_BOTTOM_UP, &start));
    KT_EQ(start, 21);
    KT_TRUE(mi_vad_find_free(&tree, 10, 16, 0, ~0u, MI_VAD_TOP_DOWN, &start));
    KT_EQ(start, 976);
    KT_TRUE(mi_vad_find_free(&tree, 10, 1, 0, ~0u, MI_VAD_TOP_DOWN, &start));
    KT_EQ(start, 991);
    KT_TRUE(mi_vad_find_free(&tree, 10, 16, 0, 100, MI_VAD_TOP_DOWN, &start));
    KT_EQ(start, 80);
    KT_TRUE(!mi_vad_find_free(&tree, 938, 1, 0, ~0u, MI_VAD_BOTTOM_UP, &start));
    KT_TRUE(mi_vad_find_free(&tree, 937, 1, 0, ~0u, MI_VAD_BOTTOM_UP, &start));
    KT_EQ(start, 64);
    KT_TRUE(!mi_vad_find_free(&tree, 0, 1, 0, ~0u, MI_VAD_BOTTOM_UP, &start));
    KT_TRUE(!mi_vad_find_free(&tree, 1, 3, 0, ~0u, MI_VAD_BOTTOM_UP, &start));
    return NULL;
}

/* One random step: insert a random range, remove a random node, or compare a search with the
 * model. */
static const char *random_step(struct mi_vad_tree *tree)
{
    uint32_t op = rng() % 8, i = rng() % MAX_NODES;
    if (op < 3 && !in_tree[i]) {
        uint32_t start = rng() % MODEL_PAGES, pages = 1 + (rng() % 4 ? rng() % 8 : rng() % 200);
        nodes[i].start_vpn = start;
        nodes[i].end_vpn = start + pages - 1;
        bool expect =
            start >= MODEL_LOW && start + pages - 1 <= MODEL_HIGH && run_free(start, pages);
        bool got = mi_vad_insert(tree, &nodes[i]);
        if (got != expect)
            return ktest_failf("insert %u+%u: got %d, model says %d", start, pages, got, expect);
        if (got) {
            in_tree[i] = true;
            model_set(start, start + pages - 1, (uint8_t)(1 + i % 255));
        }
    } else if (op < 5 && in_tree[i]) {
        mi_vad_remove(tree, &nodes[i]);
        in_tree[i] = false;
        model_set(nodes[i].start_vpn, nodes[i].end_vpn, 0);
    } else {
        uint32_t pages = 1 + rng() % 64, align = rng() % 2 ? 1 : MI_VAD_GRANULARITY_PAGES;
        uint32_t low = rng() % 3 ? 0 : rng() % MODEL_PAGES, high = rng() % 3 ? ~0u : rng() % 5000;
        enum mi_vad_direction dir = rng() % 2 ? MI_VAD_TOP_DOWN : MI_VAD_BOTTOM_UP;
        uint32_t got = 0, want = 0;
        bool found = mi_vad_find_free(tree, pages, align, low, high, dir, &got);
        bool expect = model_find(pages, align, low, high, dir, &want);
        if (found != expect || (found && got != want))
            return ktest_failf("find %u pages align %u in [%u,%u] %s: got %d/%u, model %d/%u",
                               pages, align, low, high, dir ? "top-down" : "bottom-up", found, got,
                               expect, want);
        uint32_t probe = rng() % MODEL_PAGES;
        struct mi_vad_node *n = mi_vad_lookup(tree, probe);
        if ((n == NULL) != page_free(probe) || (n && (probe < n->start_vpn || probe > n->end_vpn)))
            return ktest_failf("lookup of page %u disagrees with the model", probe);
    }
    return mi_vad_check(tree);
}

const char *tc_vad_random_against_model(void)
{
    struct mi_vad_tree tree;
    mi_vad_tree_init(&tree, MODEL_LOW, MODEL_HIGH);
    reset();
    rng_state = 0x2545F491u;
    for (uint32_t step = 0; step < 6000; step++) {
        const char *error = random_step(&tree);
        if (error)
            return ktest_failf("step %u: %s", step, error);
    }
    for (uint32_t i = 0; i < MAX_NODES; i++)
        if (in_tree[i])
            mi_vad_remove(&tree, &nodes[i]);
    KT_TRUE(tree.root == NULL && tree.count == 0);
    return NULL;
}

/* Sequential inserts are the worst case for an unbalanced tree; the AVL bound is 1.44 log2(n +
 * 2). */
const char *tc_vad_stays_balanced(void)
{
    struct mi_vad_tree tree;
    mi_vad_tree_init(&tree, 0, MAX_NODES * 4);
    for (uint32_t i = 0; i < MAX_NODES; i++) {
        nodes[i].start_vpn = nodes[i].end_vpn = i * 2;
        KT_TRUE(mi_vad_insert(&tree, &nodes[i]));
    }
    KT_TRUE(tree.root->height <= 12); /* 1.44 * log2(402) = 12.4 */
    const char *error = mi_vad_check(&tree);
    KT_RUN(error);
    uint32_t start = 0;
    KT_TRUE(mi_vad_find_free(&tree, 2, 1, 0, ~0u, MI_VAD_BOTTOM_UP, &start));
    KT_EQ(start, MAX_NODES * 2 - 1);
    for (uint32_t i = 0; i < MAX_NODES; i += 2)
        mi_vad_remove(&tree, &nodes[i]);
    error = mi_vad_check(&tree);
    KT_RUN(error);
    KT_TRUE(mi_vad_find_free(&tree, 3, 1, 0, ~0u, MI_VAD_BOTTOM_UP, &start));
    KT_EQ(start, 3);
    for (uint32_t i = 1; i < MAX_NODES; i += 2)
        mi_vad_remove(&tree, &nodes[i]);
    KT_TRUE(tree.root == NULL);
    return NULL;
}
