/* kernel/ex/sync.h: helpers shared by the services that create, open and signal dispatcher
 * objects. */
#ifndef PAGODA_SYNC_H
#define PAGODA_SYNC_H

#include "kernel/ob/ob.h"

extern struct ob_type ex_event_type, ex_semaphore_type, ex_mutant_type;

bool ex_is_waitable_type(const struct ob_type *type);
/* Signals an event (set), semaphore (release 1) or mutant (release) through a handle that granted
 * `granted`: STATUS_ACCESS_DENIED without the type's modify right, STATUS_OBJECT_TYPE_MISMATCH for
 * other objects. */
NTSTATUS ex_signal_by_type(void *object, ACCESS_MASK granted);

#endif
