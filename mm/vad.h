/* mm/vad.h: the tree of a process's virtual address descriptors (VADs): an AVL tree of disjoint
 * page ranges, augmented so that finding a free range (bottom-up or top-down) is O(log n). Pure
 * C11, also compiled for the host tests; the VAD's meaning (type, protection, section) is in
 * mm/mi.h.
 *
 * Each node knows the gap before it: the free pages between its predecessor's end (or the tree's
 * lowest page) and its start. Every node also carries the largest gap in its subtree, twice: in
 * pages, and usable by a range that starts on an allocation-granularity (64 KiB) boundary. A search
 * descends only into subtrees whose largest gap is big enough, so it touches O(log n) nodes:
 *
 *      lowest                                                                   highest
 *        |<-gap(A)->[ A ]<--gap(B)-->[ B ]<-gap(C)->[ C ]<------ tail gap ------>|
 *                                       B: gap = B.start - (A.end + 1)
 *                                          aligned_gap = B.start - align_up(A.end + 1, 16 pages)
 */
#ifndef PAGODA_MM_VAD_H
#define PAGODA_MM_VAD_H

#include "kernel/ndk/types.h"

#define MI_VAD_GRANULARITY_PAGES 16u /* 64 KiB, NT's allocation granularity */

struct mi_vad_node {
    struct mi_vad_node *left, *right, *parent;
    uint32_t start_vpn, end_vpn; /* inclusive */
    uint32_t gap, aligned_gap; /* free pages before this node (see above) */
    uint32_t max_gap, max_aligned_gap; /* the largest of those in this subtree */
    uint8_t height; /* of this subtree; a leaf is 1 */
};

struct mi_vad_tree {
    struct mi_vad_node *root;
    uint32_t count;
    uint32_t lowest_vpn, highest_vpn; /* the range nodes and free ranges may occupy */
    struct mi_vad_node *hint; /* the last node found, tried first by mi_vad_lookup */
};

enum mi_vad_direction { MI_VAD_BOTTOM_UP, MI_VAD_TOP_DOWN };

/* An empty tree over the pages [lowest_vpn, highest_vpn]. */
void mi_vad_tree_init(struct mi_vad_tree *tree, uint32_t lowest_vpn, uint32_t highest_vpn);

/* Inserts node, whose start_vpn and end_vpn are set. Returns false (and changes nothing) when the
 * range is empty, outside the tree's range or overlaps a node already there. */
bool mi_vad_insert(struct mi_vad_tree *tree, struct mi_vad_node *node);
/* Removes a node that is in the tree. */
void mi_vad_remove(struct mi_vad_tree *tree, struct mi_vad_node *node);

/* The node containing vpn, or NULL. */
struct mi_vad_node *mi_vad_lookup(struct mi_vad_tree *tree, uint32_t vpn);
/* The first node (lowest start) that overlaps [start_vpn, end_vpn], or NULL. */
struct mi_vad_node *mi_vad_first_overlap(const struct mi_vad_tree *tree, uint32_t start_vpn,
                                         uint32_t end_vpn);
/* The first node that ends at or above vpn (the one containing it, or the next above), or NULL. */
struct mi_vad_node *mi_vad_ceiling(const struct mi_vad_tree *tree, uint32_t vpn);
/* In-order walk: the lowest node, and the next and previous of a node (NULL at either end). */
struct mi_vad_node *mi_vad_first(const struct mi_vad_tree *tree);
struct mi_vad_node *mi_vad_next(const struct mi_vad_node *node);
struct mi_vad_node *mi_vad_prev(const struct mi_vad_node *node);

/* Finds free pages for a range of `pages` pages starting on a multiple of align_pages (1 or
 * MI_VAD_GRANULARITY_PAGES) inside [low_vpn, high_vpn] (clipped to the tree's range): the lowest
 * such start (bottom-up) or the highest (top-down). Returns true with *start_vpn set, or false. */
bool mi_vad_find_free(const struct mi_vad_tree *tree, uint32_t pages, uint32_t align_pages,
                      uint32_t low_vpn, uint32_t high_vpn, enum mi_vad_direction direction,
                      uint32_t *start_vpn);

/* Checks every invariant (order, disjointness, heights, balance, parents, gaps and their maxima);
 * returns NULL or what is wrong. For tests. */
const char *mi_vad_check(const struct mi_vad_tree *tree);

#endif
