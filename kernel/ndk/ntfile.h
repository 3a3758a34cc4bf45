/* kernel/ndk/ntfile.h: the NT file API structures and constants that cross the user/kernel boundary
 * (ntifs.h / winternl.h layouts): create dispositions, options and actions, access rights,
 * IO_STATUS_BLOCK and the information classes Pagoda implements. Pure C, shared with user mode. */
#ifndef PAGODA_NTFILE_H
#define PAGODA_NTFILE_H

#include "kernel/ndk/ntapi.h"

/* Dispositions (NtCreateFile) and the actions reported in IO_STATUS_BLOCK.Information. */
#define FILE_SUPERSEDE           0u
#define FILE_OPEN                1u
#define FILE_CREATE              2u
#define FILE_OPEN_IF             3u
#define FILE_OVERWRITE           4u
#define FILE_OVERWRITE_IF        5u
#define FILE_MAXIMUM_DISPOSITION 5u
#define FILE_SUPERSEDED          0u
#define FILE_OPENED              1u
#define FILE_CREATED             2u
#define FILE_OVERWRITTEN         3u

/* Share access (NtCreateFile's ShareAccess): what other opens of the file may do meanwhile. */
#define FILE_SHARE_READ        0x00000001u
#define FILE_SHARE_WRITE       0x00000002u
#define FILE_SHARE_DELETE      0x00000004u
#define FILE_SHARE_VALID_FLAGS 0x00000007u

/* Create options. */
#define FILE_DIRECTORY_FILE          0x00000001u
#define FILE_WRITE_THROUGH           0x00000002u
#define FILE_SEQUENTIAL_ONLY         0x00000004u
#define FILE_SYNCHRONOUS_IO_ALERT    0x00000010u
#define FILE_SYNCHRONOUS_IO_NONALERT 0x00000020u
#define FILE_NON_DIRECTORY_FILE      0x00000040u
#define FILE_DELETE_ON_CLOSE         0x00001000u
#define FILE_VALID_OPTION_FLAGS      0x00FFFFFFu

/* Access rights. */
#define FILE_READ_DATA        0x0001u
#define FILE_LIST_DIRECTORY   0x0001u
#define FILE_WRITE_DATA       0x0002u
#define FILE_APPEND_DATA      0x0004u
#define FILE_READ_EA          0x0008u
#define FILE_WRITE_EA         0x0010u
#define FILE_EXECUTE          0x0020u
#define FILE_TRAVERSE         0x0020u
#define FILE_DELETE_CHILD     0x0040u
#define FILE_READ_ATTRIBUTES  0x0080u
#define FILE_WRITE_ATTRIBUTES 0x0100u
#define FILE_ALL_ACCESS       (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FFu)

/* Attributes. */
#define FILE_ATTRIBUTE_READONLY  0x00000001u
#define FILE_ATTRIBUTE_HIDDEN    0x00000002u
#define FILE_ATTRIBUTE_SYSTEM    0x00000004u
#define FILE_ATTRIBUTE_DIRECTORY 0x00000010u
#define FILE_ATTRIBUTE_ARCHIVE   0x00000020u
#define FILE_ATTRIBUTE_NORMAL    0x00000080u

/* NtReadFile/NtWriteFile ByteOffset special values (LowPart, HighPart = -1). */
#define FILE_WRITE_TO_END_OF_FILE      0xFFFFFFFFu
#define FILE_USE_FILE_POINTER_POSITION 0xFFFFFFFEu

typedef struct _IO_STATUS_BLOCK {
    NTSTATUS Status;
    uintptr_t Information;
} IO_STATUS_BLOCK;

typedef enum _FILE_INFORMATION_CLASS {
    FileDirectoryInformation = 1,
    FileFullDirectoryInformation = 2,
    FileBothDirectoryInformation = 3,
    FileBasicInformation = 4,
    FileStandardInformation = 5,
    FileRenameInformation = 10,
    FileNamesInformation = 12,
    FileDispositionInformation = 13,
    FilePositionInformation = 14,
    FileEndOfFileInformation = 20,
} FILE_INFORMATION_CLASS;

typedef struct _FILE_BASIC_INFORMATION {
    int64_t CreationTime;
    int64_t LastAccessTime;
    int64_t LastWriteTime;
    int64_t ChangeTime;
    uint32_t FileAttributes;
    uint32_t Reserved; /* the structure is 8-byte aligned: 40 bytes */
} FILE_BASIC_INFORMATION;

