/* kernel/fs/fat/dir.c: directory entries: walking a directory by entry index (fixed FAT12/16 root
 * or a cluster chain), long names assembled and checked, lookup, adding entries (with a short name
 * and its long-name entries), removing them. */
#include "kernel/fs/fat/fatp.h"

void fatp_dir_iter_init(struct fatp_dir_iter *it, struct fat_volume *vol, uint32_t first)
{
    it->vol = vol;
    it->first = first;
    it->cluster = first;
    it->base = 0;
}

NTSTATUS fatp_dir_locate(struct fatp_dir_iter *it, uint32_t index, struct fatp_buf **buf,
                         struct fatp_dirent **entry)
{
    struct fat_volume *vol = it->vol;
    uint32_t per_sector = vol->bytes_per_sector / FATP_ENTRY_SIZE, sector;
    if (index >= FATP_MAX_DIR_ENTRIES)
        return STATUS_NO_MORE_FILES;
    if (it->first == 0) {
        if (index >= vol->root_entries)
            return STATUS_NO_MORE_FILES;
        sector = vol->first_root_sector + index / per_sector;
    } else {
        uint32_t per_cluster = per_sector * vol->sectors_per_cluster;
        if (index < it->base) {
            it->cluster = it->first;
            it->base = 0;
        }
        while (index - it->base >= per_cluster) {
            uint32_t next;
            NTSTATUS status = fatp_chain_next(vol, it->cluster, &next);
            if (!NT_SUCCESS(status))
                return status;
            if (next == FATP_EOC)
                return STATUS_NO_MORE_FILES;
            it->cluster = next;
            it->base += per_cluster;
        }
        if (!fatp_cluster_valid(vol, it->cluster))
            return STATUS_FILE_CORRUPT_ERROR;
        sector = fatp_cluster_sector(vol, it->cluster) + (index - it->base) / per_sector;
    }
    NTSTATUS status = fatp_cache_get(vol, sector, FATP_FILL_READ, buf);
    if (NT_SUCCESS(status))
        *entry = (struct fatp_dirent *)((*buf)->data + (index % per_sector) * FATP_ENTRY_SIZE);
    return status;
}

/* Long-name assembly state between entries. */
struct lfn_state {
    uint32_t expect; /* the ordinal the next part must have; 0: none in progress */
    uint32_t count;
    uint8_t checksum;
    WCHAR name[FAT_NAME_MAX + 1 + FATP_LFN_UNITS];
};

/* Where UTF-16 unit i (0..12) of a long-name entry is: 5 in name1, 6 in name2, 2 in name3. */
static uint8_t *lfn_unit(struct fatp_lfn_entry *e, uint32_t i)
{
    return i < 5 ? e->name1 + 2 * i : i < 11 ? e->name2 + 2 * (i - 5) : e->name3 + 2 * (i - 11);
}

static void lfn_part(struct lfn_state *s, struct fatp_lfn_entry *e)
{
    uint32_t ord = e->ord & FATP_LFN_ORD_MASK;
    if (e->ord & FATP_LFN_LAST) {
        s->expect = ord;
        s->count = ord;
        s->checksum = e->checksum;
        if (ord == 0 || ord > 20)
            s->expect = 0;
    } else if (s->expect == 0 || ord != s->expect || e->checksum != s->checksum) {
        s->expect = 0;
        return;
    }
    if (s->expect == 0 || e->type != 0 || e->cluster_lo != 0) {
        s->expect = 0;
        return;
    }
    for (uint32_t i = 0; i < FATP_LFN_UNITS; i++)
        s->name[(ord - 1) * FATP_LFN_UNITS + i] = fatp_get16(lfn_unit(e, i));
    s->expect = ord - 1 ? ord - 1 : 0xFF; /* 0xFF: complete, the short entry must follow */
}

/* The long name if the finished sequence belongs to this short entry; else 0. */
static uint32_t lfn_finish(struct lfn_state *s, const struct fatp_dirent *e, WCHAR *out)
{
    bool ok = s->expect == 0xFF && s->checksum == fatp_lfn_checksum(e->name);
    s->expect = 0;
    if (!ok)
        return 0;
    uint32_t n = 0, max = s->count * FATP_LFN_UNITS;
    while (n < max && s->name[n] != 0)
        n++;
    if (n == 0 || n > FAT_NAME_MAX)
        return 0;
    for (uint32_t i = n + 1; i < max; i++) /* 0xFFFF padding; some writers pad with zeros */
        if (s->name[i] != 0xFFFF && s->name[i] != 0)
            return 0;
    fatp_memcpy(out, s->name, n * sizeof(WCHAR));
    out[n] = 0;
    return n;
}

