/* kernel/fs/fat/kernel_glue.c: what the FAT library (kernel/fs/fat/) takes from the kernel: pool
 * memory under the 'Fat ' tag and the system time. The host tests provide their own
 * (tests/host). */
#include "kernel/fs/fat/fat.h"
#include "kernel/ke/wait.h"
#include "mm/mm.h"

#define FAT_POOL_TAG MM_TAG('F', 'a', 't', ' ')

void *fat_alloc(size_t size) { return mm_pool_alloc(size, FAT_POOL_TAG); }

void fat_free(void *p) { mm_pool_free(p, FAT_POOL_TAG); }

int64_t fat_now(void) { return ke_query_system_time(); }
