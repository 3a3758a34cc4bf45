/* kernel/ob/namespace.c: the object namespace: directory objects (NT's OBJECT_DIRECTORY: 37 hash
 * buckets of headers) under a root `\`, with \BaseNamedObjects, \Device and \?? made at boot. Names
 * are UTF-16 full paths, compared without regard to the case of ASCII letters. */
#include "kernel/ke/ke.h"
#include "kernel/ob/obp.h"

#define DIRECTORY_QUERY               0x0001u
#define DIRECTORY_TRAVERSE            0x0002u
#define DIRECTORY_CREATE_OBJECT       0x0004u
#define DIRECTORY_CREATE_SUBDIRECTORY 0x0008u
#define DIRECTORY_ALL_ACCESS          (STANDARD_RIGHTS_REQUIRED | 0xFu)
#define STANDARD_RIGHTS_READ          READ_CONTROL

struct ob_type ob_directory_type = {
    .name = "Directory",
    .pool_tag = MM_TAG('D', 'i', 'r', 'e'),
    .valid_access = DIRECTORY_ALL_ACCESS,
    .generic =
        {
            .read = STANDARD_RIGHTS_READ | DIRECTORY_QUERY | DIRECTORY_TRAVERSE,
            .write = STANDARD_RIGHTS_READ | DIRECTORY_CREATE_OBJECT | DIRECTORY_CREATE_SUBDIRECTORY,
            .execute = STANDARD_RIGHTS_READ | DIRECTORY_QUERY | DIRECTORY_TRAVERSE,
            .all = DIRECTORY_ALL_ACCESS,
        },
};

static struct obp_directory *root_directory;

static WCHAR upcase(WCHAR c) { return c >= 'a' && c <= 'z' ? (WCHAR)(c - 'a' + 'A') : c; }

static uint32_t hash_name(const WCHAR *name, size_t chars)
{
    uint32_t hash = 0;
    for (size_t i = 0; i < chars; i++)
        hash = hash * 31 + upcase(name[i]);
    return hash % OBP_BUCKETS;
}

static bool same_name(const struct ob_header *header, const WCHAR *name, size_t chars)
{
    if (header->name_chars != chars)
        return false;
    for (size_t i = 0; i < chars; i++)
        if (upcase(header->name[i]) != upcase(name[i]))
            return false;
    return true;
}

/* The entry of dir called name, or NULL. obp_lock held. */
static struct ob_header *find_entry(struct obp_directory *dir, const WCHAR *name, size_t chars)
{
    struct ob_header *header = dir->buckets[hash_name(name, chars)];
    while (header && !same_name(header, name, chars))
        header = header->bucket_next;
    return header;
}

/* A body too small for the buckets (a mistaken ob_create_object) is not treated as a directory. */
static bool is_directory(const struct ob_header *header)
{
    return header->type == &ob_directory_type && header->body_size >= sizeof(struct obp_directory);
}

/* Follows path[0, chars), a checked path or the empty string, from the root through directories;
 * NULL when a component is missing or is not a directory. obp_lock held. */
static struct obp_directory *walk(const WCHAR *path, size_t chars)
{
    struct obp_directory *dir = root_directory;
    size_t i = 0;
    while (dir && i < chars) {
        size_t start = ++i; /* past the '\' */
        while (i < chars && path[i] != '\\')
            i++;
        struct ob_header *header = find_entry(dir, path + start, i - start);
        dir = header && is_directory(header) ? obp_body(header) : NULL;
    }
    return dir;
}

/* Full paths only: a root directory handle would be resolved by the caller (ob.h). */
NTSTATUS obp_check_name(const WCHAR *name, size_t chars, size_t *leaf_chars)
{
    size_t component = 0;
    if (!name || chars == 0 || chars > OBP_MAX_NAME || name[0] != '\\')
        return STATUS_OBJECT_NAME_INVALID;
    for (size_t i = 1; i < chars; i++) {
        if (name[i] != '\\') {
            component++;
        } else if (component == 0) {
            return STATUS_OBJECT_NAME_INVALID; /* "\\" inside the path */
        } else {
            component = 0;
        }
    }
    if (chars > 1 && component == 0)
        return STATUS_OBJECT_NAME_INVALID; /* a trailing '\' */
    *leaf_chars = component;
    return STATUS_SUCCESS;
}

static void insert_entry(struct obp_directory *dir, struct ob_header *header)
{
    struct ob_header **bucket = &dir->buckets[hash_name(header->name, header->name_chars)];
    header->bucket_next = *bucket;
    *bucket = header;
    header->directory = dir;
    obp_reference_locked(obp_header(dir));
}

/* The header a checked name leads to, or why there is none; *parent is the directory its last
 * component is in or would go in (NULL for the root and a path not found). obp_lock held. */
