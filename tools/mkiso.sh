#!/usr/bin/env bash
# tools/mkiso.sh: builds a BIOS-bootable GRUB ISO holding the Pagoda kernel (without its debug
# sections), from the template iso/grub.cfg.in.
# Usage: tools/mkiso.sh OUT.iso KERNEL.elf [DEFAULT_ENTRY(0)] [EXTRA_CMDLINE("")] [TIMEOUT(3)]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

die() {
    echo "mkiso: $*" >&2
    exit 1
}

if [ $# -lt 2 ] || [ $# -gt 5 ]; then
    die "usage: $0 OUT.iso KERNEL.elf [DEFAULT_ENTRY] [EXTRA_CMDLINE] [TIMEOUT]"
fi
out=$1
kernel=$2
default_entry=${3:-0}
extra_cmdline=${4:-}
timeout=${5:-3}

[[ $default_entry =~ ^[0-2]$ ]] || die "DEFAULT_ENTRY must be 0, 1 or 2 (got '$default_entry')"
[[ $timeout =~ ^[0-9]+$ ]] || die "TIMEOUT must be a number of seconds (got '$timeout')"
[ -f "$kernel" ] || die "kernel '$kernel' not found (run 'make' first)"
grub-file --is-x86-multiboot "$kernel" || die "'$kernel' has no valid Multiboot 1 header"

# GRUB 2.06 looks for the ELF entry point inside some LOAD segment's virtual range and converts it to
# physical itself; otherwise it stops at "entry point isn't in a segment" (QEMU's -kernel does not care).
entry_in_a_segment() {
    local entry type vaddr memsz _
    entry=$(readelf -h "$1" | awk '/Entry point address:/ { print $4 }')
    # Program header rows: Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align
    while read -r type _ vaddr _ _ memsz _; do
        [ "$type" = LOAD ] || continue
        ((vaddr <= entry && entry < vaddr + memsz)) && return 0
    done < <(readelf -lW "$1")
    echo "mkiso: $1: entry point $entry is not inside any LOAD segment's virtual addresses," >&2
    echo "mkiso: so GRUB refuses it ('entry point isn't in a segment'). Make ENTRY() the virtual" >&2
    echo "mkiso: address of the entry symbol, or link the boot stub at its physical address." >&2
    return 1
}
entry_in_a_segment "$kernel" || die "'$kernel' cannot be booted by GRUB"

# GRUB's script lexer treats quotes, '\', '$', ';' and friends specially. Words made of plain
# characters go in as they are (readable grub.cfg); any other word is single-quoted.
grub_quote_words() {
    local word quoted=()
    read -r -a words <<<"$1"
    for word in "${words[@]}"; do
        if [[ $word =~ ^[A-Za-z0-9=,.:/+_@%-]+$ ]]; then
            quoted+=("$word")
        else
            quoted+=("'${word//\'/\'\\\'\'}'")
        fi
    done
    echo "${quoted[*]}"
}

mkdir -p "$root/build"
stage=$(mktemp -d "$root/build/iso-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/tree/boot/grub"
# Without the debug sections (the symbol table for backtraces is an allocated section and stays;
# gdb reads the full KERNEL): GRUB loads the whole file into memory, and with 4 MiB of RAM (the
# 486-4m entry of tests/run) it runs out of memory on the unstripped one.
objcopy --strip-debug "$kernel" "$stage/tree/boot/kernel.elf"

# Substitute with bash rather than sed: the command line may hold '/', '&' or '\'.
cfg=$(<"$root/iso/grub.cfg.in")
cfg=${cfg//@TIMEOUT@/$timeout}
cfg=${cfg//@DEFAULT@/$default_entry}
cfg=${cfg//@CMDLINE@/$(grub_quote_words "$extra_cmdline")}
printf '%s\n' "$cfg" >"$stage/tree/boot/grub/grub.cfg"

# BIOS only (-d), only the modules a Multiboot boot from CD or USB stick needs, no fonts, locales
# or themes, xz-compressed: about 0.6 MB instead of 9.5 MB.
modules="multiboot normal configfile iso9660 biosdisk part_msdos"
if ! grub-mkrescue -d /usr/lib/grub/i386-pc -o "$stage/out.iso" \
    --install-modules="$modules" --fonts= --locales= --themes= --compress=xz \
    "$stage/tree" >"$stage/mkrescue.log" 2>&1; then
    cat "$stage/mkrescue.log" >&2
    die "grub-mkrescue failed"
fi

# Rename into place so a concurrent reader never sees a half-written ISO.
mkdir -p "$(dirname "$out")"
mv -f "$stage/out.iso" "$out"
