/* mm/vad.c: the VAD tree (mm/vad.h): an AVL tree of disjoint page ranges with parent pointers, each
 * node augmented with the free gap before it and the largest gaps in its subtree. Pure C11. */
#include "mm/vad.h"

typedef struct mi_vad_node node_t;

static uint32_t height(const node_t *n) { return n ? n->height : 0; }
static uint32_t max_gap(const node_t *n) { return n ? n->max_gap : 0; }
static uint32_t max_aligned_gap(const node_t *n) { return n ? n->max_aligned_gap : 0; }

static uint32_t max3(uint32_t a, uint32_t b, uint32_t c) { return MAX(a, MAX(b, c)); }

/* Recomputes n's height and subtree maxima from its children (its own gaps are already right). */
static void update(node_t *n)
{
    n->height = (uint8_t)(1 + MAX(height(n->left), height(n->right)));
    n->max_gap = max3(n->gap, max_gap(n->left), max_gap(n->right));
    n->max_aligned_gap = max3(n->aligned_gap, max_aligned_gap(n->left), max_aligned_gap(n->right));
}

/* The first free page after a node's predecessor (pages before the tree's lowest are never
 * free). */
static uint32_t free_start_after(const struct mi_vad_tree *tree, const node_t *pred)
{
    return pred ? pred->end_vpn + 1 : tree->lowest_vpn;
}

static void set_gap(const struct mi_vad_tree *tree, node_t *n, const node_t *pred)
{
    uint64_t free_start = free_start_after(tree, pred);
    uint64_t aligned = ALIGN_UP(free_start, (uint64_t)MI_VAD_GRANULARITY_PAGES);
    n->gap = (uint32_t)(n->start_vpn - free_start);
    n->aligned_gap = n->start_vpn > aligned ? (uint32_t)(n->start_vpn - aligned) : 0;
}

/* ---- in-order navigation ---- */

static node_t *leftmost(node_t *n)
{
    while (n && n->left)
        n = n->left;
    return n;
}

static node_t *rightmost(node_t *n)
{
    while (n && n->right)
        n = n->right;
    return n;
}

struct mi_vad_node *mi_vad_first(const struct mi_vad_tree *tree) { return leftmost(tree->root); }

struct mi_vad_node *mi_vad_next(const struct mi_vad_node *n)
{
    if (n->right)
        return leftmost(n->right);
    while (n->parent && n->parent->right == n)
        n = n->parent;
    return n->parent;
}

struct mi_vad_node *mi_vad_prev(const struct mi_vad_node *n)
{
    if (n->left)
        return rightmost(n->left);
    while (n->parent && n->parent->left == n)
        n = n->parent;
    return n->parent;
}

/* ---- balancing ---- */

static void replace_child(struct mi_vad_tree *tree, node_t *parent, node_t *old, node_t *new)
{
    if (!parent)
        tree->root = new;
    else if (parent->left == old)
        parent->left = new;
    else
        parent->right = new;
    if (new)
        new->parent = parent;
}

static node_t *rotate_left(struct mi_vad_tree *tree, node_t *x)
{
    node_t *y = x->right;
    x->right = y->left;
    if (y->left)
        y->left->parent = x;
    replace_child(tree, x->parent, x, y);
    y->left = x;
    x->parent = y;
    update(x);
    update(y);
    return y;
}

static node_t *rotate_right(struct mi_vad_tree *tree, node_t *x)
{
    node_t *y = x->left;
    x->left = y->right;
    if (y->right)
        y->right->parent = x;
    replace_child(tree, x->parent, x, y);
    y->right = x;
    x->parent = y;
    update(x);
    update(y);
    return y;
}

/* Restores the AVL property at n (whose children are balanced); returns the subtree's new root. */
static node_t *rebalance(struct mi_vad_tree *tree, node_t *n)
{
    int balance = (int)height(n->left) - (int)height(n->right);
    if (balance > 1) {
        if (height(n->left->left) < height(n->left->right))
            rotate_left(tree, n->left);
        return rotate_right(tree, n);
    }
    if (balance < -1) {
        if (height(n->right->right) < height(n->right->left))
            rotate_right(tree, n->right);
        return rotate_left(tree, n);
    }
    return n;
}

/* Updates and rebalances every node from n up to the root. Rotations keep the in-order sequence,
 * so the gaps stay right; only heights and maxima change. */