static NTSTATUS find_object(const WCHAR *name, size_t chars, size_t leaf_chars,
                            struct ob_header **found, struct obp_directory **parent)
{
    *found = NULL;
    *parent = NULL;
    if (leaf_chars == 0) {
        *found = obp_header(root_directory);
        return STATUS_SUCCESS;
    }
    *parent = walk(name, chars - leaf_chars - 1);
    if (!*parent)
        return STATUS_OBJECT_PATH_NOT_FOUND;
    *found = find_entry(*parent, name + chars - leaf_chars, leaf_chars);
    return *found ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
}

/* See obp.h: the directories of the path must exist now; the check and the insertion are one step
 * under the lock, so two creators of one name cannot both succeed, and the object that has the
 * name is referenced before it can go. */
NTSTATUS obp_insert_name(struct ob_header *header, const WCHAR *path, size_t chars,
                         struct ob_header **existing)
{
    struct obp_directory *dir = NULL;
    struct ob_header *found = NULL;
    ASSERT(header->directory == NULL && (header->name_chars == 0 || chars > header->name_chars));
    uint32_t irq = ke_acquire_spin_lock(&obp_lock);
    NTSTATUS status = find_object(path, chars, header->name_chars, &found, &dir);
    if (status == STATUS_OBJECT_NAME_NOT_FOUND) {
        insert_entry(dir, header);
        status = STATUS_SUCCESS;
    } else if (NT_SUCCESS(status)) {
        status = STATUS_OBJECT_NAME_COLLISION; /* "\" too: the root exists */
        if (existing)
            obp_reference_locked(found);
    }
    ke_release_spin_lock(&obp_lock, irq);
    if (existing)
        *existing = status == STATUS_OBJECT_NAME_COLLISION ? found : NULL;
    return status;
}

/* See obp.h; a header missing from the bucket its name hashes to is kernel corruption. */
void *obp_remove_name(struct ob_header *header)
{
    ASSERT(ke_spin_lock_held(&obp_lock));
    struct obp_directory *dir = header->directory;
    if (!dir)
        return NULL;
    struct ob_header **link = &dir->buckets[hash_name(header->name, header->name_chars)];
    while (*link != header) {
        if (!*link)
            ke_panic("ob: %p is not in its directory %p", (void *)header, (void *)dir);
        link = &(*link)->bucket_next;
    }
    *link = header->bucket_next;
    header->bucket_next = NULL;
    header->directory = NULL;
    return dir;
}

/* See ob.h. "\" is the root directory; the reference is taken under the lock that found the
 * object, so it cannot be deleted in between. */
NTSTATUS ob_lookup_object(const WCHAR *name, size_t name_chars, struct ob_type *type, void **object)
{
    struct ob_header *header = NULL;
    size_t leaf_chars = 0;
    *object = NULL;
    NTSTATUS status = obp_check_name(name, name_chars, &leaf_chars);
    if (!NT_SUCCESS(status))
        return status;
    struct obp_directory *parent;
    uint32_t irq = ke_acquire_spin_lock(&obp_lock);
    status = find_object(name, name_chars, leaf_chars, &header, &parent);
    if (NT_SUCCESS(status) && type && header->type != type)
        status = STATUS_OBJECT_TYPE_MISMATCH;
    if (NT_SUCCESS(status)) {
        obp_reference_locked(header);
        *object = obp_body(header);
    }
    ke_release_spin_lock(&obp_lock, irq);
    return status;
}

static size_t name_length(const WCHAR *name)
{
    size_t chars = 0;
    while (name[chars])
        chars++;
    return chars;
}

/* A permanent directory; its reference is kept for good. */
static void *make_directory(const WCHAR *name)
{
    void *dir = NULL;
    NTSTATUS status = ob_create_object(&ob_directory_type, sizeof(struct obp_directory), name,
                                       name ? name_length(name) : 0, &dir);
    if (NT_SUCCESS(status) && name)
        status = ob_insert_object(dir, 0, 0, NULL, &dir);
    if (!NT_SUCCESS(status))
        ke_panic("ob: cannot create a directory of the namespace: status %08x", (uint32_t)status);
    obp_make_permanent(dir);
    return dir;
}

/* Creates the root directory and the standard directories below it. Call once, after the pool. */
void ob_init(void)
{
    static const WCHAR *const directories[] = {u"\\BaseNamedObjects", u"\\Device", u"\\??"};
    ASSERT(root_directory == NULL);
    root_directory = make_directory(NULL);
    for (size_t i = 0; i < ARRAY_SIZE(directories); i++)
        make_directory(directories[i]);
    ke_debug("ob: namespace ready: \\, \\BaseNamedObjects, \\Device, \\??\n");
}
