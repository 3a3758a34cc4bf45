/* kernel/fs/fat/ondisk.h: FAT's on-disk structures (the boot sector's BPB, FSInfo, short and
 * long-name directory entries), packed, with their sizes and offsets asserted. Pure C11 with GCC's
 * packed attribute; the multi-byte fields are read as they are, so the library assumes a
 * little-endian CPU, as FAT is (i386 and the hosts of the tests). The FAT entries themselves stay
 * byte arrays read with fatp_get16/fatp_get32 (kernel/fs/fat/fatp.h), since FAT12's straddle bytes.
 *
 *   volume: | reserved (boot sector, FSInfo) | FAT 0 | FAT 1 ... | root dir (FAT12/16) | data ... |
 *   sector  0                         reserved       first_root_sector  first_data_sector
 *
 * Never take the address of a member wider than a byte: it may be misaligned. */
#ifndef PAGODA_FAT_ONDISK_H
#define PAGODA_FAT_ONDISK_H

#include "kernel/ndk/types.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "FAT's fields are read as they are");

#define FATP_PACKED __attribute__((packed))

/* The extended BPB: at offset 36 of a FAT12/16 boot sector, at 64 of a FAT32 one. */
struct fatp_extended_bpb {
    uint8_t drive_number;
    uint8_t reserved;
    uint8_t boot_signature; /* FATP_EXTENDED_BPB_SIGNATURE: the three fields below are valid */
    uint32_t volume_id; /* the serial number */
    uint8_t volume_label[11];
    uint8_t fs_type[8];
} FATP_PACKED;
_Static_assert(sizeof(struct fatp_extended_bpb) == 26, "extended BPB");
#define FATP_EXTENDED_BPB_SIGNATURE 0x29

/* Sector 0 of the volume, up to the boot code. A field of 0 in the 16-bit sizes means the 32-bit
 * one is used; FAT32 has no fixed root (root_entries 0) and a 32-bit FAT size. */
struct fatp_boot_sector {
    uint8_t jump[3]; /* EB xx 90 or E9 xx xx */
    uint8_t oem_name[8];
    uint16_t bytes_per_sector;
    uint8_t sectors_per_cluster;
    uint16_t reserved_sectors; /* the first FAT starts here */
    uint8_t fat_count;
    uint16_t root_entries; /* FAT12/16: entries of the fixed root directory */
    uint16_t total_sectors_16;
    uint8_t media; /* F0, or F8..FF */
    uint16_t fat_size_16;
    uint16_t sectors_per_track;
    uint16_t heads;
    uint32_t hidden_sectors;
    uint32_t total_sectors_32;
    union {
        struct fatp_extended_bpb fat16;
        struct {
            uint32_t fat_size;
            uint16_t ext_flags; /* FATP_EXT_FLAGS_*: FAT mirroring */
            uint16_t version; /* must be 0 */
            uint32_t root_cluster;
            uint16_t fsinfo_sector;
            uint16_t backup_boot_sector;
            uint8_t reserved[12];
            struct fatp_extended_bpb ebpb;
        } FATP_PACKED fat32;
    };
} FATP_PACKED;
_Static_assert(sizeof(struct fatp_boot_sector) == 90, "BPB and FAT32 fields");
_Static_assert(offsetof(struct fatp_boot_sector, bytes_per_sector) == 11, "BPB_BytsPerSec");
_Static_assert(offsetof(struct fatp_boot_sector, media) == 21, "BPB_Media");
_Static_assert(offsetof(struct fatp_boot_sector, total_sectors_32) == 32, "BPB_TotSec32");
_Static_assert(offsetof(struct fatp_boot_sector, fat16.volume_id) == 39, "BS_VolID");
_Static_assert(offsetof(struct fatp_boot_sector, fat32.root_cluster) == 44, "BPB_RootClus");
_Static_assert(offsetof(struct fatp_boot_sector, fat32.fsinfo_sector) == 48, "BPB_FSInfo");
_Static_assert(offsetof(struct fatp_boot_sector, fat32.ebpb.volume_id) == 67, "BS_VolID (FAT32)");
#define FATP_EXT_FLAGS_NO_MIRROR  0x80 /* only the FAT in the low bits is active */
#define FATP_EXT_FLAGS_ACTIVE_FAT 0x0F