static void fix_upward(struct mi_vad_tree *tree, node_t *n)
{
    while (n) {
        update(n);
        n = rebalance(tree, n)->parent;
    }
}

/* ---- insert, remove, lookup ---- */

void mi_vad_tree_init(struct mi_vad_tree *tree, uint32_t lowest_vpn, uint32_t highest_vpn)
{
    tree->root = tree->hint = NULL;
    tree->count = 0;
    tree->lowest_vpn = lowest_vpn;
    tree->highest_vpn = highest_vpn;
}

bool mi_vad_insert(struct mi_vad_tree *tree, struct mi_vad_node *node)
{
    if (node->start_vpn > node->end_vpn || node->start_vpn < tree->lowest_vpn ||
        node->end_vpn > tree->highest_vpn)
        return false;
    node_t *parent = NULL, **link = &tree->root, *pred = NULL, *succ = NULL;
    while (*link) {
        parent = *link;
        if (node->start_vpn < parent->start_vpn) {
            succ = parent;
            link = &parent->left;
        } else {
            pred = parent;
            link = &parent->right;
        }
    }
    if ((pred && pred->end_vpn >= node->start_vpn) || (succ && succ->start_vpn <= node->end_vpn))
        return false;
    node->left = node->right = NULL;
    node->parent = parent;
    *link = node;
    set_gap(tree, node, pred);
    update(node);
    if (succ)
        set_gap(tree, succ, node);
    tree->count++;
    fix_upward(tree, parent);
    if (succ)
        fix_upward(tree, succ);
    return true;
}

void mi_vad_remove(struct mi_vad_tree *tree, struct mi_vad_node *node)
{
    node_t *pred = mi_vad_prev(node), *succ = mi_vad_next(node);
    node_t *fix_from;
    if (node->left && node->right) {
        /* Put the successor (leftmost of the right subtree) in node's place. */
        node_t *s = succ;
        fix_from = s->parent == node ? s : s->parent;
        if (s->parent != node) {
            replace_child(tree, s->parent, s, s->right);
            s->right = node->right;
            s->right->parent = s;
        }
        s->left = node->left;
        s->left->parent = s;
        replace_child(tree, node->parent, node, s);
    } else {
        fix_from = node->parent;
        replace_child(tree, node->parent, node, node->left ? node->left : node->right);
    }
    if (tree->hint == node)
        tree->hint = NULL;
    tree->count--;
    node->left = node->right = node->parent = NULL;
    if (succ)
        set_gap(tree, succ, pred);
    fix_upward(tree, fix_from);
    if (succ)
        fix_upward(tree, succ);
}

static bool contains(const node_t *n, uint32_t vpn)
{
    return n && n->start_vpn <= vpn && vpn <= n->end_vpn;
}

struct mi_vad_node *mi_vad_lookup(struct mi_vad_tree *tree, uint32_t vpn)
{
    if (contains(tree->hint, vpn))
        return tree->hint;
    node_t *n = tree->root;
    while (n && !contains(n, vpn))
        n = vpn < n->start_vpn ? n->left : n->right;
    if (n)
        tree->hint = n;
    return n;
}

