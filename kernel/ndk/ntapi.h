/* kernel/ndk/ntapi.h: the structures and constants of the NT native API that cross the user/kernel
 * boundary, laid out exactly as in the mingw-w64 headers (winternl.h, ntdef.h, ddk/ntddk.h), so
 * that user-mode code built against those headers and the kernel agree byte for byte. Pure C:
 * included by the kernel and by user-mode programs (user/, tests/user/). */
#ifndef PAGODA_NTAPI_H
#define PAGODA_NTAPI_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t NTSTATUS;
typedef void *HANDLE;
typedef uint32_t ACCESS_MASK;
typedef uint16_t WCHAR;
typedef uint8_t BOOLEAN;
typedef int32_t KPRIORITY;
typedef int64_t LARGE_INTEGER_QUAD; /* LARGE_INTEGER's QuadPart; passed by pointer */

#define NtCurrentProcess() ((HANDLE)(intptr_t)-1)
#define NtCurrentThread()  ((HANDLE)(intptr_t)-2)

/* ---- access rights ---- */
#define DELETE                   0x00010000u
#define READ_CONTROL             0x00020000u
#define SYNCHRONIZE              0x00100000u
#define STANDARD_RIGHTS_REQUIRED 0x000F0000u
#define MAXIMUM_ALLOWED          0x02000000u
#define GENERIC_READ             0x80000000u
#define GENERIC_WRITE            0x40000000u
#define GENERIC_EXECUTE          0x20000000u
#define GENERIC_ALL              0x10000000u

#define EVENT_QUERY_STATE         0x0001u
#define EVENT_MODIFY_STATE        0x0002u
#define EVENT_ALL_ACCESS          (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u)
#define SEMAPHORE_QUERY_STATE     0x0001u
#define SEMAPHORE_MODIFY_STATE    0x0002u
#define SEMAPHORE_ALL_ACCESS      (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u)
#define MUTANT_QUERY_STATE        0x0001u
#define MUTANT_ALL_ACCESS         (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | MUTANT_QUERY_STATE)
#define PROCESS_TERMINATE         0x0001u
#define PROCESS_CREATE_THREAD     0x0002u
#define PROCESS_VM_OPERATION      0x0008u
#define PROCESS_VM_READ           0x0010u
#define PROCESS_VM_WRITE          0x0020u
#define PROCESS_DUP_HANDLE        0x0040u
#define PROCESS_QUERY_INFORMATION 0x0400u
#define PROCESS_ALL_ACCESS        (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFu)
#define THREAD_TERMINATE          0x0001u
#define THREAD_SUSPEND_RESUME     0x0002u
#define THREAD_QUERY_INFORMATION  0x0040u
#define THREAD_SET_INFORMATION    0x0020u
#define THREAD_ALL_ACCESS         (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3FFu)

/* ---- object attributes and names ---- */
typedef struct _UNICODE_STRING {
    uint16_t Length; /* bytes, without a terminator */
    uint16_t MaximumLength;
    WCHAR *Buffer;
} UNICODE_STRING;

typedef struct _ANSI_STRING {
    uint16_t Length; /* bytes, without a terminator */
    uint16_t MaximumLength;
    char *Buffer;
} ANSI_STRING;

typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY;

#define OBJ_INHERIT          0x00000002u
#define OBJ_PERMANENT        0x00000010u
#define OBJ_EXCLUSIVE        0x00000020u
#define OBJ_CASE_INSENSITIVE 0x00000040u
#define OBJ_OPENIF           0x00000080u
#define OBJ_VALID_ATTRIBUTES 0x000003F2u

typedef struct _OBJECT_ATTRIBUTES {
    uint32_t Length; /* sizeof(OBJECT_ATTRIBUTES) == 24 */
    HANDLE RootDirectory;
    UNICODE_STRING *ObjectName;
    uint32_t Attributes;
    void *SecurityDescriptor;
    void *SecurityQualityOfService;
} OBJECT_ATTRIBUTES;

typedef struct _CLIENT_ID {
    HANDLE UniqueProcess;
    HANDLE UniqueThread;
} CLIENT_ID;

