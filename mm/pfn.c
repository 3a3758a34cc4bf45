/* mm/pfn.c: the PFN database: one struct mi_pfn per frame, the free and zeroed lists, frame
 * allocation and release, and the zeroing the idle thread does. Lists are doubly linked by frame
 * number so that a frame can leave any list in O(1). */
#include "kernel/rtl/string.h"
#include "mm/mi.h"

struct pfn_list {
    pfn_t head;
    uint32_t count;
};

struct ke_spin_lock mi_pfn_lock = KE_SPIN_LOCK_INIT("PFN database");
pfn_t mi_highest_pfn;
bool mi_pfn_database_ready;
static struct pfn_list free_list, zeroed_list;
static uint32_t total_frames, active_frames;

static void list_push(struct pfn_list *list, pfn_t pfn, enum mi_pfn_state state)
{
    struct mi_pfn *e = mi_pfn_entry(pfn);
    e->state = (uint8_t)state;
    e->blink = MM_PFN_NONE;
    e->flink = list->head;
    if (list->head != MM_PFN_NONE)
        mi_pfn_entry(list->head)->blink = pfn;
    list->head = pfn;
    list->count++;
}

static pfn_t list_pop(struct pfn_list *list)
{
    pfn_t pfn = list->head;
    if (pfn == MM_PFN_NONE)
        return MM_PFN_NONE;
    struct mi_pfn *e = mi_pfn_entry(pfn);
    list->head = e->flink;
    if (list->head != MM_PFN_NONE)
        mi_pfn_entry(list->head)->blink = MM_PFN_NONE;
    list->count--;
    e->flink = e->blink = MM_PFN_NONE;
    return pfn;
}

static void make_active(pfn_t pfn)
{
    struct mi_pfn *e = mi_pfn_entry(pfn);
    e->state = MI_PFN_ACTIVE;
    e->ref_count = 1;
    e->share_count = 0;
    e->pte = NULL;
    e->original_pte = 0;
    e->flags = 0;
    active_frames++;
}

/*
 * Fills the database: every frame starts reserved, the usable ranges go on the free list (low
 * frames last, so that allocation prefers high memory and leaves low memory for later ISA DMA), and
 * the frames the boot allocator already handed out become active.
 */
void mi_init_pfn_database(const struct mm_phys_range *usable, int count, pfn_t highest)
{
    mi_highest_pfn = highest;
    memset(mi_pfn_database, 0, (highest + 1) * sizeof(struct mi_pfn));
    for (int i = 0; i < count; i++) {
        pfn_t first = (pfn_t)(usable[i].base >> PAGE_SHIFT);
        pfn_t end = (pfn_t)(usable[i].end >> PAGE_SHIFT);
        for (pfn_t pfn = first; pfn < end; pfn++) {
            total_frames++;
            if (mi_boot_frame_taken(pfn))
                make_active(pfn);
            else
                list_push(&free_list, pfn, MI_PFN_FREE);
        }
    }
    mi_pfn_database_ready = true;
}

pfn_t mm_alloc_frame(enum mm_frame_kind kind)
{
    uint32_t irq = mi_lock_pfn();
    bool needs_zeroing = false;
    pfn_t pfn;
    if (kind == MM_FRAME_ZEROED) {
        pfn = list_pop(&zeroed_list);
        if (pfn == MM_PFN_NONE) {
            pfn = list_pop(&free_list);
            needs_zeroing = true;
        }
    } else {
        pfn = list_pop(&free_list);
        if (pfn == MM_PFN_NONE)
            pfn = list_pop(&zeroed_list);
    }
    if (pfn != MM_PFN_NONE)
        make_active(pfn);
    mi_unlock_pfn(irq);
    if (pfn != MM_PFN_NONE && needs_zeroing)
        mi_zero_frame(pfn);
    return pfn;
}

void mm_free_frame(pfn_t pfn)
{
    uint32_t irq = mi_lock_pfn();
    if (pfn == MM_PFN_NONE || pfn > mi_highest_pfn || mi_pfn_entry(pfn)->state != MI_PFN_ACTIVE)
        ke_panic("mm: freeing frame %#x that is not active (state %u, highest %#x)", pfn,
                 pfn && pfn <= mi_highest_pfn ? mi_pfn_entry(pfn)->state : 0xffu, mi_highest_pfn);
    ASSERT(mi_pfn_entry(pfn)->share_count == 0);
    active_frames--;
    list_push(&free_list, pfn, MI_PFN_FREE);
    mi_unlock_pfn(irq);
}

unsigned mm_zero_free_frames(unsigned max)
{
    unsigned done = 0;
    while (done < max) {
        uint32_t irq = mi_lock_pfn();
        pfn_t pfn = list_pop(&free_list);
        if (pfn != MM_PFN_NONE)
            make_active(pfn); /* ours while it is being zeroed, so the counts still add up */
        mi_unlock_pfn(irq);
        if (pfn == MM_PFN_NONE)
            break;
        mi_zero_frame(pfn);
        irq = mi_lock_pfn();
        active_frames--;
        list_push(&zeroed_list, pfn, MI_PFN_ZEROED);
        mi_unlock_pfn(irq);
        done++;
    }
    return done;
}

/* Frames a request could take now (free and zeroed); the pool's reserve is measured against it. */
uint32_t mi_available_frames(void) { return free_list.count + zeroed_list.count; }

void mm_get_frame_stats(struct mm_frame_stats *s)
{
    uint32_t irq = mi_lock_pfn();
    s->total = total_frames;
    s->free = free_list.count;
    s->zeroed = zeroed_list.count;
    s->active = active_frames;
    s->page_tables = mi_kernel_page_tables;
    s->image_pages = mi_image_pages;
    s->highest_pfn = mi_highest_pfn;
    mi_unlock_pfn(irq);
}
