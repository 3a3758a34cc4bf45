/* mm/section.c: section objects and their services: NtCreateSection (pagefile-backed with
 * SEC_COMMIT or SEC_RESERVE, or a data file, whose one segment every section and view of the file
 * shares), NtOpenSection, NtMapViewOfSection, NtUnmapViewOfSection and NtFlushVirtualMemory. Named
 * sections live in \BaseNamedObjects like every named object. */
#include "mm/services.h"
#include "kernel/io/io.h"
#include "kernel/ndk/ntmm.h"
#include "kernel/ob/ob.h"
#include "kernel/ke/probe.h"
#include "kernel/ps/ps.h"
#include "kernel/ps/thread.h"
#include "mm/mi.h"

struct mm_section {
    struct mi_segment *segment;
    uint64_t size; /* bytes */
    uint32_t protection; /* the section's page protection (MM) */
    uint32_t attributes; /* SEC_* */
};

static void section_delete(void *object)
{
    struct mm_section *section = object;
    if (section->segment)
        mi_dereference_segment(section->segment);
}

struct ob_type mm_section_type = {
    .name = "Section",
    .pool_tag = MM_TAG('S', 'e', 'c', 't'),
    .valid_access = SECTION_ALL_ACCESS,
    .generic = {READ_CONTROL | SECTION_QUERY | SECTION_MAP_READ, READ_CONTROL | SECTION_MAP_WRITE,
                READ_CONTROL | SECTION_MAP_EXECUTE, SECTION_ALL_ACCESS},
    .delete_procedure = section_delete,
};

/* ---- creation ---- */

#define SECTION_ATTRIBUTES (SEC_COMMIT | SEC_RESERVE | SEC_IMAGE | SEC_NOCACHE | SEC_FILE)

static NTSTATUS check_attributes(uint32_t attributes)
{
    if ((attributes & ~SECTION_ATTRIBUTES) ||
        !(attributes & (SEC_COMMIT | SEC_RESERVE | SEC_IMAGE)))
        return STATUS_INVALID_PARAMETER_6;
    if ((attributes & SEC_IMAGE) && (attributes & (SEC_COMMIT | SEC_RESERVE | SEC_NOCACHE)))
        return STATUS_INVALID_PARAMETER_6;
    if ((attributes & SEC_COMMIT) && (attributes & SEC_RESERVE))
        return STATUS_INVALID_PARAMETER_6;
    return STATUS_SUCCESS;
}

/* The file rights a section of this protection needs (NT's rule). */
static ACCESS_MASK file_access_for(uint32_t protection)
{
    ACCESS_MASK access = FILE_READ_DATA;
    if (mm_protection_writable(protection) && !mm_protection_copy_on_write(protection))
        access |= FILE_WRITE_DATA;
    uint32_t base = protection & MM_BASE_MASK;
    if (base == MM_EXECUTE || base == MM_EXECUTE_READ || base == MM_EXECUTE_READWRITE ||
        base == MM_EXECUTE_WRITECOPY)
        access |= FILE_EXECUTE;
    return access;
}

/* The segment of a file: the FCB's, grown to `pages` if it is smaller, or a new one. */
static NTSTATUS file_segment(struct io_file *file, uint32_t pages, struct mi_segment **out)
{
    void **owner = &file->fcb->section_object_pointers.data_section;
    struct mi_segment *seg = *owner;
    if (!seg)
        return mi_create_data_segment(&io_file_pager, file, owner, pages, out);
    NTSTATUS status = mi_extend_segment(seg, pages);
    if (NT_SUCCESS(status)) {
        mi_reference_segment(seg);
        *out = seg;
    }
    return status;
}

/* A data file's section: size 0 means the file's size; a larger size extends a file that the
 * section may write, and is STATUS_SECTION_TOO_BIG otherwise. */