/* FAT32's FSInfo sector: hints (never trusted) for the free count and the next free cluster. */
struct fatp_fsinfo {
    uint32_t lead_signature; /* FATP_FSINFO_LEAD */
    uint8_t reserved1[480];
    uint32_t struct_signature; /* FATP_FSINFO_STRUCT */
    uint32_t free_count; /* 0xFFFFFFFF: unknown */
    uint32_t next_free;
    uint8_t reserved2[12];
    uint32_t trail_signature; /* FATP_FSINFO_TRAIL */
} FATP_PACKED;
_Static_assert(sizeof(struct fatp_fsinfo) == 512, "FSInfo sector");
_Static_assert(offsetof(struct fatp_fsinfo, free_count) == 488, "FSI_Free_Count");
#define FATP_FSINFO_LEAD   0x41615252u
#define FATP_FSINFO_STRUCT 0x61417272u
#define FATP_FSINFO_TRAIL  0xAA550000u

/* A short directory entry. name[0] is FATP_DELETED for a deleted entry, 0 for the end of the
 * directory, 0x05 for a name whose first byte is 0xE5. ntres: FATP_NTRES_LOWER_* (NT's flags for
 * an all-lower-case base or extension). Dates and times in FAT's packed form
 * (kernel/fs/fat/name.c); the creation time has a tenths-of-a-second byte, the access time only a
 * date. */
struct fatp_dirent {
    uint8_t name[11]; /* 8.3, space-padded, no dot */
    uint8_t attr;
    uint8_t ntres;
    uint8_t ctime_tenth;
    uint16_t ctime;
    uint16_t cdate;
    uint16_t adate;
    uint16_t cluster_hi; /* FAT32 only */
    uint16_t wtime;
    uint16_t wdate;
    uint16_t cluster_lo;
    uint32_t size;
} FATP_PACKED;
_Static_assert(sizeof(struct fatp_dirent) == 32, "directory entry");
_Static_assert(offsetof(struct fatp_dirent, ctime) == 14, "DIR_CrtTime");
_Static_assert(offsetof(struct fatp_dirent, cluster_hi) == 20, "DIR_FstClusHI");
_Static_assert(offsetof(struct fatp_dirent, cluster_lo) == 26, "DIR_FstClusLO");
_Static_assert(offsetof(struct fatp_dirent, size) == 28, "DIR_FileSize");
#define FATP_NTRES_LOWER_BASE 0x08
#define FATP_NTRES_LOWER_EXT  0x10

/* A long-name entry (attr FATP_ATTR_LFN), one of the 1..20 that precede a short entry, last part
 * first. Each holds 13 UTF-16 units: 5 + 6 + 2, byte arrays since they are not aligned. */
#define FATP_LFN_UNITS 13
struct fatp_lfn_entry {
    uint8_t ord; /* part number 1..20, FATP_LFN_LAST on the first entry (the last part) */
    uint8_t name1[10];
    uint8_t attr;
    uint8_t type; /* 0 */
    uint8_t checksum; /* fatp_lfn_checksum of the short name */
    uint8_t name2[12];
    uint16_t cluster_lo; /* 0 */
    uint8_t name3[4];
} FATP_PACKED;
_Static_assert(sizeof(struct fatp_lfn_entry) == 32, "long-name entry");
_Static_assert(offsetof(struct fatp_lfn_entry, name2) == 14, "LDIR_Name2");
_Static_assert(offsetof(struct fatp_lfn_entry, name3) == 28, "LDIR_Name3");
#define FATP_LFN_LAST     0x40
#define FATP_LFN_ORD_MASK 0x1F

#endif