/* NtDuplicateObject options */
#define DUPLICATE_CLOSE_SOURCE    0x00000001u
#define DUPLICATE_SAME_ACCESS     0x00000002u
#define DUPLICATE_SAME_ATTRIBUTES 0x00000004u

/* ---- NtQueryObject ---- */
typedef enum _OBJECT_INFORMATION_CLASS {
    ObjectBasicInformation = 0,
    ObjectNameInformation = 1,
    ObjectTypeInformation = 2,
} OBJECT_INFORMATION_CLASS;

typedef struct _OBJECT_BASIC_INFORMATION { /* 56 bytes, as NT returns it */
    uint32_t Attributes;
    ACCESS_MASK GrantedAccess;
    uint32_t HandleCount;
    uint32_t PointerCount;
    uint32_t PagedPoolUsage;
    uint32_t NonPagedPoolUsage;
    uint32_t Reserved[3];
    uint32_t NameInformationLength;
    uint32_t TypeInformationLength;
    uint32_t SecurityDescriptorLength;
    int64_t CreateTime;
} OBJECT_BASIC_INFORMATION;

/* ObjectNameInformation: the full path (empty for an unnamed object), its characters after it. */
typedef struct _OBJECT_NAME_INFORMATION {
    UNICODE_STRING Name;
} OBJECT_NAME_INFORMATION;

/* ObjectTypeInformation returns this header followed by the name's characters. */
typedef struct _PAGODA_OBJECT_TYPE_INFORMATION {
    UNICODE_STRING TypeName;
    uint32_t TotalNumberOfObjects;
    uint32_t TotalNumberOfHandles;
} PAGODA_OBJECT_TYPE_INFORMATION;

/* ---- dispatcher objects and waits ---- */
typedef enum _EVENT_TYPE { NotificationEvent = 0, SynchronizationEvent = 1 } EVENT_TYPE;
typedef enum _WAIT_TYPE { WaitAll = 0, WaitAny = 1 } WAIT_TYPE;
#define MAXIMUM_WAIT_OBJECTS 64
#define MUTANT_LIMIT         0x7FFFFFFF

/* ---- processes and threads ---- */
typedef enum _PROCESSINFOCLASS {
    ProcessBasicInformation = 0,
    ProcessQuotaLimits = 1,
    ProcessVmCounters = 3,
} PROCESSINFOCLASS;
typedef enum _THREADINFOCLASS {
    ThreadBasicInformation = 0,
    ThreadAmILastThread = 12, /* a ULONG: 1 when the caller is its process's only thread left */
} THREADINFOCLASS;

typedef struct _PROCESS_BASIC_INFORMATION {
    NTSTATUS ExitStatus;
    void *PebBaseAddress;
    uint32_t AffinityMask;
    KPRIORITY BasePriority;
    uintptr_t UniqueProcessId;
    uintptr_t InheritedFromUniqueProcessId;
} PROCESS_BASIC_INFORMATION;

/* ProcessQuotaLimits. Pagoda has one pool, the non-paged one, and no paging file or working sets:
 * PagedPoolLimit, the working-set sizes and PagefileLimit are 0; TimeLimit is NT's -1 (none). */
typedef struct _QUOTA_LIMITS {
    uint32_t PagedPoolLimit;
    uint32_t NonPagedPoolLimit;
    uint32_t MinimumWorkingSetSize;
    uint32_t MaximumWorkingSetSize;
    uint32_t PagefileLimit;
    int64_t TimeLimit __attribute__((aligned(8))); /* MSVC's alignment, as mingw-w64 lays it out */
} QUOTA_LIMITS;

/* ProcessVmCounters (VM_COUNTERS, or VM_COUNTERS_EX with PrivateUsage). Pagoda fills the pool
 * quota fields (QuotaPeakNonPagedPoolUsage, QuotaNonPagedPoolUsage) and the commit charge
 * (PagefileUsage, PeakPagefileUsage, PrivateUsage); the rest read 0 until the memory manager
 * counts working sets. */