struct mi_vad_node *mi_vad_ceiling(const struct mi_vad_tree *tree, uint32_t vpn)
{
    node_t *n = tree->root, *found = NULL;
    while (n) {
        if (n->end_vpn >= vpn) {
            found = n;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return found;
}

struct mi_vad_node *mi_vad_first_overlap(const struct mi_vad_tree *tree, uint32_t start_vpn,
                                         uint32_t end_vpn)
{
    node_t *n = mi_vad_ceiling(tree, start_vpn);
    return n && n->start_vpn <= end_vpn ? n : NULL;
}

/* ---- finding free ranges ---- */

struct search {
    uint64_t pages, align, low, high;
    enum mi_vad_direction direction;
};

static uint32_t subtree_max(const struct search *q, const node_t *n)
{
    return q->align == MI_VAD_GRANULARITY_PAGES ? max_aligned_gap(n) : max_gap(n);
}

/* Does a run fit in the free pages [first, last] (64-bit: last may be first - 1 when empty)? */
static bool fits(const struct search *q, uint64_t first, uint64_t last, uint32_t *out)
{
    first = MAX(first, q->low);
    last = MIN(last, q->high);
    if (first > last || last - first + 1 < q->pages)
        return false;
    uint64_t start = q->direction == MI_VAD_BOTTOM_UP ? ALIGN_UP(first, q->align)
                                                      : ALIGN_DOWN(last + 1 - q->pages, q->align);
    if (start < first || start + q->pages - 1 > last)
        return false;
    *out = (uint32_t)start;
    return true;
}

static bool fits_before(const struct search *q, const node_t *n, uint32_t *out)
{
    return fits(q, (uint64_t)n->start_vpn - n->gap, (uint64_t)n->start_vpn - 1, out);
}

/* The gaps of a left subtree all end below n's start; those of a right subtree begin after its
 * end. */
static bool search_bottom_up(const struct search *q, const node_t *n, uint32_t *out)
{
    if (!n || subtree_max(q, n) < q->pages)
        return false;
    if (q->low < n->start_vpn && search_bottom_up(q, n->left, out))
        return true;
    if (fits_before(q, n, out))
        return true;
    return q->high > n->end_vpn && search_bottom_up(q, n->right, out);
}

static bool search_top_down(const struct search *q, const node_t *n, uint32_t *out)
{
    if (!n || subtree_max(q, n) < q->pages)
        return false;
    if (q->high > n->end_vpn && search_top_down(q, n->right, out))
        return true;
    if (fits_before(q, n, out))
        return true;
    return q->low < n->start_vpn && search_top_down(q, n->left, out);
}

bool mi_vad_find_free(const struct mi_vad_tree *tree, uint32_t pages, uint32_t align_pages,
                      uint32_t low_vpn, uint32_t high_vpn, enum mi_vad_direction direction,
                      uint32_t *start_vpn)
{
    if (pages == 0 || align_pages == 0 || (align_pages & (align_pages - 1)))
        return false;
    struct search q = {
        .pages = pages,
        .align = align_pages,
        .low = MAX(low_vpn, tree->lowest_vpn),
        .high = MIN(high_vpn, tree->highest_vpn),
        .direction = direction,
    };
    if (q.low > q.high)
        return false;
    const node_t *last = rightmost(tree->root);
    uint64_t tail_first = free_start_after(tree, last);
    if (direction == MI_VAD_TOP_DOWN)
        return fits(&q, tail_first, tree->highest_vpn, start_vpn) ||
               search_top_down(&q, tree->root, start_vpn);
    return search_bottom_up(&q, tree->root, start_vpn) ||
           fits(&q, tail_first, tree->highest_vpn, start_vpn);
}

/* ---- checking ---- */

struct check {
    const struct mi_vad_tree *tree;
    const node_t *pred;
    uint32_t count;
    const char *error;
};

static const char *check_node(struct check *c, const node_t *n)
{
    if (n->start_vpn > n->end_vpn || n->start_vpn < c->tree->lowest_vpn ||
        n->end_vpn > c->tree->highest_vpn)
        return "a node's range is empty or outside the tree";
    if (c->pred && c->pred->end_vpn >= n->start_vpn)
        return "nodes overlap or are out of order";
    node_t expect = *n;
    set_gap(c->tree, &expect, c->pred);
    if (expect.gap != n->gap || expect.aligned_gap != n->aligned_gap)
        return "a node's gap is stale";
    int balance = (int)height(n->left) - (int)height(n->right);
    if (balance < -1 || balance > 1)
        return "the tree is out of balance";
    update(&expect);
    if (expect.height != n->height || expect.max_gap != n->max_gap ||
        expect.max_aligned_gap != n->max_aligned_gap)
        return "a node's height or subtree maximum is stale";
    return NULL;
}

static void check_subtree(struct check *c, const node_t *n)
{
    if (!n || c->error)
        return;
    if ((n->left && n->left->parent != n) || (n->right && n->right->parent != n)) {
        c->error = "a child's parent pointer is wrong";
        return;
    }
    check_subtree(c, n->left);
    if (c->error)
        return;
    c->error = check_node(c, n);
    c->pred = n;
    c->count++;
    check_subtree(c, n->right);
}

const char *mi_vad_check(const struct mi_vad_tree *tree)
{
    struct check c = {.tree = tree};
    if (tree->root && tree->root->parent)
        return "the root has a parent";
    check_subtree(&c, tree->root);
    if (!c.error && c.count != tree->count)
        return "the node count is wrong";
    return c.error;
}
