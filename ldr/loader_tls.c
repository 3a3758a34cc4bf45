/* ldr/loader_tls.c: implicit TLS (__declspec(thread), the TLS directory): a slot for each module
 * with one, written to its index variable, and in every thread a vector
 * (TEB.ThreadLocalStoragePointer) of blocks, each a fresh copy of its module's template and zero
 * fill; TLS callbacks. */
#include "kernel/rtl/string.h"
#include "ldr/loaderp.h"

static bool is_tls_module(const struct ldr_module *m) { return m->tls_slot != LDRP_NO_TLS_SLOT; }

/* A new block for m: its template copied, the zero fill zeroed (the allocation is). */
static void *new_block(const struct ldr_module *m)
{
    uint32_t template = m->tls.raw_end - m->tls.raw_start;
    uint8_t *block = ldr_sys_alloc(MAX(template + m->tls.zero_fill, sizeof(void *)));
    const void *source = ldr_pe_rva(&m->view, m->tls.raw_start - m->view.load_base, template);
    if (block && template && source)
        memcpy(block, source, template);
    return block;
}

static struct ldrp_thread *thread_of(const PAGODA_TEB *teb)
{
    for (LIST_ENTRY *l = ldrp.threads.Flink; l != &ldrp.threads; l = l->Flink) {
        struct ldrp_thread *t = (struct ldrp_thread *)(void *)l;
        if (t->teb == teb)
            return t;
    }
    return NULL;
}

static uint32_t take_slot(void)
{
    for (uint32_t i = 0; i < LDR_TLS_SLOTS; i++)
        if (!(ldrp.tls_slots[i / 32] & (1u << (i % 32)))) {
            ldrp.tls_slots[i / 32] |= 1u << (i % 32);
            return i;
        }
    return LDRP_NO_TLS_SLOT;
}

static NTSTATUS write_index(struct ldr_module *m, uint32_t slot)
{
    struct ldrp_unprotect u = {.module = m};
    uint32_t rva = m->tls.index_va - m->view.load_base;
    uint32_t *index = ldr_pe_rva(&m->view, rva, sizeof *index);
    NTSTATUS status = index ? ldrp_make_writable(&u, rva) : STATUS_INVALID_IMAGE_FORMAT;
    if (NT_SUCCESS(status))
        *index = slot;
    ldrp_restore_protection(&u);
    return status;
}

/* Gives m (whose TLS directory ldr_pe_tls_read checked) a slot and a block in every thread the
 * loader knows; threads started later get theirs in ldr_initialize_thread. For the exe and the
 * static DLLs this is NT's static TLS; for a DLL loaded later, NT 6's (NT 5 left it broken).
 * STATUS_NO_MEMORY, or STATUS_INSUFFICIENT_RESOURCES when all LDR_TLS_SLOTS are taken. */
NTSTATUS ldrp_setup_tls(struct ldr_module *m)
{
    if (!m->tls.present || is_tls_module(m))
        return STATUS_SUCCESS;
    uint32_t slot = take_slot();
    if (slot == LDRP_NO_TLS_SLOT)
        return STATUS_INSUFFICIENT_RESOURCES;
    m->tls_slot = slot;
    m->entry.TlsIndex = (uint16_t)slot;
    NTSTATUS status = write_index(m, slot);
    for (LIST_ENTRY *l = ldrp.threads.Flink; NT_SUCCESS(status) && l != &ldrp.threads;
         l = l->Flink) {
        struct ldrp_thread *t = (struct ldrp_thread *)(void *)l;
        if (!(t->vector[slot] = new_block(m)))
            status = STATUS_NO_MEMORY;
    }
    if (!NT_SUCCESS(status))
        ldrp_release_tls(m);
    return status;
}

/* Frees m's block in every thread and its slot (an unloaded module, or a failed setup). */
void ldrp_release_tls(struct ldr_module *m)
{
    if (!is_tls_module(m))
        return;
    uint32_t slot = m->tls_slot;
    LDRP_CHECK(slot < LDR_TLS_SLOTS);
    for (LIST_ENTRY *l = ldrp.threads.Flink; l != &ldrp.threads; l = l->Flink) {
        struct ldrp_thread *t = (struct ldrp_thread *)(void *)l;
        ldr_sys_free(t->vector[slot]);
        t->vector[slot] = NULL;
    }
    ldrp.tls_slots[slot / 32] &= ~(1u << (slot % 32));
    m->tls_slot = LDRP_NO_TLS_SLOT;
}

/* The calling thread's record and its blocks, one for every module with a slot. */
NTSTATUS ldrp_create_thread_tls(void)
{
    PAGODA_TEB *teb = ldr_sys_current_teb();
    struct ldrp_thread *t = ldr_sys_alloc(sizeof *t);
    if (!t)
        return STATUS_NO_MEMORY;
    t->teb = teb;
    ldrp_list_insert_tail(&ldrp.threads, &t->link);
    for (struct ldr_module *m = ldrp_first_module(); m; m = ldrp_next_module(m))
        if (is_tls_module(m) && !(t->vector[m->tls_slot] = new_block(m))) {
            ldrp_free_thread_tls();
            return STATUS_NO_MEMORY;
        }
    teb->ThreadLocalStoragePointer = t->vector;
    return STATUS_SUCCESS;
}

/* Frees the calling thread's blocks (a thread that is ended by another never gets here: its blocks
 * stay until the process ends, as NT's do). */
void ldrp_free_thread_tls(void)
{
    PAGODA_TEB *teb = ldr_sys_current_teb();
    struct ldrp_thread *t = thread_of(teb);
    if (!t)
        return;
    teb->ThreadLocalStoragePointer = NULL;
    for (uint32_t i = 0; i < LDR_TLS_SLOTS; i++)
        ldr_sys_free(t->vector[i]);
    ldrp_list_remove(&t->link);
    ldr_sys_free(t);
}

/* Runs m's TLS callbacks with reason, in the directory's order. */
void ldrp_call_tls_callbacks(struct ldr_module *m, uint32_t reason, void *reserved)
{
    for (uint32_t i = 0; m->tls.present && i < m->tls.callback_count; i++) {
        uint32_t va;
        if (NT_SUCCESS(ldr_pe_tls_callback(&m->view, &m->tls, i, &va)))
            ldr_sys_call_entry((void *)(uintptr_t)va, m->entry.DllBase, reason, reserved);
    }
}
