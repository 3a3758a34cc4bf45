/* tests/user/handles.c: handles and object names as NT defines them. NtClose, NtDuplicateObject and
 * NtQueryObject; named (\BaseNamedObjects) and unnamed events, OBJ_OPENIF, name collisions across
 * types, NtOpenEvent by name and the name's lifetime; closed and forged handles
 * (STATUS_INVALID_HANDLE), objects of the wrong type (STATUS_OBJECT_TYPE_MISMATCH) and handles
 * without the right access (STATUS_ACCESS_DENIED).
 * Sub-tests (argv[1]): close forged duplicate query names types access.
 * Exit status: the number of failed checks. */
#include "kernel/rtl/format.h"
#include "user/rt/rt.h"

#define BNO "\\BaseNamedObjects\\"

static const LARGE_INTEGER_QUAD zero_timeout = 0;

/* ObjectBasicInformation of h; a failed query is a failed check and gives zeroes. */
static OBJECT_BASIC_INFORMATION basic_info(HANDLE h)
{
    OBJECT_BASIC_INFORMATION info;
    uint32_t length = 0;
    memset(&info, 0, sizeof info);
    if (CHECK_STATUS(NtQueryObject(h, ObjectBasicInformation, &info, sizeof info, &length),
                     STATUS_SUCCESS))
        CHECK_EQ(length, sizeof info);
    return info;
}

/* Compares the ObjectTypeInformation name of h with `want`. */
static void check_type_name(HANDLE h, const char *want)
{
    union {
        PAGODA_OBJECT_TYPE_INFORMATION info;
        uint8_t bytes[256];
    } buf;
    uint32_t length = 0;
    if (!CHECK_STATUS(NtQueryObject(h, ObjectTypeInformation, &buf, sizeof buf, &length),
                      STATUS_SUCCESS))
        return;
    const UNICODE_STRING *name = &buf.info.TypeName;
    size_t chars = strlen(want);
    CHECK(length >= sizeof buf.info + chars * 2 && length <= sizeof buf);
    CHECK_EQ(name->Length, chars * 2);
    CHECK((uint8_t *)name->Buffer >= buf.bytes + sizeof buf.info &&
          (uint8_t *)name->Buffer + name->Length <= buf.bytes + sizeof buf);
    for (size_t i = 0; i < chars && name->Length == chars * 2; i++)
        if (name->Buffer[i] != (uint8_t)want[i]) {
            FAIL("type name of handle %p differs from \"%s\" at character %u", h, want,
                 (unsigned)i);
            break;
        }
}

/* ---- close ---- */
static void test_close(void)
{
    HANDLE a = rt_new_event(NotificationEvent, 0), b = rt_new_event(NotificationEvent, 0);
    CHECK(a != NULL && b != NULL && a != b);
    /* NT's handles are multiples of 4 (the low two bits are tag bits). */
    CHECK(((uintptr_t)a & 3) == 0);
    CHECK(((uintptr_t)b & 3) == 0);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtSetEvent(a, NULL), STATUS_INVALID_HANDLE);
    CHECK_STATUS(rt_poll(a), STATUS_INVALID_HANDLE);
    /* Closing one handle leaves the other alone. */
    CHECK_STATUS(NtSetEvent(b, NULL), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(b), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(b), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(b), STATUS_INVALID_HANDLE);
}

/* ---- forged ---- */
static void check_forged(HANDLE h)
{
    OBJECT_BASIC_INFORMATION info;
    HANDLE out = NULL;
    int32_t state;
    char label[48];
    const char *saved = rt_subtest;
    rtl_snprintf(label, sizeof label, "forged handle %p", h);
    rt_subtest = label;
    CHECK_STATUS(NtClose(h), STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtSetEvent(h, &state), STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtResetEvent(h, NULL), STATUS_INVALID_HANDLE);
    CHECK_STATUS(rt_poll(h), STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtWaitForMultipleObjects(1, &h, WaitAny, 0, &zero_timeout), STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtQueryObject(h, ObjectBasicInformation, &info, sizeof info, NULL),
                 STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtDuplicateObject(NtCurrentProcess(), h, NtCurrentProcess(), &out, 0, 0,
                                   DUPLICATE_SAME_ACCESS),
                 STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtReleaseSemaphore(h, 1, NULL), STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtReleaseMutant(h, NULL), STATUS_INVALID_HANDLE);
    rt_subtest = saved;
}