static NTSTATUS file_section(HANDLE file_handle, uint64_t *size, uint32_t protection,
                             struct mi_segment **segment)
{
    struct io_file *file;
    ACCESS_MASK granted;
    NTSTATUS status = ob_reference_object_by_handle(ps_current_process(), file_handle, 0,
                                                    &io_file_type, (void **)&file, &granted);
    if (!NT_SUCCESS(status))
        return status;
    uint64_t file_size = 0;
    if ((granted & file_access_for(protection)) != file_access_for(protection))
        status = STATUS_ACCESS_DENIED;
    else if (file->fcb->directory)
        status = STATUS_INVALID_FILE_FOR_SECTION;
    else
        status = io_file_pager.query_size(file, &file_size);
    if (NT_SUCCESS(status) && *size == 0) {
        *size = file_size;
        status = file_size ? STATUS_SUCCESS : STATUS_MAPPED_FILE_SIZE_ZERO;
    }
    /* Checked before a larger size extends the file, so a refused section changes nothing. */
    if (NT_SUCCESS(status) && *size > 0xFFFFFFFFull - PAGE_MASK)
        status = STATUS_SECTION_TOO_BIG;
    if (NT_SUCCESS(status) && *size > file_size)
        status = (file_access_for(protection) & FILE_WRITE_DATA)
                     ? io_file_pager.set_size(file, *size)
                     : STATUS_SECTION_TOO_BIG;
    if (NT_SUCCESS(status))
        status = file_segment(file, (uint32_t)((*size + PAGE_MASK) >> PAGE_SHIFT), segment);
    ob_dereference_object(file);
    return status;
}

/* Held from the look at a file's FCB to the new image segment's place in it: making one reads the
 * headers from the disk, and two processes that load one DLL at once must not make two segments
 * (the second would replace the first in the FCB: a SHARED section shared by neither). NT waits
 * on the control area being created; one lock for every file is enough here. */
static struct ke_lock image_creation_lock;

void mi_init_sections(void) { ke_init_lock(&image_creation_lock, "image segment creation"); }

/* The image segment of a file: the FCB's, or a new one from its headers. */
static NTSTATUS image_segment(struct io_file *file, struct mi_segment **out)
{
    void **owner = &file->fcb->section_object_pointers.image_section;
    ke_acquire_lock(&image_creation_lock);
    uint32_t irq = mi_lock_pfn(); /* the segment's release clears *owner under it */
    struct mi_segment *seg = *owner;
    if (seg)
        mi_reference_segment_locked(seg); /* an unused one leaves the unused list */
    mi_unlock_pfn(irq);
    NTSTATUS status = STATUS_SUCCESS;
    if (seg)
        *out = seg;
    else if (file->fcb->directory)
        status = STATUS_INVALID_FILE_FOR_SECTION;
    else
        status = mi_create_image_segment(&io_file_pager, file, owner, out);
    ke_release_lock(&image_creation_lock);
    return status;
}

/* SEC_IMAGE: the file handle needs FILE_EXECUTE (NT's rule); the section is the image's size. */
static NTSTATUS image_section(HANDLE file_handle, uint64_t *size, struct mi_segment **segment)
{
    struct io_file *file;
    ACCESS_MASK granted;
    if (!file_handle)
        return STATUS_INVALID_FILE_FOR_SECTION;
    NTSTATUS status = ob_reference_object_by_handle(ps_current_process(), file_handle, 0,
                                                    &io_file_type, (void **)&file, &granted);
    if (!NT_SUCCESS(status))
        return status;
    status = (granted & FILE_EXECUTE) ? image_segment(file, segment) : STATUS_ACCESS_DENIED;
    if (NT_SUCCESS(status))
        *size = mi_image_info(*segment)->size_of_image;
    ob_dereference_object(file);
    return status;
}

static NTSTATUS make_segment(HANDLE file_handle, uint64_t *size, uint32_t protection,
                             uint32_t attributes, struct mi_segment **segment)
{
    if (attributes & SEC_IMAGE)
        return image_section(file_handle, size, segment);
    if (file_handle)
        return file_section(file_handle, size, protection, segment);
    if (*size == 0)
        return STATUS_INVALID_PARAMETER_4;
    if (*size > 0xFFFFFFFFull - PAGE_MASK)
        return STATUS_SECTION_TOO_BIG;
    return mi_create_pagefile_segment((uint32_t)((*size + PAGE_MASK) >> PAGE_SHIFT), protection,
                                      !(attributes & SEC_RESERVE), segment);
}