NTSTATUS fatp_dir_next(struct fatp_dir_iter *it, uint32_t *cursor, struct fatp_found *out)
{
    struct lfn_state s;
    s.expect = 0;
    for (uint32_t i = *cursor;; i++) {
        struct fatp_buf *b;
        struct fatp_dirent *e;
        NTSTATUS status = fatp_dir_locate(it, i, &b, &e);
        if (!NT_SUCCESS(status))
            return status;
        if (e->name[0] == 0)
            return STATUS_NO_MORE_FILES;
        if (e->name[0] == FATP_DELETED) {
            s.expect = 0;
            continue;
        }
        if (fatp_entry_is_lfn(e)) {
            lfn_part(&s, (struct fatp_lfn_entry *)e);
            continue;
        }
        uint32_t lfn_count = s.expect == 0xFF ? s.count : 0;
        uint32_t n = lfn_finish(&s, e, out->name);
        if (e->attr & FATP_ATTR_VOLUME)
            continue;
        out->entry = *e;
        out->index = i;
        out->lfn_count = n ? lfn_count : 0;
        out->name_len = n ? n : fatp_short_to_wide(e, out->name);
        *cursor = i + 1;
        return STATUS_SUCCESS;
    }
}

NTSTATUS fatp_dir_find(struct fat_volume *vol, uint32_t dir, const WCHAR *name, uint32_t len,
                       struct fatp_found *out)
{
    struct fatp_dir_iter it;
    uint32_t cursor = 0;
    fatp_dir_iter_init(&it, vol, dir);
    for (;;) {
        NTSTATUS status = fatp_dir_next(&it, &cursor, out);
        if (status == STATUS_NO_MORE_FILES)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        if (!NT_SUCCESS(status))
            return status;
        if (fatp_names_equal(name, len, out->name, out->name_len))
            return STATUS_SUCCESS;
        WCHAR short_name[13];
        uint32_t short_len = fatp_short_to_wide(&out->entry, short_name);
        if (out->lfn_count && fatp_names_equal(name, len, short_name, short_len))
            return STATUS_SUCCESS;
    }
}

/* Marks in used[] the tails n (1 <= n < max) taken by short names of the form basis~n. */
static NTSTATUS scan_tails(struct fat_volume *vol, uint32_t dir, const uint8_t basis[11],
                           uint8_t *used, uint32_t max)
{
    struct fatp_dir_iter it;
    fatp_dir_iter_init(&it, vol, dir);
    for (uint32_t i = 0;; i++) {
        struct fatp_buf *b;
        struct fatp_dirent *e;
        NTSTATUS status = fatp_dir_locate(&it, i, &b, &e);
        if (status == STATUS_NO_MORE_FILES)
            return STATUS_SUCCESS;
        if (!NT_SUCCESS(status))
            return status;
        if (e->name[0] == 0)
            return STATUS_SUCCESS;
        if (e->name[0] == FATP_DELETED || fatp_entry_is_lfn(e))
            continue;
        const uint8_t *name = e->name;
        uint32_t tilde = 0, n = 0;
        while (tilde < 8 && name[tilde] != '~')
            tilde++;
        if (tilde == 8 || fatp_memcmp(name + 8, basis + 8, 3) != 0)
            continue;
        uint32_t k = tilde + 1;
        for (; k < 8 && name[k] >= '0' && name[k] <= '9'; k++)
            n = n * 10 + (name[k] - '0');
        uint8_t candidate[11];
        fatp_tail_name(basis, n, candidate);
        if (n > 0 && n < max && fatp_memcmp(candidate, name, 11) == 0)
            used[n / 8] |= (uint8_t)(1u << (n % 8));
    }
}

/* Picks the smallest free tail for basis (the specification's numeric-tail generation). */
static NTSTATUS make_short_name(struct fat_volume *vol, uint32_t dir, const uint8_t basis[11],
                                uint8_t out[11])
{
    const uint32_t max = FATP_MAX_DIR_ENTRIES + 1;
    uint8_t *used = fat_alloc(max / 8 + 1);
    if (!used)
        return STATUS_NO_MEMORY;
    fatp_memset(used, 0, max / 8 + 1);
    NTSTATUS status = scan_tails(vol, dir, basis, used, max);
    if (NT_SUCCESS(status)) {
        status = STATUS_OBJECT_NAME_COLLISION;
        for (uint32_t n = 1; n < max; n++)
            if (!(used[n / 8] & (1u << (n % 8)))) {
                fatp_tail_name(basis, n, out);
                status = STATUS_SUCCESS;
                break;
            }
    }
    fat_free(used);
    return status;
}

/* Finds `need` consecutive free entries, growing a cluster-chain directory by zeroed clusters. */
static NTSTATUS find_slots(struct fat_volume *vol, uint32_t dir, uint32_t need, uint32_t *first)
{
    struct fatp_dir_iter it;
    uint32_t run = 0, added;
    fatp_dir_iter_init(&it, vol, dir);
    for (uint32_t i = 0;; i++) {
        struct fatp_buf *b;
        struct fatp_dirent *e;
        NTSTATUS status = fatp_dir_locate(&it, i, &b, &e);
        if (status == STATUS_NO_MORE_FILES) {
            if (dir == 0 || i >= FATP_MAX_DIR_ENTRIES)
                return STATUS_DISK_FULL;
            /* The failed walk stopped on the last cluster of the chain. */
            status = fatp_alloc_cluster(vol, it.cluster, true, &added);
            if (!NT_SUCCESS(status))
                return status;
            status = fatp_dir_locate(&it, i, &b, &e);
        }
        if (!NT_SUCCESS(status))
            return status;
        run = e->name[0] == 0 || e->name[0] == FATP_DELETED ? run + 1 : 0;
        if (run == need) {
            *first = i + 1 - need;
            return STATUS_SUCCESS;
        }
    }
}

