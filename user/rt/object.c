/* user/rt/object.c: UNICODE_STRING and OBJECT_ATTRIBUTES helpers for the programs, which name
 * their objects in ASCII. */
#include "user/rt/rt.h"

void rt_init_unicode(UNICODE_STRING *us, WCHAR *buf, size_t cap, const char *ascii)
{
    size_t n = 0;
    for (; ascii[n] && n < cap && n < 0x7FFF; n++)
        buf[n] = (uint8_t)ascii[n];
    us->Buffer = buf;
    us->Length = (uint16_t)(n * sizeof(WCHAR));
    us->MaximumLength = (uint16_t)(cap < 0x7FFF ? cap * sizeof(WCHAR) : 0xFFFE);
}

void rt_object_attributes(OBJECT_ATTRIBUTES *oa, UNICODE_STRING *name, uint32_t attributes)
{
    oa->Length = sizeof *oa;
    oa->RootDirectory = NULL;
    oa->ObjectName = name;
    oa->Attributes = attributes;
    oa->SecurityDescriptor = NULL;
    oa->SecurityQualityOfService = NULL;
}

OBJECT_ATTRIBUTES *rt_named(struct rt_name *n, const char *name, uint32_t attributes)
{
    rt_init_unicode(&n->string, n->chars, RT_NAME_MAX, name);
    rt_object_attributes(&n->attributes, &n->string, attributes);
    return &n->attributes;
}