typedef struct _VM_COUNTERS_EX {
    uint32_t PeakVirtualSize;
    uint32_t VirtualSize;
    uint32_t PageFaultCount;
    uint32_t PeakWorkingSetSize;
    uint32_t WorkingSetSize;
    uint32_t QuotaPeakPagedPoolUsage;
    uint32_t QuotaPagedPoolUsage;
    uint32_t QuotaPeakNonPagedPoolUsage;
    uint32_t QuotaNonPagedPoolUsage;
    uint32_t PagefileUsage;
    uint32_t PeakPagefileUsage;
    uint32_t PrivateUsage; /* not in VM_COUNTERS */
} VM_COUNTERS_EX;
#define VM_COUNTERS_SIZE offsetof(VM_COUNTERS_EX, PrivateUsage) /* sizeof(VM_COUNTERS): 44 */

typedef struct _THREAD_BASIC_INFORMATION {
    NTSTATUS ExitStatus;
    void *TebBaseAddress;
    CLIENT_ID ClientId;
    uint32_t AffinityMask;
    KPRIORITY Priority;
    KPRIORITY BasePriority;
} THREAD_BASIC_INFORMATION;

/* The i386 CONTEXT (winnt.h), 716 bytes; NtCreateThread reads the integer and control registers. */
#define CONTEXT_i386     0x00010000u
#define CONTEXT_CONTROL  (CONTEXT_i386 | 0x1u)
#define CONTEXT_INTEGER  (CONTEXT_i386 | 0x2u)
#define CONTEXT_SEGMENTS (CONTEXT_i386 | 0x4u)
#define CONTEXT_FULL     (CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS)
typedef struct _FLOATING_SAVE_AREA {
    uint32_t ControlWord, StatusWord, TagWord, ErrorOffset, ErrorSelector, DataOffset, DataSelector;
    uint8_t RegisterArea[80];
    uint32_t Cr0NpxState;
} FLOATING_SAVE_AREA;
typedef struct _CONTEXT {
    uint32_t ContextFlags;
    uint32_t Dr0, Dr1, Dr2, Dr3, Dr6, Dr7;
    FLOATING_SAVE_AREA FloatSave;
    uint32_t SegGs, SegFs, SegEs, SegDs;
    uint32_t Edi, Esi, Ebx, Edx, Ecx, Eax;
    uint32_t Ebp, Eip, SegCs, EFlags, Esp, SegSs;
    uint8_t ExtendedRegisters[512];
} CONTEXT;

/* NtCreateThread's stack description. Pagoda: all zero asks the kernel for a default stack (there
 * is no NtAllocateVirtualMemory yet to make one). */
typedef struct _INITIAL_TEB {
    void *OldStackBase;
    void *OldStackLimit;
    void *StackBase;
    void *StackLimit;
    void *StackAllocationBase;
} INITIAL_TEB;

/* ---- the TEB and PEB: the fields Pagoda fills, at NT's offsets ---- */
typedef struct _NT_TIB {
    void *ExceptionList; /* 0x00 */
    void *StackBase; /* 0x04 */
    void *StackLimit; /* 0x08 */
    void *SubSystemTib; /* 0x0C */
    void *FiberData; /* 0x10 */
    void *ArbitraryUserPointer; /* 0x14 */
    struct _NT_TIB *Self; /* 0x18 */
} NT_TIB;

typedef struct _PAGODA_TEB {
    NT_TIB NtTib; /* 0x000 */
    void *EnvironmentPointer; /* 0x01C */
    CLIENT_ID ClientId; /* 0x020 */
    void *ActiveRpcHandle; /* 0x028 */
    void *ThreadLocalStoragePointer; /* 0x02C */
    void *ProcessEnvironmentBlock; /* 0x030 */
    uint32_t LastErrorValue; /* 0x034 */
    uint8_t Reserved[0xE0C - 0x38];
    void *DeallocationStack; /* 0xE0C: the base of the stack's reservation */
    void *TlsSlots[64]; /* 0xE10 */
} PAGODA_TEB;

