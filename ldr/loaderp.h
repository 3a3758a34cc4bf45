/* ldr/loaderp.h: the loader's internals (ldr/loader*.c): the module record around NT's
 * LDR_DATA_TABLE_ENTRY, the loader's one state, a load in progress, and the helpers the files
 * share. */
#ifndef PAGODA_LDR_LOADERP_H
#define PAGODA_LDR_LOADERP_H

#include "ldr/loader.h"
#include "ldr/pe.h"

#ifndef NDEBUG
#define LDRP_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            __builtin_trap();                                                                      \
    } while (0)
#else
#define LDRP_CHECK(cond) ((void)0)
#endif

#define LDRP_NO_TLS_SLOT  0xFFFFFFFFu
#define LDRP_MAX_FORWARDS 16u /* hops of one forwarder chain */
#define LDRP_NAME_CHARS   (LDR_MAX_PATH + 8u) /* a name with ".dll" added, NUL included */
#define LDRP_PATH_CHARS   (2u * LDR_MAX_PATH + 8u) /* a directory, '\\' and a name */
#define LDRP_MAX_REGIONS  (LDR_PE_MAX_SECTIONS + 1u)
#define LDRP_REGION_WORDS ((LDRP_MAX_REGIONS + 31u) / 32u)
#define LDRP_CONTAINING(p)                                                                         \
    ((struct ldr_module *)(void *)(p)) /* entry is the record's first field */

enum ldrp_state {
    LDRP_MAPPED, /* on the load and memory lists, headers parsed, imports not bound */
    LDRP_SNAPPED, /* imports bound, TLS set up: ready for its initialization */
    LDRP_READY, /* initialized (or has nothing to run) */
    LDRP_FAILED, /* its DllMain said no */
};

struct ldr_module {
    LDR_DATA_TABLE_ENTRY entry; /* first: the PEB's lists link these */
    enum ldrp_state state;
    struct ldr_pe_image *pe; /* the headers, as ldr_pe_parse_mapped read them */
    struct ldr_pe_view view;
    struct ldr_pe_exports exports;
    NTSTATUS exports_status; /* of ldr_pe_exports_open; STATUS_PENDING until the first lookup */
    struct ldr_pe_tls tls; /* read at the module's actual base */
    uint32_t tls_slot; /* LDRP_NO_TLS_SLOT, or its index into every thread's TLS vector */
    struct ldr_module **deps; /* the graph's edges out of it, no duplicates */
    uint32_t dep_count, dep_capacity;
    uint32_t refs; /* LdrLoadDll references not yet released */
    bool pinned; /* the exe, ntdll and what they load: never unloaded */
    bool doomed; /* made by a load that failed: goes whatever refers to it */
    bool dying; /* an unload's victim: detached, then removed */
    uint32_t load_id; /* the load that mapped it */
    uint32_t mark; /* walks: equal to ldrp.generation once visited */
    struct ldr_module *next_queued; /* its load's queue of modules whose imports are not bound */
    WCHAR path[]; /* FullDllName's characters, NUL-terminated */
};

/* A thread's TLS: the vector TEB.ThreadLocalStoragePointer points at, one block per slot. */
struct ldrp_thread {
    LIST_ENTRY link;
    PAGODA_TEB *teb;
    void *vector[LDR_TLS_SLOTS];
};

/* The loader: one per process, in ntdll's data (copy-on-write: each process has its own). */
struct ldrp_loader {
    PEB_LDR_DATA data; /* PEB.Ldr points here */
    struct ldr_module *exe, *ntdll;
    uint32_t module_count;
    uint32_t generation; /* for marks */
    uint32_t last_load_id;
    bool process_initialized, shutting_down;
    uint32_t sweeping; /* an unload is running (DllMain may unload more) */
    bool sweep_again;
    LIST_ENTRY threads; /* struct ldrp_thread */
    uint32_t tls_slots[LDR_TLS_SLOTS / 32]; /* bitmap of slots in use */
    struct ldr_failure failure;
};

extern struct ldrp_loader ldrp;

/* A load in progress: where it searches, and the modules it mapped whose imports are still to
 * bind, in the order they were mapped. */
struct ldrp_load {
    const WCHAR *search; /* NULL: the default order */
    uint32_t search_chars;
    uint32_t id;
    struct ldr_module *queue_head, *queue_tail;
};

/* Regions of a module made writable for a while (relocations, the IAT, the TLS index). */
struct ldrp_unprotect {
    struct ldr_module *module;
    uint32_t regions[LDRP_REGION_WORDS]; /* bit i: region i was made writable */
};

