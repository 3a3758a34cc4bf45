/* mm/physmap.c: normalizes the firmware memory map by a sweep over its boundary points: between two
 * consecutive points every entry either covers the whole interval or none of it, so each interval
 * is simply usable or not. Quadratic in the entry count, which the Multiboot map keeps small. */
#include "mm/physmap.h"

#define FOUR_GIB   0x100000000ull
#define MAX_POINTS (2 * (MM_PHYSMAP_MAX_ENTRIES + MM_PHYSMAP_MAX_ENTRIES + 2))

static uint64_t entry_end(const struct mm_phys_entry *e)
{
    uint64_t end = e->base + e->length;
    return end < e->base ? UINT64_MAX : end; /* a length that wraps runs to the top */
}

static void sort_points(uint64_t *p, int n)
{
    for (int i = 1; i < n; i++) {
        uint64_t v = p[i];
        int j = i - 1;
        for (; j >= 0 && p[j] > v; j--)
            p[j + 1] = p[j];
        p[j + 1] = v;
    }
}

static bool covered(uint64_t lo, uint64_t hi, uint64_t base, uint64_t end)
{
    return base <= lo && hi <= end;
}

/* Is [lo, hi) usable RAM that is not excluded? Intervals come from the boundary points, so partial
 * overlap cannot happen. */
static bool interval_usable(uint64_t lo, uint64_t hi, const struct mm_phys_entry *entries, int n,
                            const struct mm_phys_range *excluded, int nx)
{
    bool usable = false;
    for (int i = 0; i < n; i++) {
        if (entries[i].length == 0 || !covered(lo, hi, entries[i].base, entry_end(&entries[i])))
            continue;
        if (entries[i].type != MM_PHYS_TYPE_USABLE)
            return false;
        usable = true;
    }
    for (int i = 0; usable && i < nx; i++)
        if (covered(lo, hi, excluded[i].base, excluded[i].end))
            return false;
    return usable && hi <= FOUR_GIB;
}

static int collect_points(const struct mm_phys_entry *entries, int n,
                          const struct mm_phys_range *excluded, int nx, uint64_t *points)
{
    int count = 0;
    points[count++] = 0;
    points[count++] = FOUR_GIB;
    for (int i = 0; i < n; i++) {
        if (entries[i].length == 0)
            continue;
        points[count++] = entries[i].base;
        points[count++] = entry_end(&entries[i]);
    }
    for (int i = 0; i < nx; i++) {
        points[count++] = excluded[i].base;
        points[count++] = excluded[i].end;
    }
    sort_points(points, count);
    return count;
}

/* Adds [lo, hi) to out, merging with the last range when they touch. */
static int append_range(struct mm_phys_range *out, int count, int max_out, uint64_t lo, uint64_t hi)
{
    if (count > 0 && out[count - 1].end == lo) {
        out[count - 1].end = hi;
        return count;
    }
    if (count == max_out)
        return count; /* more fragments than room: the rest is not used */
    out[count].base = lo;
    out[count].end = hi;
    return count + 1;
}

/* Trims each range to whole pages and drops those left empty. */
static int page_align(struct mm_phys_range *r, int count)
{
    int kept = 0;
    for (int i = 0; i < count; i++) {
        uint64_t base = (r[i].base + PAGE_MASK) & ~(uint64_t)PAGE_MASK;
        uint64_t end = r[i].end & ~(uint64_t)PAGE_MASK;
        if (base < end)
            r[kept++] = (struct mm_phys_range){base, end};
    }
    return kept;
}

static int apply_limit(struct mm_phys_range *r, int count, uint64_t limit)
{
    if (limit == 0)
        return count;
    uint64_t left = limit & ~(uint64_t)PAGE_MASK;
    for (int i = 0; i < count; i++) {
        uint64_t size = r[i].end - r[i].base;
        if (size >= left) {
            r[i].end = r[i].base + left;
            return left ? i + 1 : i;
        }
        left -= size;
    }
    return count;
}

int mm_physmap_normalize(const struct mm_phys_entry *entries, int entry_count,
                         const struct mm_phys_range *excluded, int excluded_count,
                         uint64_t mem_limit, struct mm_phys_range *out, int max_out,
                         uint64_t *ram_bytes)
{
    uint64_t points[MAX_POINTS];
    if (entry_count > MM_PHYSMAP_MAX_ENTRIES)
        entry_count = MM_PHYSMAP_MAX_ENTRIES;
    if (excluded_count > MM_PHYSMAP_MAX_ENTRIES)
        excluded_count = MM_PHYSMAP_MAX_ENTRIES;
    int np = collect_points(entries, entry_count, excluded, excluded_count, points);

    int count = 0;
    uint64_t ram = 0;
    for (int i = 0; i + 1 < np; i++) {
        uint64_t lo = points[i], hi = points[i + 1];
        if (lo == hi)
            continue;
        if (interval_usable(lo, hi, entries, entry_count, NULL, 0))
            ram += hi - lo;
        if (interval_usable(lo, hi, entries, entry_count, excluded, excluded_count))
            count = append_range(out, count, max_out, lo, hi);
    }
    if (ram_bytes)
        *ram_bytes = ram;
    return apply_limit(out, page_align(out, count), mem_limit);
}
