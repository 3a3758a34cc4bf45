/* kernel/rtl/list.h: intrusive circular doubly linked lists (NT's LIST_ENTRY): a list head is an
 * entry that points at itself when empty; CONTAINING_RECORD finds the structure around an entry. */
#ifndef PAGODA_LIST_H
#define PAGODA_LIST_H

#include "kernel/ndk/types.h"

struct list_entry {
    struct list_entry *next, *prev;
};

#define CONTAINING_RECORD(entry, type, field) ((type *)((uint8_t *)(entry)-offsetof(type, field)))

#define LIST_FOR_EACH(e, head) for (struct list_entry *e = (head)->next; e != (head); e = e->next)

static inline void list_init(struct list_entry *head) { head->next = head->prev = head; }
static inline bool list_empty(const struct list_entry *head) { return head->next == head; }

static inline void list_insert_tail(struct list_entry *head, struct list_entry *e)
{
    e->next = head;
    e->prev = head->prev;
    head->prev->next = e;
    head->prev = e;
}

static inline void list_insert_head(struct list_entry *head, struct list_entry *e)
{
    e->prev = head;
    e->next = head->next;
    head->next->prev = e;
    head->next = e;
}

static inline void list_remove(struct list_entry *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->next = e->prev = e;
}

static inline struct list_entry *list_remove_head(struct list_entry *head)
{
    struct list_entry *e = head->next;
    list_remove(e);
    return e;
}

#endif