/* What to find in a module's exports. */
struct ldrp_symbol {
    enum ldr_pe_import_by by;
    const char *name; /* NUL-terminated */
    uint16_t hint;
    uint32_t ordinal;
};

/* ---- ldr/loader.c: module records and the graph ---- */
void ldrp_list_init(LIST_ENTRY *head);
void ldrp_list_insert_tail(LIST_ENTRY *head, LIST_ENTRY *entry);
void ldrp_list_remove(LIST_ENTRY *entry);
struct ldr_module *ldrp_first_module(void);
struct ldr_module *ldrp_next_module(const struct ldr_module *m); /* load order; NULL at the end */
NTSTATUS ldrp_create_module(const WCHAR *path, uint32_t chars, void *base, uint32_t size,
                            uint32_t load_id, struct ldr_module **out);
struct ldr_module *ldrp_find_by_base(const void *base);
struct ldr_module *ldrp_find_by_name(const WCHAR *name, uint32_t chars, bool full_path);
NTSTATUS ldrp_add_dep(struct ldr_module *from, struct ldr_module *to);
void ldrp_sweep(void);
void ldrp_update_load_counts(void);
void ldrp_fail(NTSTATUS status, const struct ldr_module *importer, const char *dll,
               const char *detail);
void ldrp_fail_wide(NTSTATUS status, const struct ldr_module *importer, const WCHAR *dll,
                    uint32_t chars, const char *detail);

/* ---- ldr/loader_map.c: finding, mapping and relocating images ---- */
NTSTATUS ldrp_get_dll(struct ldrp_load *load, const WCHAR *name, uint32_t chars,
                      const struct ldr_module *importer, struct ldr_module **out);
void ldrp_enqueue(struct ldrp_load *load, struct ldr_module *m);
NTSTATUS ldrp_make_writable(struct ldrp_unprotect *u, uint32_t rva);
void ldrp_restore_protection(struct ldrp_unprotect *u);

/* ---- ldr/loader_bind.c: imports, exports and forwarders ---- */
NTSTATUS ldrp_snap_module(struct ldrp_load *load, struct ldr_module *m);
NTSTATUS ldrp_resolve(struct ldrp_load *load, struct ldr_module *holder, struct ldr_module *m,
                      const struct ldrp_symbol *want, void **address);

/* ---- ldr/loader_init.c: the end of a load, initialization, the process and its threads ---- */
NTSTATUS ldrp_finish_load(struct ldrp_load *load, struct ldr_module *root, void *reserved);
void ldrp_abandon_load(const struct ldrp_load *load);
void ldrp_detach_module(struct ldr_module *m, void *reserved);
NTSTATUS ldrp_closure(struct ldr_module *root, struct ldr_module ***modules, uint32_t *count);

/* ---- ldr/loader_tls.c: TLS slots, the threads' vectors, TLS callbacks ---- */
NTSTATUS ldrp_setup_tls(struct ldr_module *m);
void ldrp_release_tls(struct ldr_module *m);
NTSTATUS ldrp_create_thread_tls(void);
void ldrp_free_thread_tls(void);
void ldrp_call_tls_callbacks(struct ldr_module *m, uint32_t reason, void *reserved);

/* ---- ldr/loader_name.c: names and paths ---- */
WCHAR ldrp_fold(WCHAR c);
bool ldrp_names_equal(const WCHAR *a, uint32_t a_chars, const WCHAR *b, uint32_t b_chars);
uint32_t ldrp_base_name_offset(const WCHAR *path, uint32_t chars);
bool ldrp_has_path(const WCHAR *name, uint32_t chars);
NTSTATUS ldrp_normalize_name(const WCHAR *name, uint32_t chars, WCHAR *out, uint32_t *out_chars);
uint32_t ldrp_widen(const char *ascii, uint32_t length, WCHAR *out, uint32_t capacity);
void ldrp_narrow(const WCHAR *wide, uint32_t chars, char *out, size_t size);
uint32_t ldrp_wcslen(const WCHAR *s);

/* Directories to look in for a DLL, one after the other. */
struct ldrp_dirs {
    const WCHAR *list; /* an explicit ';'-separated list, or NULL for the default order */
    uint32_t list_chars, pos;
    uint32_t step; /* the default order's next source */
    struct ldr_sys_search inputs;
};
void ldrp_dirs_begin(struct ldrp_dirs *it, const WCHAR *list, uint32_t list_chars);
bool ldrp_dirs_next(struct ldrp_dirs *it, WCHAR *dir, uint32_t capacity, uint32_t *chars);

#endif