typedef struct _PAGODA_PEB {
    uint8_t InheritedAddressSpace; /* 0x00 */
    uint8_t ReadImageFileExecOptions;
    uint8_t BeingDebugged; /* 0x02 */
    uint8_t SpareBool;
    void *Mutant; /* 0x04 */
    void *ImageBaseAddress; /* 0x08 */
    struct _PEB_LDR_DATA *Ldr; /* 0x0C: the loader's module lists (below) */
    void *ProcessParameters; /* 0x10 */
    void *SubSystemData; /* 0x14 */
    void *ProcessHeap; /* 0x18 */
    uint8_t Reserved[0xA0 - 0x1C];
    struct _RTL_CRITICAL_SECTION *LoaderLock; /* 0xA0: ntdll's loader lock */
    uint32_t OSMajorVersion; /* 0xA4 */
    uint32_t OSMinorVersion; /* 0xA8 */
    uint16_t OSBuildNumber; /* 0xAC */
} PAGODA_PEB;

/* The loader's data (PEB.Ldr) and its record of a module, NT 5.1's x86 layouts: debuggers and
 * programs walk these lists. ntdll (ldr/loader.h) owns them; nothing in the kernel reads them. */
typedef struct _PEB_LDR_DATA {
    uint32_t Length; /* 0x00: sizeof(PEB_LDR_DATA) */
    BOOLEAN Initialized; /* 0x04: the process's static DLLs are loaded and initialized */
    void *SsHandle; /* 0x08 */
    LIST_ENTRY InLoadOrderModuleList; /* 0x0C: LDR_DATA_TABLE_ENTRY.InLoadOrderLinks */
    LIST_ENTRY InMemoryOrderModuleList; /* 0x14: .InMemoryOrderLinks */
    LIST_ENTRY InInitializationOrderModuleList; /* 0x1C: .InInitializationOrderLinks */
    void *EntryInProgress; /* 0x24: the DLL whose DllMain is running */
} PEB_LDR_DATA;

typedef struct _LDR_DATA_TABLE_ENTRY {
    LIST_ENTRY InLoadOrderLinks; /* 0x00 */
    LIST_ENTRY InMemoryOrderLinks; /* 0x08 */
    LIST_ENTRY InInitializationOrderLinks; /* 0x10 */
    void *DllBase; /* 0x18 */
    void *EntryPoint; /* 0x1C: NULL when the image has none */
    uint32_t SizeOfImage; /* 0x20 */
    UNICODE_STRING FullDllName; /* 0x24: C:\Windows\System32\ntdll.dll */
    UNICODE_STRING BaseDllName; /* 0x2C: ntdll.dll */
    uint32_t Flags; /* 0x34: LDRP_* (ldr/loader.h) */
    uint16_t LoadCount; /* 0x38: 0xFFFF for a module that never unloads */
    uint16_t TlsIndex; /* 0x3A */
    LIST_ENTRY HashLinks; /* 0x3C */
    uint32_t TimeDateStamp; /* 0x44 */
    void *EntryPointActivationContext; /* 0x48 */
    void *PatchInformation; /* 0x4C */
} LDR_DATA_TABLE_ENTRY;

/* RTL_CRITICAL_SECTION (winnt.h): LockCount is -1 when free, and counts the acquisitions and waits
 * beyond the first; LockSemaphore is the event waiters sleep on, made at the first contention. */
typedef struct _RTL_CRITICAL_SECTION {
    void *DebugInfo;
    int32_t LockCount;
    int32_t RecursionCount;
    HANDLE OwningThread;
    HANDLE LockSemaphore;
    uint32_t SpinCount;
} RTL_CRITICAL_SECTION;

/* RTL_DRIVE_LETTER_CURDIR: one entry of the parameters' CurrentDirectores (unused by Pagoda). */
typedef struct _RTL_DRIVE_LETTER_CURDIR {
    uint16_t Flags;
    uint16_t Length;
    uint32_t TimeStamp;
    uint16_t DosPathLength, DosPathMaximumLength;
    char *DosPathBuffer;
} RTL_DRIVE_LETTER_CURDIR;

/* The process parameters the PEB points at (ProcessParameters), NT 5.1's
 * RTL_USER_PROCESS_PARAMETERS: the kernel builds them in a region of their own in the new process,
 * normalized (the buffers are pointers; a denormalized block, as NtCreateUserProcess may be given,
 * holds offsets from its start): image path, command line, current directory, DLL path,
 * environment, standard handles. */