static void test_forged(void)
{
    /* The live handle is made first: NT reuses a closed handle's value for the next handle. */
    HANDLE live = rt_new_event(NotificationEvent, 0);
    HANDLE closed = rt_new_event(NotificationEvent, 0);
    CHECK_STATUS(NtClose(closed), STATUS_SUCCESS);
    /* 0; 3 (not a multiple of 4: NT strips the tag bits and finds handle 0); a large index; the
     * kernel-handle bit (only kernel mode may use kernel handles); a closed handle; an index far
     * past the live one. */
    const uintptr_t forged[] = {
        0, 3, 0x12345678, 0x80000004, 0xFFFFFFF0, (uintptr_t)closed, (uintptr_t)live + 0x4000};
    for (size_t i = 0; i < ARRAY_SIZE(forged); i++)
        check_forged((HANDLE)forged[i]);
    /* The live handle still works after all that. */
    CHECK_STATUS(NtSetEvent(live, NULL), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(live), STATUS_SUCCESS);
}

/* ---- duplicate ---- */
static void test_duplicate(void)
{
    HANDLE e = rt_new_event(NotificationEvent, 0), d = NULL, q = NULL, q2 = NULL;
    HANDLE cur = NtCurrentProcess();
    CHECK_STATUS(NtDuplicateObject(cur, e, cur, &d, 0, 0, DUPLICATE_SAME_ACCESS), STATUS_SUCCESS);
    CHECK(d != NULL && d != e);
    CHECK_EQ(basic_info(e).HandleCount, 2);
    CHECK_EQ(basic_info(d).GrantedAccess, EVENT_ALL_ACCESS);
    /* The same object through both handles. */
    CHECK_STATUS(NtSetEvent(d, NULL), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(e), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(e), STATUS_SUCCESS);
    CHECK_EQ(basic_info(d).HandleCount, 1);
    CHECK_STATUS(rt_poll(d), STATUS_SUCCESS); /* the object lives on through d */

    /* Less access than the source. */
    CHECK_STATUS(NtDuplicateObject(cur, d, cur, &q, EVENT_QUERY_STATE | SYNCHRONIZE, 0, 0),
                 STATUS_SUCCESS);
    CHECK_EQ(basic_info(q).GrantedAccess, EVENT_QUERY_STATE | SYNCHRONIZE);
    CHECK_STATUS(NtSetEvent(q, NULL), STATUS_ACCESS_DENIED);
    CHECK_STATUS(rt_poll(q), STATUS_SUCCESS);

    /* DUPLICATE_CLOSE_SOURCE closes q and keeps its access in q2. */
    CHECK_STATUS(
        NtDuplicateObject(cur, q, cur, &q2, 0, 0, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
        STATUS_SUCCESS);
    CHECK_STATUS(NtClose(q), STATUS_INVALID_HANDLE);
    CHECK_EQ(basic_info(q2).GrantedAccess, EVENT_QUERY_STATE | SYNCHRONIZE);
    CHECK_EQ(basic_info(q2).HandleCount, 2);

    /* The pseudo-handles duplicate into real handles of the process and the thread. */
    HANDLE p = NULL, t = NULL;
    CHECK_STATUS(NtDuplicateObject(cur, NtCurrentProcess(), cur, &p, 0, 0, DUPLICATE_SAME_ACCESS),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtDuplicateObject(cur, NtCurrentThread(), cur, &t, 0, 0, DUPLICATE_SAME_ACCESS),
                 STATUS_SUCCESS);
    check_type_name(p, "Process");
    check_type_name(t, "Thread");
    PROCESS_BASIC_INFORMATION pbi;
    memset(&pbi, 0, sizeof pbi);
    CHECK_STATUS(NtQueryInformationProcess(p, ProcessBasicInformation, &pbi, sizeof pbi, NULL),
                 STATUS_SUCCESS);
    CHECK(pbi.PebBaseAddress == rt_peb);
    CHECK_STATUS(rt_poll(p), STATUS_TIMEOUT); /* a running process is not signaled */
    CHECK_STATUS(rt_poll(t), STATUS_TIMEOUT);

    /* Bad process handles: forged, or not a process. */
    HANDLE out = NULL;
    CHECK_STATUS(NtDuplicateObject((HANDLE)0x1234, d, cur, &out, 0, 0, DUPLICATE_SAME_ACCESS),
                 STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtDuplicateObject(cur, d, (HANDLE)0x1234, &out, 0, 0, DUPLICATE_SAME_ACCESS),
                 STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtDuplicateObject(d, d, cur, &out, 0, 0, DUPLICATE_SAME_ACCESS),
                 STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtDuplicateObject(cur, d, t, &out, 0, 0, DUPLICATE_SAME_ACCESS),
                 STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_EQ(basic_info(d).HandleCount, 2); /* none of the failures made a handle */

    CHECK_STATUS(NtClose(p), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(t), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(q2), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(d), STATUS_SUCCESS);
}

/* ---- query ---- */
static void test_query(void)
{
    HANDLE e = rt_new_event(NotificationEvent, 0);
    OBJECT_BASIC_INFORMATION info = basic_info(e);
    CHECK_EQ(info.GrantedAccess, EVENT_ALL_ACCESS);
    CHECK_EQ(info.HandleCount, 1);
    CHECK_EQ(info.Attributes, 0);
    CHECK_EQ(info.NameInformationLength, 0); /* unnamed */

    /* ObjectBasicInformation takes exactly its size. */
    union {
        OBJECT_BASIC_INFORMATION info;
        uint8_t bytes[128];
    } big;
    CHECK_STATUS(NtQueryObject(e, ObjectBasicInformation, &big, sizeof info - 1, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtQueryObject(e, ObjectBasicInformation, &big, sizeof info + 4, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtQueryObject(e, ObjectBasicInformation, &big, 0, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK_STATUS(NtQueryObject(e, (OBJECT_INFORMATION_CLASS)99, &big, sizeof big, NULL),
                 STATUS_INVALID_INFO_CLASS);

    /* ObjectTypeInformation: the name follows the header; too small a buffer gives the length
     * needed, and that length is enough. */
    check_type_name(e, "Event");
    union {
        PAGODA_OBJECT_TYPE_INFORMATION info;
        uint8_t bytes[256];
    } type;
    uint32_t needed = 0;
    CHECK_STATUS(NtQueryObject(e, ObjectTypeInformation, &type, sizeof type.info, &needed),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK(needed >= sizeof type.info + 10 && needed <= sizeof type);
    if (needed >= sizeof type.info && needed <= sizeof type)
        CHECK_STATUS(NtQueryObject(e, ObjectTypeInformation, &type, needed, NULL), STATUS_SUCCESS);

    HANDLE s = NULL, m = NULL;
    CHECK_STATUS(NtCreateSemaphore(&s, SEMAPHORE_ALL_ACCESS, NULL, 0, 1), STATUS_SUCCESS);
    CHECK_STATUS(NtCreateMutant(&m, MUTANT_ALL_ACCESS, NULL, 0), STATUS_SUCCESS);
    check_type_name(s, "Semaphore");
    check_type_name(m, "Mutant");
    check_type_name(NtCurrentProcess(), "Process");
    check_type_name(NtCurrentThread(), "Thread");

    /* ObjectNameInformation: empty for an unnamed object, the full path for a named one. */
    union {
        OBJECT_NAME_INFORMATION info;
        uint8_t bytes[512];
    } name;
    uint32_t length = 0;
    CHECK_STATUS(NtQueryObject(e, ObjectNameInformation, &name, sizeof name, &length),
                 STATUS_SUCCESS);
    CHECK_EQ(name.info.Name.Length, 0);

    static const char path[] = BNO "PagodaHandlesQueryName";
    struct rt_name n;
    HANDLE named = NULL;
    CHECK_STATUS(
        NtCreateEvent(&named, EVENT_ALL_ACCESS, rt_named(&n, path, 0), NotificationEvent, 0),
        STATUS_SUCCESS);
    CHECK(basic_info(named).NameInformationLength > 0);
    length = 0;
    if (CHECK_STATUS(NtQueryObject(named, ObjectNameInformation, &name, sizeof name, &length),
                     STATUS_SUCCESS)) {
        CHECK(length >= sizeof name.info + (sizeof path - 1) * 2 && length <= sizeof name);
        CHECK_EQ(name.info.Name.Length, (sizeof path - 1) * 2);
        for (size_t i = 0; i < sizeof path - 1 && name.info.Name.Length == (sizeof path - 1) * 2;
             i++)
            if (name.info.Name.Buffer[i] != (uint8_t)path[i]) {
                FAIL("ObjectNameInformation differs from %s at character %u", path, (unsigned)i);
                break;
            }
    }
    needed = 0;
    CHECK_STATUS(NtQueryObject(named, ObjectNameInformation, &name, sizeof name.info, &needed),
                 STATUS_INFO_LENGTH_MISMATCH);
    CHECK(needed >= sizeof name.info + (sizeof path - 1) * 2);

    CHECK_STATUS(NtClose(named), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(s), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(m), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(e), STATUS_SUCCESS);
}

/* ---- names ---- */
static void test_names(void)
{
    static const char name1[] = BNO "PagodaHandlesNamed";
    struct rt_name n;
    HANDLE a = NULL, b = NULL, c = NULL, x = NULL;
    CHECK_STATUS(NtCreateEvent(&a, EVENT_ALL_ACCESS, rt_named(&n, name1, 0), NotificationEvent, 0),
                 STATUS_SUCCESS);
    /* The same name again: a collision, or with OBJ_OPENIF the existing object. */
    CHECK_STATUS(NtCreateEvent(&x, EVENT_ALL_ACCESS, rt_named(&n, name1, 0), NotificationEvent, 0),
                 STATUS_OBJECT_NAME_COLLISION);
    CHECK_STATUS(
        NtCreateEvent(&b, EVENT_ALL_ACCESS, rt_named(&n, name1, OBJ_OPENIF), NotificationEvent, 0),
        STATUS_OBJECT_NAME_EXISTS);
    CHECK(b != NULL && b != a);
    CHECK_STATUS(NtSetEvent(b, NULL), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(a), STATUS_SUCCESS); /* one object */
    CHECK_EQ(basic_info(a).HandleCount, 2);

    /* Another type under the name: a collision, and OBJ_OPENIF does not change the type. */
    CHECK_STATUS(NtCreateSemaphore(&x, SEMAPHORE_ALL_ACCESS, rt_named(&n, name1, 0), 0, 1),
                 STATUS_OBJECT_NAME_COLLISION);
    CHECK_STATUS(NtCreateSemaphore(&x, SEMAPHORE_ALL_ACCESS, rt_named(&n, name1, OBJ_OPENIF), 0, 1),
                 STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtCreateMutant(&x, MUTANT_ALL_ACCESS, rt_named(&n, name1, 0), 0),
                 STATUS_OBJECT_NAME_COLLISION);

    /* Opening by name, also case-insensitively; with the wrong type. */
    CHECK_STATUS(NtOpenEvent(&c, EVENT_ALL_ACCESS, rt_named(&n, name1, 0)), STATUS_SUCCESS);
    CHECK_STATUS(NtResetEvent(c, NULL), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(a), STATUS_TIMEOUT);
    CHECK_STATUS(NtClose(c), STATUS_SUCCESS);
    CHECK_STATUS(
        NtOpenEvent(&c, EVENT_ALL_ACCESS,
                    rt_named(&n, "\\BASENAMEDOBJECTS\\pagodahandlesnamed", OBJ_CASE_INSENSITIVE)),
        STATUS_SUCCESS);
    CHECK_STATUS(NtClose(c), STATUS_SUCCESS);
    CHECK_STATUS(NtOpenSemaphore(&x, SEMAPHORE_ALL_ACCESS, rt_named(&n, name1, 0)),
                 STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtOpenMutant(&x, MUTANT_ALL_ACCESS, rt_named(&n, name1, 0)),
                 STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_EQ(basic_info(a).HandleCount, 2); /* the failures made no handle */

    /* Names that do not resolve. */
    CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, rt_named(&n, BNO "PagodaHandlesNoSuchName", 0)),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, rt_named(&n, "\\PagodaNoSuchDirectory\\X", 0)),
                 STATUS_OBJECT_PATH_NOT_FOUND);
    CHECK_STATUS(NtCreateEvent(&x, EVENT_ALL_ACCESS, rt_named(&n, "\\PagodaNoSuchDirectory\\X", 0),
                               NotificationEvent, 0),
                 STATUS_OBJECT_PATH_NOT_FOUND);
    /* Without a root directory a name must start with a backslash. */
    CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, rt_named(&n, "PagodaRelativeName", 0)),
                 STATUS_OBJECT_PATH_SYNTAX_BAD);
    CHECK_STATUS(NtCreateEvent(&x, EVENT_ALL_ACCESS, rt_named(&n, "PagodaRelativeName", 0),
                               NotificationEvent, 0),
                 STATUS_OBJECT_PATH_SYNTAX_BAD);
    /* An empty last component. */
    CHECK_STATUS(NtCreateEvent(&x, EVENT_ALL_ACCESS, rt_named(&n, BNO, 0), NotificationEvent, 0),
                 STATUS_OBJECT_NAME_INVALID);
    /* The directory itself is not an event. */
    CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, rt_named(&n, "\\BaseNamedObjects", 0)),
                 STATUS_OBJECT_TYPE_MISMATCH);

    /* Malformed attributes: an odd name length, a bad Length field, unknown attribute bits. */
    OBJECT_ATTRIBUTES *oa = rt_named(&n, BNO "PagodaHandlesOdd", 0);
    n.string.Length = 3;
    CHECK_STATUS(NtCreateEvent(&x, EVENT_ALL_ACCESS, oa, NotificationEvent, 0),
                 STATUS_OBJECT_NAME_INVALID);
    oa = rt_named(&n, BNO "PagodaHandlesBadAttributes", 0);
    oa->Length = sizeof *oa - 1;
    CHECK_STATUS(NtCreateEvent(&x, EVENT_ALL_ACCESS, oa, NotificationEvent, 0),
                 STATUS_INVALID_PARAMETER);
    oa->Length = 0;
    CHECK_STATUS(NtCreateEvent(&x, EVENT_ALL_ACCESS, oa, NotificationEvent, 0),
                 STATUS_INVALID_PARAMETER);
    oa->Length = sizeof *oa;
    oa->Attributes = 0x80000000u;
    CHECK_STATUS(NtCreateEvent(&x, EVENT_ALL_ACCESS, oa, NotificationEvent, 0),
                 STATUS_INVALID_PARAMETER);
    CHECK_STATUS(NtOpenEvent(&x, EVENT_ALL_ACCESS, NULL), STATUS_INVALID_PARAMETER);

    /* Named semaphores and mutants open by name too. */
    HANDLE s = NULL, s2 = NULL, m = NULL, m2 = NULL;
    CHECK_STATUS(
        NtCreateSemaphore(&s, SEMAPHORE_ALL_ACCESS, rt_named(&n, BNO "PagodaHandlesSem", 0), 0, 2),
        STATUS_SUCCESS);
    CHECK_STATUS(
        NtOpenSemaphore(&s2, SEMAPHORE_ALL_ACCESS, rt_named(&n, BNO "PagodaHandlesSem", 0)),
        STATUS_SUCCESS);
    int32_t previous = -1;
    CHECK_STATUS(NtReleaseSemaphore(s2, 1, &previous), STATUS_SUCCESS);
    CHECK_EQ(previous, 0);
    CHECK_STATUS(rt_poll(s), STATUS_SUCCESS);
    CHECK_STATUS(
        NtCreateMutant(&m, MUTANT_ALL_ACCESS, rt_named(&n, BNO "PagodaHandlesMutant", 0), 0),
        STATUS_SUCCESS);
    CHECK_STATUS(NtOpenMutant(&m2, MUTANT_ALL_ACCESS, rt_named(&n, BNO "PagodaHandlesMutant", 0)),
                 STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(m2), STATUS_SUCCESS);
    CHECK_STATUS(NtReleaseMutant(m, NULL), STATUS_SUCCESS);

    /* A temporary object's name goes with its last handle. */
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);
    CHECK_STATUS(NtOpenEvent(&c, EVENT_ALL_ACCESS, rt_named(&n, name1, 0)), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(c), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(b), STATUS_SUCCESS);
    CHECK_STATUS(NtOpenEvent(&c, EVENT_ALL_ACCESS, rt_named(&n, name1, 0)),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    /* and may then be created again. */
    CHECK_STATUS(NtCreateEvent(&a, EVENT_ALL_ACCESS, rt_named(&n, name1, 0), NotificationEvent, 0),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtClose(a), STATUS_SUCCESS);

    HANDLE all[] = {s, s2, m, m2};
    for (size_t i = 0; i < ARRAY_SIZE(all); i++)
        CHECK_STATUS(NtClose(all[i]), STATUS_SUCCESS);
}

/* ---- types ---- */
static void test_types(void)
{
    HANDLE e = rt_new_event(NotificationEvent, 0), s = NULL, m = NULL;
    CHECK_STATUS(NtCreateSemaphore(&s, SEMAPHORE_ALL_ACCESS, NULL, 1, 1), STATUS_SUCCESS);
    CHECK_STATUS(NtCreateMutant(&m, MUTANT_ALL_ACCESS, NULL, 0), STATUS_SUCCESS);
    THREAD_BASIC_INFORMATION tbi;
    PROCESS_BASIC_INFORMATION pbi;

    CHECK_STATUS(NtSetEvent(s, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtResetEvent(m, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtSetEvent(NtCurrentProcess(), NULL), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtSetEvent(NtCurrentThread(), NULL), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtReleaseSemaphore(e, 1, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtReleaseSemaphore(m, 1, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtReleaseMutant(e, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtReleaseMutant(s, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtQueryInformationThread(e, ThreadBasicInformation, &tbi, sizeof tbi, NULL),
                 STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtQueryInformationThread(NtCurrentProcess(), ThreadBasicInformation, &tbi,
                                          sizeof tbi, NULL),
                 STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtQueryInformationProcess(NtCurrentThread(), ProcessBasicInformation, &pbi,
                                           sizeof pbi, NULL),
                 STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtTerminateThread(e, 1), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtTerminateThread(NtCurrentProcess(), 1), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtTerminateProcess(e, 1), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtTerminateProcess(NtCurrentThread(), 1), STATUS_OBJECT_TYPE_MISMATCH);
    CHECK_STATUS(NtResumeThread(s, NULL), STATUS_OBJECT_TYPE_MISMATCH);
    /* Only events, semaphores and mutants can be signaled by NtSignalAndWaitForSingleObject. */
    CHECK_STATUS(NtSignalAndWaitForSingleObject(NtCurrentThread(), e, 0, &zero_timeout),
                 STATUS_OBJECT_TYPE_MISMATCH);
    /* None of the failures changed the objects. */
    CHECK_STATUS(rt_poll(e), STATUS_TIMEOUT);
    CHECK_STATUS(rt_poll(s), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(m), STATUS_SUCCESS);
    CHECK_STATUS(NtReleaseMutant(m, NULL), STATUS_SUCCESS);

    HANDLE all[] = {e, s, m};
    for (size_t i = 0; i < ARRAY_SIZE(all); i++)
        CHECK_STATUS(NtClose(all[i]), STATUS_SUCCESS);
}

/* ---- access ---- */
static void test_access(void)
{
    static const char name[] = BNO "PagodaHandlesAccess";
    struct rt_name n;
    HANDLE a = NULL, q = NULL, w = NULL, z = NULL, g = NULL;
    CHECK_STATUS(NtCreateEvent(&a, EVENT_ALL_ACCESS, rt_named(&n, name, 0), NotificationEvent, 0),
                 STATUS_SUCCESS);

    /* Query access only: no modifying, and no waiting without SYNCHRONIZE. */
    CHECK_STATUS(NtOpenEvent(&q, EVENT_QUERY_STATE, rt_named(&n, name, 0)), STATUS_SUCCESS);
    CHECK_EQ(basic_info(q).GrantedAccess, EVENT_QUERY_STATE);
    CHECK_STATUS(NtSetEvent(q, NULL), STATUS_ACCESS_DENIED);
    CHECK_STATUS(NtResetEvent(q, NULL), STATUS_ACCESS_DENIED);
    CHECK_STATUS(rt_poll(q), STATUS_ACCESS_DENIED);
    CHECK_STATUS(NtWaitForMultipleObjects(1, &q, WaitAny, 0, &zero_timeout), STATUS_ACCESS_DENIED);
    CHECK_STATUS(NtSignalAndWaitForSingleObject(q, a, 0, &zero_timeout), STATUS_ACCESS_DENIED);
    /* The wait handle is checked before anything is signaled. */
    CHECK_STATUS(NtSignalAndWaitForSingleObject(a, q, 0, &zero_timeout), STATUS_ACCESS_DENIED);
    CHECK_STATUS(rt_poll(a), STATUS_TIMEOUT);

    /* Modify access only. */
    CHECK_STATUS(NtOpenEvent(&w, EVENT_MODIFY_STATE, rt_named(&n, name, 0)), STATUS_SUCCESS);
    CHECK_STATUS(NtSetEvent(w, NULL), STATUS_SUCCESS);
    CHECK_STATUS(rt_poll(w), STATUS_ACCESS_DENIED);
    CHECK_STATUS(rt_poll(a), STATUS_SUCCESS);

    /* No access at all is a valid handle that allows nothing. */
    CHECK_STATUS(NtCreateEvent(&z, 0, NULL, NotificationEvent, 0), STATUS_SUCCESS);
    CHECK_EQ(basic_info(z).GrantedAccess, 0);
    CHECK_STATUS(NtSetEvent(z, NULL), STATUS_ACCESS_DENIED);

    /* Generic rights map through the event type's mapping (NT's ExpEventMapping). */
    CHECK_STATUS(NtCreateEvent(&g, GENERIC_ALL, NULL, NotificationEvent, 0), STATUS_SUCCESS);
    CHECK_EQ(basic_info(g).GrantedAccess, EVENT_ALL_ACCESS);
    CHECK_STATUS(NtClose(g), STATUS_SUCCESS);
    CHECK_STATUS(NtCreateEvent(&g, GENERIC_READ, NULL, NotificationEvent, 0), STATUS_SUCCESS);
    CHECK_EQ(basic_info(g).GrantedAccess, READ_CONTROL | EVENT_QUERY_STATE);
    CHECK_STATUS(NtClose(g), STATUS_SUCCESS);
    CHECK_STATUS(NtCreateEvent(&g, MAXIMUM_ALLOWED, NULL, NotificationEvent, 0), STATUS_SUCCESS);
    CHECK_EQ(basic_info(g).GrantedAccess, EVENT_ALL_ACCESS);
    CHECK_STATUS(NtClose(g), STATUS_SUCCESS);

    /* A process handle without PROCESS_QUERY_INFORMATION cannot be queried. */
    HANDLE p = NULL;
    PROCESS_BASIC_INFORMATION pbi;
    CHECK_STATUS(NtDuplicateObject(NtCurrentProcess(), NtCurrentProcess(), NtCurrentProcess(), &p,
                                   PROCESS_TERMINATE, 0, 0),
                 STATUS_SUCCESS);
    CHECK_STATUS(NtQueryInformationProcess(p, ProcessBasicInformation, &pbi, sizeof pbi, NULL),
                 STATUS_ACCESS_DENIED);
    CHECK_STATUS(NtClose(p), STATUS_SUCCESS);

    HANDLE all[] = {a, q, w, z};
    for (size_t i = 0; i < ARRAY_SIZE(all); i++)
        CHECK_STATUS(NtClose(all[i]), STATUS_SUCCESS);
}

/* ---- tag bits ---- */
/* NT ignores a handle's two low bits (OBJ_HANDLE_TAGBITS): applications may keep flags there, and
 * h | 1, h | 2 and h | 3 name the handle h, in every service, NtClose included. */
static void test_tag_bits(void)
{
    HANDLE h = rt_new_event(NotificationEvent, 0), copy = NULL;
    int32_t state = -1;
    HANDLE tagged[3];
    for (uintptr_t tag = 1; tag <= 3; tag++)
        tagged[tag - 1] = (HANDLE)((uintptr_t)h | tag);
    CHECK_STATUS(NtSetEvent(tagged[0], &state), STATUS_SUCCESS);
    CHECK_EQ(state, 0);
    CHECK_STATUS(rt_poll(h), STATUS_SUCCESS);
    CHECK_STATUS(NtResetEvent(tagged[1], &state), STATUS_SUCCESS);
    CHECK_EQ(state, 1);
    CHECK_STATUS(rt_poll(tagged[2]), STATUS_TIMEOUT);
    CHECK_STATUS(NtWaitForMultipleObjects(3, tagged, WaitAny, 0, &zero_timeout), STATUS_TIMEOUT);
    CHECK_EQ(basic_info(tagged[2]).HandleCount, 1);
    CHECK_STATUS(NtDuplicateObject(NtCurrentProcess(), tagged[1], NtCurrentProcess(), &copy, 0, 0,
                                   DUPLICATE_SAME_ACCESS),
                 STATUS_SUCCESS);
    CHECK_EQ((uintptr_t)copy & 3, 0); /* the tag is not copied: a new handle has none */
    CHECK_STATUS(NtClose(tagged[2]), STATUS_SUCCESS);
    CHECK_STATUS(NtClose(h), STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtSetEvent(tagged[0], NULL), STATUS_INVALID_HANDLE);
    CHECK_STATUS(NtClose(copy), STATUS_SUCCESS);
}

static const struct rt_subtest tests[] = {
    {"close", test_close},   {"forged", test_forged},     {"duplicate", test_duplicate},
    {"query", test_query},   {"names", test_names},       {"types", test_types},
    {"access", test_access}, {"tag_bits", test_tag_bits},
};

int main(int argc, char **argv) { return rt_run_subtests(argc, argv, tests, ARRAY_SIZE(tests)); }