static void fill_lfn(struct fatp_lfn_entry *e, const WCHAR *name, uint32_t len, uint32_t ord,
                     bool last, uint8_t checksum)
{
    fatp_memset(e, 0, sizeof *e);
    e->ord = (uint8_t)(ord | (last ? FATP_LFN_LAST : 0));
    e->attr = FATP_ATTR_LFN;
    e->checksum = checksum;
    for (uint32_t i = 0; i < FATP_LFN_UNITS; i++) {
        uint32_t k = (ord - 1) * FATP_LFN_UNITS + i;
        fatp_put16(lfn_unit(e, i), k < len ? name[k] : k == len ? 0 : 0xFFFF);
    }
}

static NTSTATUS put_entry(struct fatp_dir_iter *it, uint32_t index, const void *src)
{
    struct fatp_buf *b;
    struct fatp_dirent *e;
    NTSTATUS status = fatp_dir_locate(it, index, &b, &e);
    if (NT_SUCCESS(status)) {
        fatp_memcpy(e, src, FATP_ENTRY_SIZE);
        fatp_cache_dirty(b);
    }
    return status;
}

NTSTATUS fatp_dir_add(struct fat_volume *vol, uint32_t dir, const WCHAR *name, uint32_t len,
                      struct fatp_dirent *entry, uint32_t *index, uint32_t *lfn_count)
{
    uint8_t ntres = 0, basis[11];
    uint32_t parts = 0, first;
    NTSTATUS status = STATUS_SUCCESS;
    if (!fatp_exact_short_name(name, len, entry->name, &ntres)) {
        fatp_basis_name(name, len, basis);
        status = make_short_name(vol, dir, basis, entry->name);
        parts = (len + FATP_LFN_UNITS - 1) / FATP_LFN_UNITS;
    }
    if (NT_SUCCESS(status))
        status = find_slots(vol, dir, parts + 1, &first);
    if (!NT_SUCCESS(status))
        return status;
    entry->ntres = ntres;
    uint8_t checksum = fatp_lfn_checksum(entry->name);
    struct fatp_lfn_entry lfn;
    struct fatp_dir_iter it;
    fatp_dir_iter_init(&it, vol, dir);
    for (uint32_t k = 0; k < parts && NT_SUCCESS(status); k++) {
        fill_lfn(&lfn, name, len, parts - k, k == 0, checksum);
        status = put_entry(&it, first + k, &lfn);
    }
    if (NT_SUCCESS(status))
        status = put_entry(&it, first + parts, entry);
    *index = first + parts;
    *lfn_count = parts;
    return status;
}

NTSTATUS fatp_dir_remove(struct fat_volume *vol, uint32_t dir, uint32_t index, uint32_t lfn_count)
{
    struct fatp_dir_iter it;
    fatp_dir_iter_init(&it, vol, dir);
    if (lfn_count > index)
        return STATUS_FILE_CORRUPT_ERROR;
    for (uint32_t i = index - lfn_count; i <= index; i++) {
        struct fatp_buf *b;
        struct fatp_dirent *e;
        NTSTATUS status = fatp_dir_locate(&it, i, &b, &e);
        if (!NT_SUCCESS(status))
            return status;
        e->name[0] = FATP_DELETED;
        fatp_cache_dirty(b);
    }
    return STATUS_SUCCESS;
}

NTSTATUS fatp_dir_write_entry(struct fat_volume *vol, uint32_t dir, uint32_t index,
                              const struct fatp_dirent *entry)
{
    struct fatp_dir_iter it;
    fatp_dir_iter_init(&it, vol, dir);
    return put_entry(&it, index, entry);
}

NTSTATUS fatp_dir_is_empty(struct fat_volume *vol, uint32_t dir, bool *empty)
{
    struct fatp_dir_iter it;
    struct fatp_found *found = fat_alloc(sizeof *found);
    uint32_t cursor = 0;
    NTSTATUS status;
    if (!found)
        return STATUS_NO_MEMORY;
    fatp_dir_iter_init(&it, vol, dir);
    *empty = true;
    while (NT_SUCCESS(status = fatp_dir_next(&it, &cursor, found))) {
        if (found->entry.name[0] != '.') {
            *empty = false;
            break;
        }
    }
    fat_free(found);
    return status == STATUS_NO_MORE_FILES || NT_SUCCESS(status) ? STATUS_SUCCESS : status;
}