typedef struct _PAGODA_PROCESS_PARAMETERS {
    uint32_t MaximumLength; /* 0x00 */
    uint32_t Length; /* 0x04 */
    uint32_t Flags; /* 0x08: 1 = normalized */
    uint32_t DebugFlags; /* 0x0C */
    HANDLE ConsoleHandle; /* 0x10 */
    uint32_t ConsoleFlags; /* 0x14 */
    HANDLE StandardInput; /* 0x18 */
    HANDLE StandardOutput; /* 0x1C */
    HANDLE StandardError; /* 0x20 */
    UNICODE_STRING CurrentDirectoryPath; /* 0x24 */
    HANDLE CurrentDirectoryHandle; /* 0x2C */
    UNICODE_STRING DllPath; /* 0x30 */
    UNICODE_STRING ImagePathName; /* 0x38 */
    UNICODE_STRING CommandLine; /* 0x40 */
    void *Environment; /* 0x48: NAME=VALUE strings (UTF-16), an empty one last */
    uint32_t StartingX, StartingY, CountX, CountY, CountCharsX, CountCharsY; /* 0x4C */
    uint32_t FillAttribute; /* 0x64 */
    uint32_t WindowFlags; /* 0x68 */
    uint32_t ShowWindowFlags; /* 0x6C */
    UNICODE_STRING WindowTitle; /* 0x70 */
    UNICODE_STRING DesktopInfo; /* 0x78 */
    UNICODE_STRING ShellInfo; /* 0x80 */
    UNICODE_STRING RuntimeData; /* 0x88 */
    RTL_DRIVE_LETTER_CURDIR CurrentDirectores[32]; /* 0x90 */
} PAGODA_PROCESS_PARAMETERS;
#define PROCESS_PARAMETERS_NORMALIZED 1u

/* ---- NtCreateUserProcess (NT 6's signature; Pagoda's subset is in docs/user-mode.md) ---- */
#define PROCESS_CREATE_FLAGS_BREAKAWAY        0x00000001u
#define PROCESS_CREATE_FLAGS_NO_DEBUG_INHERIT 0x00000002u
#define PROCESS_CREATE_FLAGS_INHERIT_HANDLES  0x00000004u
#define THREAD_CREATE_FLAGS_CREATE_SUSPENDED  0x00000001u

/* PS_ATTRIBUTE numbers: the attribute's index, and whether it is for the thread, an input, or
 * additive. */
#define PS_ATTRIBUTE_THREAD     0x00010000u
#define PS_ATTRIBUTE_INPUT      0x00020000u
#define PS_ATTRIBUTE_CLIENT_ID  (3u | PS_ATTRIBUTE_THREAD) /* out: the first thread's CLIENT_ID */
#define PS_ATTRIBUTE_IMAGE_NAME (5u | PS_ATTRIBUTE_INPUT) /* in: the exe's NT path (UTF-16) */

typedef struct _PS_ATTRIBUTE {
    uint32_t Attribute;
    uint32_t Size; /* bytes at ValuePtr */
    union {
        uint32_t Value;
        void *ValuePtr;
    };
    uint32_t *ReturnLength; /* optional: the bytes written, for an output */
} PS_ATTRIBUTE;

typedef struct _PS_ATTRIBUTE_LIST {
    uint32_t TotalLength; /* 4 + 16 * the number of attributes */
    PS_ATTRIBUTE Attributes[1];
} PS_ATTRIBUTE_LIST;

typedef enum _PS_CREATE_STATE {
    PsCreateInitialState,
    PsCreateFailOnFileOpen,
    PsCreateFailOnSectionCreate,
    PsCreateFailExeFormat,
    PsCreateFailMachineMismatch,
    PsCreateFailExeName,
    PsCreateSuccess,
} PS_CREATE_STATE;

