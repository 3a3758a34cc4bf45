/* user/ntdll/heap.c: the loader's small allocator (ldr_sys_alloc/free), until RtlHeap exists:
 * blocks of 16 bytes to 8 KiB in power-of-two classes cut from 256 KiB arenas committed as they
 * fill, with a free list per class; larger blocks have their own reservation. Called with the
 * loader lock held. */
#include "user/ntdll/ntdllp.h"

#define ARENA_SIZE   (256u << 10)
#define COMMIT_STEP  (16u << 10)
#define MIN_SHIFT    4u /* 16 bytes */
#define CLASSES      10u /* 16 .. 8 KiB */
#define LARGE_CLASS  0xFFFFu
#define HEADER_SIZE  16u /* keeps blocks 16-byte aligned */
#define HEADER_MAGIC 0x4C647248u /* "HrdL" */

struct header {
    uint32_t magic;
    uint32_t klass; /* a class, or LARGE_CLASS */
    uint32_t size; /* LARGE_CLASS: the reservation's size */
    uint32_t unused;
};

struct free_block {
    struct free_block *next;
};

static struct {
    uint8_t *cursor, *committed, *end; /* the arena blocks are cut from */
    struct free_block *free[CLASSES];
    uint32_t in_use; /* blocks handed out and not freed, for the leak checks */
} heap;

static uint32_t class_of(size_t bytes)
{
    uint32_t k = 0;
    while ((1u << (k + MIN_SHIFT)) < bytes)
        k++;
    return k;
}

static NTSTATUS new_arena(void)
{
    void *base = NULL;
    size_t size = ARENA_SIZE;
    NTSTATUS status =
        NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_RESERVE, PAGE_READWRITE);
    if (NT_SUCCESS(status))
        heap.cursor = heap.committed = base, heap.end = (uint8_t *)base + size;
    return status;
}

/* Cuts `bytes` from the arena, committing as it goes; a new arena when this one is full (the rest
 * of the old one is left: blocks are small and arenas many). */
static void *cut(uint32_t bytes)
{
    if (!heap.cursor || (uint32_t)(heap.end - heap.cursor) < bytes)
        if (!NT_SUCCESS(new_arena()))
            return NULL;
    while ((uint32_t)(heap.committed - heap.cursor) < bytes) {
        void *base = heap.committed;
        size_t size = COMMIT_STEP;
        if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_COMMIT,
                                                PAGE_READWRITE)))
            return NULL;
        heap.committed += COMMIT_STEP;
    }
    void *block = heap.cursor;
    heap.cursor += bytes;
    return block;
}

static struct header *large_block(size_t bytes)
{
    void *base = NULL;
    size_t size = bytes + HEADER_SIZE;
    if (size < bytes ||
        !NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                            MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)))
        return NULL;
    struct header *h = base;
    h->klass = LARGE_CLASS;
    h->size = (uint32_t)size;
    return h;
}

void *ldr_sys_alloc(size_t size)
{
    struct header *h;
    if (size + HEADER_SIZE > (1u << (CLASSES - 1 + MIN_SHIFT)) || size + HEADER_SIZE < size) {
        h = large_block(size);
    } else {
        uint32_t k = class_of(size + HEADER_SIZE);
        h = (struct header *)heap.free[k];
        if (h)
            heap.free[k] = heap.free[k]->next;
        else
            h = cut(1u << (k + MIN_SHIFT));
        if (h)
            h->klass = k;
    }
    if (!h)
        return NULL;
    h->magic = HEADER_MAGIC;
    heap.in_use++;
    uint8_t *block = (uint8_t *)(h + 1);
    if (h->klass != LARGE_CLASS)
        memset(block, 0, (1u << (h->klass + MIN_SHIFT)) - HEADER_SIZE);
    return block;
}

void ldr_sys_free(void *block)
{
    if (!block)
        return;
    struct header *h = (struct header *)block - 1;
    if (h->magic != HEADER_MAGIC || (h->klass >= CLASSES && h->klass != LARGE_CLASS))
        __builtin_trap(); /* not a block of this heap, or freed twice */
    h->magic = 0;
    heap.in_use--;
    if (h->klass == LARGE_CLASS) {
        void *base = h;
        size_t size = 0;
        NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);
        return;
    }
    uint32_t k = h->klass;
    struct free_block *f = (struct free_block *)h; /* over the header: a second free traps */
    f->next = heap.free[k];
    heap.free[k] = f;
}

uint32_t ntdll_heap_blocks_in_use(void) { return heap.in_use; }
