/* kernel/ntfile.h: NtCreateFile's constants with NT's values (dispositions, options, create actions,
 * attributes). Pure and free of pointers, unlike kernel/ntapi.h, so the FAT library's host tests can
 * use it on a 64-bit host; the NT file services will take them from here. */
#ifndef PAGODA_NTFILE_H
#define PAGODA_NTFILE_H

#include <stdint.h>

typedef uint16_t WCHAR; /* the same typedef as kernel/ntapi.h's */

#define FILE_SUPERSEDE    0u
#define FILE_OPEN         1u
#define FILE_CREATE       2u
#define FILE_OPEN_IF      3u
#define FILE_OVERWRITE    4u
#define FILE_OVERWRITE_IF 5u

#define FILE_DIRECTORY_FILE     0x00000001u
#define FILE_NON_DIRECTORY_FILE 0x00000040u

#define FILE_SUPERSEDED  0u
#define FILE_OPENED      1u
#define FILE_CREATED     2u
#define FILE_OVERWRITTEN 3u

#define FILE_ATTRIBUTE_READONLY  0x00000001u
#define FILE_ATTRIBUTE_HIDDEN    0x00000002u
#define FILE_ATTRIBUTE_SYSTEM    0x00000004u
#define FILE_ATTRIBUTE_DIRECTORY 0x00000010u
#define FILE_ATTRIBUTE_ARCHIVE   0x00000020u
#define FILE_ATTRIBUTE_NORMAL    0x00000080u

#endif