/* What NtCreateUserProcess says it did; Size must be 72 (sizeof on x86). */
typedef struct _PS_CREATE_INFO {
    uint32_t Size;
    PS_CREATE_STATE State;
    union {
        struct {
            uint32_t InitFlags;
            ACCESS_MASK AdditionalFileAccess;
        } InitState;
        struct {
            uint32_t OutputFlags;
            HANDLE FileHandle;
            HANDLE SectionHandle;
            _Alignas(8) uint64_t UserProcessParametersNative; /* 8-aligned, as Windows' compilers */
            uint32_t UserProcessParametersWow64;
            uint32_t CurrentParameterFlags;
            _Alignas(8) uint64_t PebAddressNative;
            uint32_t PebAddressWow64;
            _Alignas(8) uint64_t ManifestAddress;
            uint32_t ManifestSize;
        } SuccessState;
    };
} PS_CREATE_INFO;

/* ---- KUSER_SHARED_DATA at 0x7FFE0000, read-only to user mode ---- */
#define KUSER_SHARED_DATA_ADDRESS 0x7FFE0000u
typedef struct _KSYSTEM_TIME {
    uint32_t LowPart;
    int32_t High1Time;
    int32_t High2Time;
} KSYSTEM_TIME;

typedef struct _PAGODA_KUSER_SHARED_DATA {
    uint32_t TickCountLowDeprecated; /* 0x000 */
    uint32_t TickCountMultiplier; /* 0x004: ms per tick in 8.24 fixed point */
    KSYSTEM_TIME InterruptTime; /* 0x008: 100 ns units since boot */
    KSYSTEM_TIME SystemTime; /* 0x014: 100 ns units since 1601 */
    KSYSTEM_TIME TimeZoneBias; /* 0x020 */
    uint16_t ImageNumberLow, ImageNumberHigh; /* 0x02C: 0x014C (i386) */
    WCHAR NtSystemRoot[260]; /* 0x030 */
    uint32_t MaxStackTraceDepth; /* 0x238 */
    uint32_t CryptoExponent;
    uint32_t TimeZoneId;
    uint32_t LargePageMinimum;
    uint32_t Reserved2[7];
    uint32_t NtProductType; /* 0x264 */
    uint8_t ProductTypeIsValid;
    uint8_t Pad1[3];
    uint32_t NtMajorVersion; /* 0x26C */
    uint32_t NtMinorVersion; /* 0x270 */
    uint8_t ProcessorFeatures[64]; /* 0x274 */
    uint32_t HighestUserAddress; /* 0x2B4: NT 5's Reserved1 held MmHighestUserAddress */
    uint32_t SystemRangeStart; /* 0x2B8: NT 5's Reserved3 held MmSystemRangeStart */
    uint8_t Reserved4[0x300 - 0x2BC];
    uint32_t SystemCall; /* 0x300: KiFastSystemCall or KiIntSystemCall, below */
    uint32_t SystemCallReturn; /* 0x304: where sysexit returns to */
    uint8_t Reserved6[0x320 - 0x308];
    KSYSTEM_TIME TickCount; /* 0x320: ticks since boot */
    uint8_t Reserved5[0xF00 - 0x32C];
    /* Pagoda's own, past every field NT has defined: what GetSystemInfo reports. */
    uint32_t PageSize; /* 0xF00 */
    uint32_t AllocationGranularity; /* 0xF04 */
    uint32_t MinimumUserAddress; /* 0xF08 */
    uint32_t UserProbeAddress; /* 0xF0C */
    uint32_t TimerHz; /* 0xF10 */
    uint8_t Reserved7[0xF80 - 0xF14];
    /* The system-call stubs SystemCall points at (code: the page is readable, so executable, on a
     * CPU without NX): KiFastSystemCall "mov edx, esp; sysenter", KiFastSystemCallRet "ret",
     * KiIntSystemCall "lea edx, [esp + 8]; int 0x2e; ret". */
    uint8_t SystemCallStubs[16]; /* 0xF80 */
} PAGODA_KUSER_SHARED_DATA;

