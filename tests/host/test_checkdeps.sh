#!/usr/bin/env bash
# tests/host/test_checkdeps.sh: tools/checkdeps.sh passes this tree, and on small made-up trees fails
# each kind of wrong-way include with its file and line, allows what the layers allow, and keeps its
# list of service files honest. Prints one "ok host.NAME" or "FAIL host.NAME: why" line per case,
# like the other host tests (make host-tests).
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
checker=$PWD/tools/checkdeps.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The service files the checker lists; a made-up tree needs each, defining a service of its list.
mapfile -t service_files < <(sed -n '/^SERVICE_FILES=(/,/^)/{/^ /p}' "$checker" | tr -d ' ')

# tree: a fresh made-up tree in $work/t with the service files, one service each.
tree() {
    rm -rf "$work/t"
    mkdir -p "$work/t/kernel/ke" "$work/t/kernel/ndk"
    echo '# services' >"$work/t/kernel/ke/services.list"
    echo '/* types */' >"$work/t/kernel/ndk/types.h"
    local i=0 f
    for f in "${service_files[@]}"; do
        i=$((i + 1))
        mkdir -p "$work/t/$(dirname "$f")"
        printf '#include "kernel/ndk/types.h"\nNTSTATUS NtService%d(void) { return 0; }\n' "$i" >"$work/t/$f"
        echo "NtService$i 0" >>"$work/t/kernel/ke/services.list"
    done
}

# file PATH LINE...: writes the lines into the made-up tree's PATH.
file() {
    local path=$work/t/$1
    shift
    mkdir -p "$(dirname "$path")"
    printf '%s\n' "$@" >"$path"
}

# passes / fails PATTERN: the checker on the made-up tree succeeds, or fails printing PATTERN.
passes() { "$checker" "$work/t" >"$work/out" 2>&1; }
fails() { ! "$checker" "$work/t" >"$work/out" 2>&1 && grep -q -- "$1" "$work/out"; }

# check NAME MESSAGE CMD...: runs the rest of the line; a non-zero status is a failure
check() {
    local name=$1 message=$2
    shift 2
    if "$@"; then
        echo "ok host.checkdeps_$name"
    else
        echo "FAIL host.checkdeps_$name: $message ($(head -c 300 "$work/out" | tr '\n' ' '))"
    fi
}

this_tree() { "$checker" >"$work/out" 2>&1; }

base_passes() { tree && passes; }

hal_to_io() {
    tree
    file kernel/io/io.h '/* io */'
    file kernel/hal/power.c '/* power */' '#include "kernel/ndk/types.h"' '#include "kernel/io/io.h"'
    fails 'kernel/hal/power.c:3: includes kernel/io/io.h (io, rank 4): hal (rank 2) may include only'
}

ke_to_ps() {
    tree
    file kernel/ps/ps.h '#include "kernel/ke/sched.h"'
    file kernel/ke/sched.h '#include "kernel/ps/ps.h"'
    fails 'kernel/ke/sched.h:1: includes kernel/ps/ps.h'
}

ob_to_ps() {
    tree
    file kernel/ps/ps.h '/* ps */'
    file kernel/ob/handle.c '#include "kernel/ps/ps.h"'
    fails 'kernel/ob/handle.c:1: includes kernel/ps/ps.h (ps, rank 4): ob (rank 3)'
}

# ps, ex and io are one tier, in any direction but without a cycle.
executive_tier() {
    tree
    file kernel/ps/ps.h '/* ps */'
    file kernel/ex/sync.h '#include "kernel/ps/ps.h"'
    file kernel/io/io.h '#include "kernel/ex/sync.h"'
    file kernel/ps/create.c '#include "kernel/ps/ps.h"' '#include "kernel/ob/ob.h"'
    file kernel/ob/ob.h '/* ob */'
    passes || return 1
    file kernel/ps/create.c '#include "kernel/ps/ps.h"' '#include "kernel/io/io.h"'
    fails 'ex and ps include each other, a cycle inside the executive tier: kernel/ex/sync.h:1 (ex -> ps), and ps reaches ex' ||
        return 1
    grep -q '^io and ps include each other, .*kernel/ps/create.c:2 (ps -> io)' "$work/out" || return 1
    file kernel/ob/ob.h '#include "kernel/ps/ps.h"'
    fails 'kernel/ob/ob.h:1: includes kernel/ps/ps.h (ps, rank 4): ob (rank 3)'
}

# hal, ke and mm are one tier: any direction, and the cycle is reported, not refused.
core_tier() {
    tree
    file kernel/ke/ke.h '#include "mm/mm.h"'
    file mm/mm.h '#include "kernel/ke/ke.h"' '#include "kernel/hal/pic.h"'
    file kernel/hal/pic.h '#include "kernel/ndk/types.h"'
    passes && grep -q 'cycles inside a tier (allowed): ke<->mm' "$work/out"
}