typedef struct _FILE_STANDARD_INFORMATION {
    int64_t AllocationSize;
    int64_t EndOfFile;
    uint32_t NumberOfLinks;
    uint8_t DeletePending;
    uint8_t Directory;
    uint8_t Reserved[2];
} FILE_STANDARD_INFORMATION;

typedef struct _FILE_POSITION_INFORMATION {
    int64_t CurrentByteOffset;
} FILE_POSITION_INFORMATION;

typedef struct _FILE_END_OF_FILE_INFORMATION {
    int64_t EndOfFile;
} FILE_END_OF_FILE_INFORMATION;

typedef struct _FILE_DISPOSITION_INFORMATION {
    uint8_t DeleteFile;
} FILE_DISPOSITION_INFORMATION;

/* FileRenameInformation: the new name is a full path (\??\X:\...) on the same volume. */
typedef struct _FILE_RENAME_INFORMATION {
    uint8_t ReplaceIfExists;
    uint8_t Reserved[3];
    HANDLE RootDirectory;
    uint32_t FileNameLength; /* bytes */
    WCHAR FileName[1];
} FILE_RENAME_INFORMATION;

/* NtQueryDirectoryFile's entries; each starts 8-byte aligned, NextEntryOffset 0 ends the list. */
typedef struct _FILE_DIRECTORY_INFORMATION {
    uint32_t NextEntryOffset;
    uint32_t FileIndex;
    int64_t CreationTime;
    int64_t LastAccessTime;
    int64_t LastWriteTime;
    int64_t ChangeTime;
    int64_t EndOfFile;
    int64_t AllocationSize;
    uint32_t FileAttributes;
    uint32_t FileNameLength; /* bytes */
    WCHAR FileName[1]; /* at offset 64 */
} FILE_DIRECTORY_INFORMATION;

typedef struct _FILE_BOTH_DIR_INFORMATION {
    uint32_t NextEntryOffset;
    uint32_t FileIndex;
    int64_t CreationTime;
    int64_t LastAccessTime;
    int64_t LastWriteTime;
    int64_t ChangeTime;
    int64_t EndOfFile;
    int64_t AllocationSize;
    uint32_t FileAttributes;
    uint32_t FileNameLength;
    uint32_t EaSize;
    int8_t ShortNameLength; /* bytes */
    int8_t Reserved;
    WCHAR ShortName[12];
    WCHAR FileName[1]; /* at offset 94 */
} FILE_BOTH_DIR_INFORMATION;

typedef struct _FILE_NAMES_INFORMATION {
    uint32_t NextEntryOffset;
    uint32_t FileIndex;
    uint32_t FileNameLength;
    WCHAR FileName[1]; /* at offset 12 */
} FILE_NAMES_INFORMATION;

/* NtQueryVolumeInformationFile's classes (Pagoda implements FileFsSizeInformation). */
typedef enum _FS_INFORMATION_CLASS {
    FileFsSizeInformation = 3,
} FS_INFORMATION_CLASS;

typedef struct _FILE_FS_SIZE_INFORMATION {
    int64_t TotalAllocationUnits;
    int64_t AvailableAllocationUnits;
    uint32_t SectorsPerAllocationUnit;
    uint32_t BytesPerSector;
} FILE_FS_SIZE_INFORMATION;

/* The layouts are i386 ABI; on a 64-bit host (host tests) pointers are wider. */
#if UINTPTR_MAX == 0xFFFFFFFFu
_Static_assert(offsetof(FILE_DIRECTORY_INFORMATION, FileName) == 64, "FileDirectoryInformation");
_Static_assert(offsetof(FILE_BOTH_DIR_INFORMATION, FileName) == 94, "FileBothDirectoryInformation");
_Static_assert(offsetof(FILE_NAMES_INFORMATION, FileName) == 12, "FileNamesInformation");
_Static_assert(offsetof(FILE_RENAME_INFORMATION, FileName) == 12, "FileRenameInformation");
_Static_assert(sizeof(IO_STATUS_BLOCK) == 8, "IO_STATUS_BLOCK is 8 bytes on i386");
_Static_assert(sizeof(FILE_BASIC_INFORMATION) == 40, "FILE_BASIC_INFORMATION is 40 bytes");
_Static_assert(sizeof(FILE_STANDARD_INFORMATION) == 24, "FILE_STANDARD_INFORMATION is 24 bytes");
_Static_assert(sizeof(FILE_FS_SIZE_INFORMATION) == 24, "FILE_FS_SIZE_INFORMATION is 24 bytes");
#endif

#endif