/* The layouts are i386 ABI; on a 64-bit host (host tests) pointers are wider. */
#if UINTPTR_MAX == 0xFFFFFFFFu
_Static_assert(sizeof(OBJECT_ATTRIBUTES) == 24, "OBJECT_ATTRIBUTES is 24 bytes");
_Static_assert(sizeof(OBJECT_BASIC_INFORMATION) == 56, "OBJECT_BASIC_INFORMATION is 56 bytes");
_Static_assert(sizeof(CONTEXT) == 716, "CONTEXT is 716 bytes on i386");
_Static_assert(sizeof(QUOTA_LIMITS) == 32, "QUOTA_LIMITS is 32 bytes");
_Static_assert(offsetof(QUOTA_LIMITS, TimeLimit) == 24, "QUOTA_LIMITS.TimeLimit at 24");
_Static_assert(VM_COUNTERS_SIZE == 44 && sizeof(VM_COUNTERS_EX) == 48, "VM_COUNTERS(_EX)");
_Static_assert(offsetof(CONTEXT, Eip) == 0xB8, "CONTEXT.Eip at 0xB8");
_Static_assert(offsetof(PAGODA_TEB, ProcessEnvironmentBlock) == 0x30,
               "TEB.ProcessEnvironmentBlock");
_Static_assert(offsetof(PAGODA_TEB, TlsSlots) == 0xE10, "TEB.TlsSlots");
_Static_assert(offsetof(PAGODA_TEB, DeallocationStack) == 0xE0C, "TEB.DeallocationStack");
_Static_assert(offsetof(PAGODA_PEB, OSMajorVersion) == 0xA4, "PEB.OSMajorVersion");
_Static_assert(sizeof(PAGODA_PROCESS_PARAMETERS) == 0x290 &&
                   offsetof(PAGODA_PROCESS_PARAMETERS, Environment) == 0x48 &&
                   offsetof(PAGODA_PROCESS_PARAMETERS, WindowTitle) == 0x70,
               "RTL_USER_PROCESS_PARAMETERS");
_Static_assert(sizeof(PS_ATTRIBUTE) == 16 && sizeof(PS_CREATE_INFO) == 72,
               "PS_ATTRIBUTE, PS_CREATE_INFO");
_Static_assert(offsetof(PAGODA_PEB, Ldr) == 0x0C && offsetof(PAGODA_PEB, LoaderLock) == 0xA0,
               "PEB.Ldr, PEB.LoaderLock");
_Static_assert(sizeof(PEB_LDR_DATA) == 0x28, "PEB_LDR_DATA is 0x28 bytes");
_Static_assert(offsetof(PEB_LDR_DATA, InInitializationOrderModuleList) == 0x1C, "Ldr init list");
_Static_assert(sizeof(LDR_DATA_TABLE_ENTRY) == 0x50, "LDR_DATA_TABLE_ENTRY is 0x50 bytes");
_Static_assert(offsetof(LDR_DATA_TABLE_ENTRY, DllBase) == 0x18, "LDR_DATA_TABLE_ENTRY.DllBase");
_Static_assert(offsetof(LDR_DATA_TABLE_ENTRY, BaseDllName) == 0x2C, "LDR_DATA_TABLE_ENTRY names");
_Static_assert(offsetof(LDR_DATA_TABLE_ENTRY, LoadCount) == 0x38, "LDR_DATA_TABLE_ENTRY.LoadCount");
_Static_assert(sizeof(RTL_CRITICAL_SECTION) == 24, "RTL_CRITICAL_SECTION is 24 bytes");
_Static_assert(offsetof(PAGODA_PROCESS_PARAMETERS, CommandLine) == 0x40, "CommandLine at 0x40");
_Static_assert(offsetof(PAGODA_KUSER_SHARED_DATA, NtMajorVersion) == 0x26C, "KUSER NtMajorVersion");
_Static_assert(offsetof(PAGODA_KUSER_SHARED_DATA, TickCount) == 0x320, "KUSER TickCount");
_Static_assert(offsetof(PAGODA_KUSER_SHARED_DATA, PageSize) == 0xF00, "KUSER PageSize");
_Static_assert(offsetof(PAGODA_KUSER_SHARED_DATA, SystemCall) == 0x300, "KUSER SystemCall");
_Static_assert(offsetof(PAGODA_KUSER_SHARED_DATA, SystemCallStubs) == 0xF80, "KUSER stubs");
#endif

#endif
