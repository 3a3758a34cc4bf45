#!/usr/bin/env bash
# tools/mkdisk.sh OUTPUT: builds the test disk image (build/disk.img): an MBR with one FAT32 partition
# (type 0x0C) from sector 2048, filled from a staging tree, and 512 scratch sectors (256 KiB) after the
# partition that the ATA tests overwrite (the harness boots with snapshot=on: the file never changes).
# Env: DISK_ROOT=DIR (the build's build/disk-root: ntdll.dll, the PE test programs) and EXTRA=DIR are
#      copied to the root of the partition, in that order; DISK_UNITS=N sizes the image in
#      units of 516096 bytes (one Bochs cylinder of 16 heads x 63 sectors; default 130 = 64 MiB).
set -euo pipefail

out=${1:-build/disk.img}
units=${DISK_UNITS:-130}
sector=512
part_start=2048
scratch=512
total=$((units * 516096 / sector))
part_sectors=$((total - part_start - scratch))
staging=$(mktemp -d)
trap 'rm -rf "$staging" "$out.tmp"' EXIT

# le32 N: N as four little-endian bytes, in printf escape form.
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }

truncate -s 0 "$out.tmp"
truncate -s $((total * sector)) "$out.tmp"

# Boot code: int 18h ("no bootable disk": the BIOS tries the next device), for a BIOS that boots it.
printf '\xcd\x18\xf4\xeb\xfd' | dd of="$out.tmp" bs=1 conv=notrunc status=none

# The partition entry: not bootable, CHS fields saturated (LBA only), type 0x0C (FAT32 LBA).
# shellcheck disable=SC2059  # the format is built from escapes on purpose
printf "\\x00\\xfe\\xff\\xff\\x0c\\xfe\\xff\\xff$(le32 $part_start)$(le32 $part_sectors)" |
    dd of="$out.tmp" bs=1 seek=446 conv=notrunc status=none
printf '\x55\xaa' | dd of="$out.tmp" bs=1 seek=510 conv=notrunc status=none

# mkfs.fat warns that the file is larger than the file system: expected, so shown only on failure.
log=$(mkfs.fat -F 32 -s 1 -h $part_start -n PAGODA --invariant --offset=$part_start "$out.tmp" \
    $((part_sectors / 2)) 2>&1) || { echo "$log" >&2; exit 1; }

mkdir -p "$staging/Windows/System32" "$staging/Programs" "$staging/Tests"
cp tests/disk/hello.txt "$staging/Tests/"
# Files the kernel reads back (tests/user/staged.c): byte i of size-N.bin is (i * 31 + N) & 255.
mkdir -p "$staging/Tests/Sizes" "$staging/Tests/Nested/Deeper/Deepest"
for size in 0 1 511 512 513 4096 3145728; do
    perl -e 'my $n = shift; print pack("C*", map { ($_ * 31 + $n) & 255 } 0 .. $n - 1)' "$size" \
        >"$staging/Tests/Sizes/size-$size.bin"
done
printf 'A file with a long name.\r\n' >"$staging/Tests/A Long Name With Spaces And MixedCase.txt"
printf 'Three directories down.\r\n' >"$staging/Tests/Nested/Deeper/Deepest/Leaf.txt"
if [ -n "${DISK_ROOT:-}" ] && [ -d "$DISK_ROOT" ]; then
    cp -r "$DISK_ROOT"/. "$staging/"
fi
if [ -n "${EXTRA:-}" ]; then
    [ -d "$EXTRA" ] || { echo "mkdisk: EXTRA=$EXTRA is not a directory" >&2; exit 1; }
    cp -r "$EXTRA"/. "$staging/"
fi
img="$out.tmp@@$((part_start * sector))"
MTOOLS_SKIP_CHECK=1 mcopy -s -Q -i "$img" "$staging"/* ::/
mv "$out.tmp" "$out"