/* The segment (which may wait for the disk), then the object that holds it; ob_insert_object makes
 * it visible only once it is complete. */
static NTSTATUS create_section(struct ke_captured_name *name, uint64_t size, uint32_t protection,
                               uint32_t attributes, HANDLE file_handle, struct mm_section **out)
{
    struct mi_segment *seg;
    NTSTATUS status = make_segment(file_handle, &size, protection, attributes, &seg);
    if (!NT_SUCCESS(status))
        return status;
    if (attributes & SEC_IMAGE)
        protection = MM_EXECUTE_WRITECOPY; /* the pages' own protections come from the image */
    status =
        ob_create_object(&mm_section_type, sizeof **out, name->chars, name->length, (void **)out);
    if (!NT_SUCCESS(status)) {
        mi_dereference_segment(seg);
        return status;
    }
    **out = (struct mm_section){seg, size, protection, attributes};
    return STATUS_SUCCESS;
}

NTSTATUS NtCreateSection(HANDLE *user_handle, ACCESS_MASK access,
                         const OBJECT_ATTRIBUTES *user_attributes, const int64_t *user_size,
                         uint32_t page_protection, uint32_t attributes, HANDLE file_handle)
{
    NTSTATUS status = check_attributes(attributes);
    if (!NT_SUCCESS(status))
        return status;
    uint32_t protection = mm_protection_from_win32(page_protection);
    if (protection == MM_INVALID_PROTECTION || mm_protection_guard(protection) ||
        protection == MM_NOACCESS)
        return STATUS_INVALID_PAGE_PROTECTION;
    int64_t size = 0;
    if (!NT_SUCCESS(status = ke_probe_user_write(user_handle, sizeof(HANDLE), 1)) ||
        (user_size && !NT_SUCCESS(status = ke_copy_from_user(&size, user_size, sizeof size, 1))))
        return status;
    if (size < 0)
        return STATUS_INVALID_PARAMETER_4;
    struct ke_captured_name name;
    uint32_t object_attributes;
    status = ke_capture_object_attributes(user_attributes, &name, &object_attributes);
    if (!NT_SUCCESS(status))
        return status;
    struct mm_section *section;
    status = create_section(&name, (uint64_t)size, protection, attributes, file_handle, &section);
    if (NT_SUCCESS(status))
        status = ob_insert_object(section, access, object_attributes, user_handle, NULL);
    ke_release_captured_name(&name);
    return status;
}

NTSTATUS NtOpenSection(HANDLE *user_handle, ACCESS_MASK access,
                       const OBJECT_ATTRIBUTES *user_attributes)
{
    if (!user_attributes)
        return STATUS_INVALID_PARAMETER;
    struct ke_captured_name name;
    uint32_t object_attributes;
    NTSTATUS status = ke_probe_user_write(user_handle, sizeof(HANDLE), 1);
    if (NT_SUCCESS(status))
        status = ke_capture_object_attributes(user_attributes, &name, &object_attributes);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_open_object_by_name(name.chars, name.length, &mm_section_type, access,
                                    object_attributes, user_handle);
    ke_release_captured_name(&name);
    return status;
}

/* ---- views ---- */

/* The section rights a view of this protection needs. */
static ACCESS_MASK section_access_for(uint32_t protection)
{
    ACCESS_MASK access = SECTION_MAP_READ;
    if (mm_protection_writable(protection) && !mm_protection_copy_on_write(protection))
        access |= SECTION_MAP_WRITE;
    uint32_t base = protection & MM_BASE_MASK;
    if (base == MM_EXECUTE || base == MM_EXECUTE_READ || base == MM_EXECUTE_READWRITE ||
        base == MM_EXECUTE_WRITECOPY)
        access |= SECTION_MAP_EXECUTE;
    return access;
}

/* May a view of this protection map a section of that one? Shared writes need a writable
 * section; copy-on-write and reads need only a readable one. */