service_files_reach_anywhere() {
    tree
    file kernel/io/io.h '/* io */'
    file kernel/init.c '#include "kernel/io/io.h"'
    printf '#include "kernel/io/io.h"\n' >>"$work/t/mm/section.c"
    passes
}

unlisted_service() {
    tree
    file kernel/ob/object.c '#include "kernel/ndk/types.h"' 'NTSTATUS NtService3(HANDLE h)' '{'
    fails 'kernel/ob/object.c:2: defines the service NtService3 but is not in'
}

listed_without_service() {
    tree
    file mm/virtual.c '/* no service here */'
    fails 'SERVICE_FILES names mm/virtual.c, which defines no service'
}

pure_and_user() {
    tree
    file kernel/ke/ke.h '/* ke */'
    file kernel/rtl/string.h '#include "kernel/ndk/types.h"'
    file ldr/pe.c '#include "kernel/rtl/string.h"' '#include "ldr/pep.h"'
    file ldr/pep.h '/* private */'
    file user/rt/rt.h '#include "kernel/rtl/string.h"' '#include "pagoda/services.h"' '#include "pagoda/nt.h"'
    file user/include/pagoda/nt.h '#include "kernel/ndk/types.h"'
    file mm/image.c '#include "ldr/pep.h"'
    passes || return 1
    file ldr/pe_tls.c '#include "kernel/ke/ke.h"'
    fails 'ldr/pe_tls.c:1: includes kernel/ke/ke.h (ke, rank 2): ldr/ is pure' || return 1
    rm "$work/t/ldr/pe_tls.c"
    file user/rt/start.c '#include "kernel/ke/ke.h"'
    fails 'user/rt/start.c:1: includes kernel/ke/ke.h (ke, rank 2): user/ may include only' || return 1
    rm "$work/t/user/rt/start.c"
    file kernel/ke/probe.c '#include "user/rt/rt.h"'
    fails 'kernel/ke/probe.c:1: includes user/rt/rt.h'
}

# A file system reaches disks through the I/O manager's block devices, never a driver; a driver may
# use its bus's driver.
fs_and_drivers() {
    tree
    file kernel/io/blockdev.h '/* io */'
    file kernel/drivers/pci/pci.h '#include "kernel/io/blockdev.h"'
    file kernel/drivers/ata/ata.c '#include "kernel/drivers/pci/pci.h"' '#include "kernel/io/blockdev.h"'
    file kernel/fs/fat/fat.h '#include "kernel/io/blockdev.h"'
    file kernel/fs/fat/fsd.c '#include "fat.h"'
    passes || return 1
    file kernel/fs/fat/volume.c '#include "kernel/fs/fat/fat.h"' '#include "kernel/drivers/ata/ata.h"'
    file kernel/drivers/ata/ata.h '/* ata */'
    fails 'kernel/fs/fat/volume.c:2: includes kernel/drivers/ata/ata.h' || return 1
    rm "$work/t/kernel/fs/fat/volume.c"
    file kernel/io/blockdev.c '#include "kernel/fs/fat/fat.h"'
    fails 'kernel/io/blockdev.c:1: includes kernel/fs/fat/fat.h'
}

strays() {
    tree
    file kernel/stray.c '/* a file outside every folder */'
    fails 'kernel/stray.c: not in a folder' || return 1
    rm "$work/t/kernel/stray.c"
    file kernel/ke/ke.h '#include "kernel/ke/missing.h"'
    fails 'kernel/ke/ke.h:1: includes "kernel/ke/missing.h", which is not in the tree'
}

check this_tree "this tree has a wrong-way include" this_tree
check base "a tree of service files alone is refused" base_passes
check hal_to_io "hal including io (power-off flushing volumes) is not refused with its line" hal_to_io
check ke_to_ps "ke including ps is not refused" ke_to_ps
check ob_to_ps "ob including ps is not refused" ob_to_ps
check executive_tier "ps, ex and io may not use each other, or a cycle between them passes" executive_tier
check core_tier "hal, ke and mm may not use each other, or the cycle goes unreported" core_tier
check service_files "a service file or init.c may not include anything" service_files_reach_anywhere
check unlisted_service "a file that defines a service outside SERVICE_FILES passes" unlisted_service
check listed_without_service "a SERVICE_FILES entry without a service passes" listed_without_service
check pure_and_user "ldr/ and user/ are not held to ndk, rtl (and user)" pure_and_user
check fs_and_drivers "fs/ and drivers/ are not kept apart, or a driver cannot use its bus" fs_and_drivers
check strays "a stray file or a missing header passes" strays