static bool view_compatible(uint32_t section, uint32_t view)
{
    bool shared_write = mm_protection_writable(view) && !mm_protection_copy_on_write(view);
    if (shared_write && (!mm_protection_writable(section) || mm_protection_copy_on_write(section)))
        return false;
    return mm_protection_accessible(section);
}

struct map_request {
    vaddr_t base;
    uint32_t size;
    uint64_t offset;
};

static NTSTATUS capture_map_request(void **user_base, int64_t *user_offset, uint32_t *user_size,
                                    struct map_request *r)
{
    int64_t offset = 0;
    NTSTATUS status;
    if (!NT_SUCCESS(status = ke_probe_user_write(user_base, sizeof(void *), 1)) ||
        !NT_SUCCESS(status = ke_copy_from_user(&r->base, user_base, sizeof r->base, 1)) ||
        !NT_SUCCESS(status = ke_probe_user_write(user_size, sizeof(uint32_t), 1)) ||
        !NT_SUCCESS(status = ke_copy_from_user(&r->size, user_size, sizeof r->size, 1)))
        return status;
    if (user_offset) {
        status = ke_probe_user_write(user_offset, sizeof offset, 1);
        if (NT_SUCCESS(status))
            status = ke_copy_from_user(&offset, user_offset, sizeof offset, 1);
        if (!NT_SUCCESS(status))
            return status;
    }
    r->offset = (uint64_t)offset;
    return offset < 0 ? STATUS_INVALID_PARAMETER_6 : STATUS_SUCCESS;
}

static NTSTATUS check_map_arguments(uint32_t inherit, uint32_t type, uint32_t protection)
{
    if (inherit != ViewShare && inherit != ViewUnmap)
        return STATUS_INVALID_PARAMETER_8;
    if (type & ~(MEM_TOP_DOWN | MEM_RESERVE))
        return STATUS_INVALID_PARAMETER_9;
    uint32_t mm = mm_protection_from_win32(protection);
    if (mm == MM_INVALID_PROTECTION || mm_protection_guard(mm))
        return STATUS_INVALID_PAGE_PROTECTION;
    return STATUS_SUCCESS;
}

/* Maps while attached to the target process; the caller's user memory is copied after. */
static NTSTATUS map_in(struct ps_process *p, struct mm_section *section, struct map_request *r,
                       uint32_t zero_bits, uint32_t type, uint32_t protection)
{
    bool image = section->attributes & SEC_IMAGE;
    if (!image && !view_compatible(section->protection, protection))
        return STATUS_SECTION_PROTECTION;
    ps_attach_process(p);
    NTSTATUS status = image
                          ? mi_map_image_view(section->segment, &r->base, &r->size, zero_bits, type)
                          : mi_map_view(section->segment, section->size, &r->base, &r->size,
                                        r->offset, zero_bits, type, protection);
    ps_detach_process();
    return status;
}

static NTSTATUS reference_process(HANDLE handle, struct ps_process **p)
{
    NTSTATUS status = ob_reference_object_by_handle(
        ps_current_process(), handle, PROCESS_VM_OPERATION, &ps_process_type, (void **)p, NULL);
    if (NT_SUCCESS(status) && (*p)->thread_count == 0) {
        ob_dereference_object(*p);
        status = STATUS_PROCESS_IS_TERMINATING;
    }
    return status;
}

NTSTATUS NtMapViewOfSection(HANDLE section_handle, HANDLE process_handle, void **user_base,
                            uint32_t zero_bits, uint32_t commit_size, int64_t *user_offset,
                            uint32_t *user_size, uint32_t inherit, uint32_t type,
                            uint32_t page_protection)
{
    (void)commit_size; /* views commit as their section does */
    NTSTATUS status = check_map_arguments(inherit, type, page_protection);
    struct map_request r;
    if (NT_SUCCESS(status))
        status = capture_map_request(user_base, user_offset, user_size, &r);
    if (!NT_SUCCESS(status))
        return status;
    /* NT checks against the system's highest user address; the target process's own limit is
     * enforced where the view is placed. */
    vaddr_t highest = mm_split.highest_user_address;
    if (r.base > highest || highest - r.base < r.size)
        return STATUS_INVALID_PARAMETER_3;
    if (zero_bits > 21)
        return STATUS_INVALID_PARAMETER_4;
    struct ps_process *p;
    if (!NT_SUCCESS(status = reference_process(process_handle, &p)))
        return status;
    uint32_t protection = mm_protection_from_win32(page_protection);
    struct mm_section *section;
    status = ob_reference_object_by_handle(ps_current_process(), section_handle,
                                           section_access_for(protection), &mm_section_type,
                                           (void **)&section, NULL);
    if (NT_SUCCESS(status)) {
        status = map_in(p, section, &r, zero_bits, type, protection);
        ob_dereference_object(section);
    }
    ob_dereference_object(p);
    if (NT_SUCCESS(status)) { /* STATUS_IMAGE_NOT_AT_BASE too */
        ke_copy_to_user(user_base, &r.base, sizeof r.base, 1);
        ke_copy_to_user(user_size, &r.size, sizeof r.size, 1);
    }
    return status;
}

/* ---- for the kernel: images (process creation) ---- */

NTSTATUS mm_create_image_section(void *file, struct mm_section **out)
{
    struct mi_segment *seg;
    NTSTATUS status = image_segment(file, &seg);
    if (!NT_SUCCESS(status))
        return status;
    struct mm_section *section;
    status = ob_create_object(&mm_section_type, sizeof *section, NULL, 0, (void **)&section);
    if (!NT_SUCCESS(status)) {
        mi_dereference_segment(seg);
        return status;
    }
    *section = (struct mm_section){seg, mi_image_info(seg)->size_of_image, MM_EXECUTE_WRITECOPY,
                                   SEC_IMAGE};
    *out = section;
    return STATUS_SUCCESS;
}

const struct mm_image_info *mm_section_image_info(const struct mm_section *section)
{
    return mi_image_info(section->segment);
}

uint32_t mm_section_pages_read(const struct mm_section *section)
{
    return section->segment->pages_read;
}

NTSTATUS mm_map_image_section(struct mm_section *section, vaddr_t *base, uint32_t *size)
{
    if (!(section->attributes & SEC_IMAGE))
        return STATUS_INVALID_PARAMETER;
    return mi_map_image_view(section->segment, base, size, 0, 0);
}

NTSTATUS NtUnmapViewOfSection(HANDLE process_handle, void *base)
{
    struct ps_process *p;
    NTSTATUS status = reference_process(process_handle, &p);
    if (!NT_SUCCESS(status))
        return status;
    ps_attach_process(p);
    status = mm_unmap_view((vaddr_t)(uintptr_t)base);
    ps_detach_process();
    ob_dereference_object(p);
    return status;
}

NTSTATUS NtFlushVirtualMemory(HANDLE process_handle, void **user_base, uint32_t *user_size,
                              IO_STATUS_BLOCK *user_iosb)
{
    vaddr_t base;
    uint32_t size;
    NTSTATUS status;
    if (!NT_SUCCESS(status = ke_probe_user_write(user_base, sizeof base, 1)) ||
        !NT_SUCCESS(status = ke_copy_from_user(&base, user_base, sizeof base, 1)) ||
        !NT_SUCCESS(status = ke_probe_user_write(user_size, sizeof size, 1)) ||
        !NT_SUCCESS(status = ke_copy_from_user(&size, user_size, sizeof size, 1)) ||
        !NT_SUCCESS(status = ke_probe_user_write(user_iosb, sizeof *user_iosb, 4)))
        return status;
    struct ps_process *p;
    if (!NT_SUCCESS(status = reference_process(process_handle, &p)))
        return status;
    ps_attach_process(p);
    status = mm_flush_view(&base, &size);
    ps_detach_process();
    ob_dereference_object(p);
    if (!NT_SUCCESS(status) && status != STATUS_IN_PAGE_ERROR)
        return status;
    io_write_status_block(user_iosb, status, 0);
    ke_copy_to_user(user_base, &base, sizeof base, 1);
    ke_copy_to_user(user_size, &size, sizeof size, 1);
    return status;
}
