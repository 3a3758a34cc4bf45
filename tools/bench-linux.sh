#!/usr/bin/env bash
# tools/bench-linux.sh: `make bench-linux`. Boots Debian's i386 Linux (the non-PAE 686 kernel) with
# tools/bench-linux/peer.c as /init and Pagoda's `make bench` boot back to back in the same QEMU
# (TCG, default qemu32 CPU, -m 256, one vCPU, build/disk.img as the IDE disk with snapshot=on),
# BENCH_RUNS times in turn (default 3), and prints one table of the pairs in
# tools/bench-linux/pairs: the medians across runs and Pagoda/Linux. Logs and results go to
# build/bench-linux/.
# Env: BENCH_RUNS=N; BENCH_LINUX_CACHE=DIR (where the kernel package is kept, default
#      build/bench-linux/cache); BENCH_LINUX_DEB=FILE (use this linux-image .deb, download nothing);
#      BENCH_LINUX_APPEND: more Linux command-line options, e.g. PEER_ONLY=files,fork_execve to run
#      only those groups of peer.c (its table `benchmarks`).
# As root it installs what it needs (cpio, the i386 architecture for apt, the kernel package); as
# any other user it prints the commands and stops.
set -euo pipefail

cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-3}
out=build/bench-linux
cache=${BENCH_LINUX_CACHE:-$out/cache}
append=${BENCH_LINUX_APPEND:-}
pairs=tools/bench-linux/pairs
# The modules the peer loads to read the FAT partition of the IDE disk (their dependencies follow).
modules=(ata_piix sd_mod nls_cp437 nls_ascii vfat)
mkdir -p "$out/logs" "$cache"

die() { echo "bench-linux: $*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# ---- tools: cpio for the initramfs; the rest is in tools/deps.sh ----
need_tools() {
    local missing=()
    command -v cpio >/dev/null || missing+=(cpio)
    command -v qemu-system-i386 >/dev/null || missing+=(qemu-system-x86)
    command -v dpkg-deb >/dev/null || die "dpkg-deb not found: the Linux peer needs Debian's tools"
    [ ${#missing[@]} -eq 0 ] && return
    is_root || die "missing packages; run this as root, or: sudo apt-get install -y ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    command -v cpio >/dev/null || die "cpio is still missing after apt-get install"
}

# ---- the kernel package: newest cached linux-image-*-686 .deb, else apt-get download ----
# The meta package linux-image-686 depends on the current linux-image-<abi>-686.
kernel_package_name() {
    apt-cache depends linux-image-686:i386 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { sub(/:i386$/, "", $2); print $2; exit }'
}

# Downloads the package into $cache; apt's output goes to stderr (stdout is kernel_deb's answer).
apt_download_kernel() {
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        is_root || die "apt has no i386 architecture; as root run:" \
            "dpkg --add-architecture i386 && apt-get update; then make bench-linux again"
        dpkg --add-architecture i386
        apt-get update -qq >&2
    fi
    local pkg sandbox=()
    pkg=$(kernel_package_name)
    if [ -z "$pkg" ] && is_root; then
        apt-get update -qq >&2
        pkg=$(kernel_package_name)
    fi
    [ -n "$pkg" ] || die "no linux-image-686:i386 in the apt lists (run apt-get update)"
    # As root apt downloads as the user _apt, which may not write to $cache.
    is_root && sandbox=(-o APT::Sandbox::User=root)
    echo "bench-linux: downloading $pkg:i386 into $cache" >&2
    (cd "$cache" && apt-get -qq "${sandbox[@]}" download "$pkg:i386" >&2)
}

kernel_deb() {
    if [ -n "${BENCH_LINUX_DEB:-}" ]; then
        [ -f "$BENCH_LINUX_DEB" ] || die "BENCH_LINUX_DEB=$BENCH_LINUX_DEB not found"
        echo "$BENCH_LINUX_DEB"
        return
    fi
    local deb
    deb=$(find "$cache" -maxdepth 1 -name 'linux-image-*-686_*_i386.deb' | sort -V | tail -n1)
    if [ -z "$deb" ]; then
        apt_download_kernel
        deb=$(find "$cache" -maxdepth 1 -name 'linux-image-*-686_*_i386.deb' | sort -V | tail -n1)
    fi
    [ -n "$deb" ] || die "the kernel package did not arrive in $cache"
    echo "$deb"
}

# module_depends KO: the modules KO needs (its .modinfo "depends=" field), one per line.
module_depends() {
    objcopy -O binary --only-section=.modinfo "$1" /dev/stdout | tr '\0' '\n' |
        sed -n 's/^depends=//p' | tr ',' '\n' | sed '/^$/d'
}

# add_module TREE NAME: appends NAME's file to $out/linux/modules/order after its dependencies.
add_module() {
    local tree=$1 name=$2 file dep
    file=$(find "$tree" \( -name "$name.ko" -o -name "$(tr _ - <<<"$name").ko" \
        -o -name "$(tr - _ <<<"$name").ko" \) -print -quit)
    [ -n "$file" ] || die "module $name not in the kernel package"
    grep -qx "$(basename "$file")" "$out/linux/modules/order" && return
    for dep in $(module_depends "$file"); do add_module "$tree" "$dep"; done
    cp "$file" "$out/linux/modules/"
    basename "$file" >>"$out/linux/modules/order"
}

# Unpacks vmlinuz and the modules into $out/linux, once per package.
unpack_kernel() {
    local deb=$1 tree
    [ "$(cat "$out/linux/stamp" 2>/dev/null)" = "$deb" ] && return
    rm -rf "$out/linux" && mkdir -p "$out/linux/modules"
    : >"$out/linux/modules/order"
    tree=$(mktemp -d)
    # Modules are in /lib/modules in Debian 12's packages, /usr/lib/modules in later ones.
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tree" --wildcards './boot/vmlinuz-*' '*/modules/*'
    cp "$tree"/boot/vmlinuz-* "$out/linux/vmlinuz"
    for m in "${modules[@]}"; do add_module "$tree" "$m"; done
    rm -rf "$tree"
    echo "$deb" >"$out/linux/stamp"
}

build_initramfs() {
    local root=$out/initramfs
    rm -rf "$root" && mkdir -p "$root"
    gcc -m32 -static -O2 -Wall -Wextra -Werror -o "$root/init" tools/bench-linux/peer.c
    gcc -m32 -static -O2 -Wall -Wextra -Werror -o "$root/exit0" tools/bench-linux/exit0.c
    gcc -m32 -static -nostdlib -o "$root/exit0-bare" tools/bench-linux/exit0-bare.S
    cp -r "$out/linux/modules" "$root/modules"
    (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out/initramfs.cpio"
}

# linux_run N: one Linux boot; appends "linux N NAME VALUE" lines to $results.
linux_run() {
    local log=$out/logs/linux-$1.log status=0
    timeout 300 qemu-system-i386 -accel tcg -m 256 -kernel "$out/linux/vmlinuz" \
        -initrd "$out/initramfs.cpio" -append "console=ttyS0 quiet${append:+ $append}" \
        -display none -serial "file:$log" -no-reboot \
        -drive file=build/disk.img,format=raw,if=ide,index=0,snapshot=on \
        </dev/null >/dev/null 2>&1 || status=$?
    tr -d '\r' <"$log" >"$log.txt" && mv "$log.txt" "$log"
    grep -a '^peer error' "$log" | sed "s/^/bench-linux: linux run $1: /" >&2 || true
    if ! grep -q '^peer end' "$log"; then
        echo "bench-linux: linux run $1 did not finish (QEMU status $status); log: $log" >&2
        tail -n 5 "$log" >&2
        return 1
    fi
    awk -v r="$1" '$1 == "peer" && $3 ~ /^[0-9]+$/ && NF == 3 { print "linux", r, $2, $3 }' \
        "$log" >>"$results"
}

# pagoda_run N [VARIANT]: one `make bench` boot (tools/bench.sh, TCG only), with the kernel options
# of VARIANT ('+' between them) added; appends "pagoda N NAME[@VARIANT] VALUE" lines to $results.
pagoda_run() {
    local run=$1 variant=${2:-}
    BENCH_RUNS=1 BENCH_KVM=0 BENCH_CMDLINE="${variant//+/ }" \
        BENCH_OUT="$out/logs/pagoda-$run${variant:+-$variant}" tools/bench.sh |
        awk -v r="$run" -v v="${variant:+@$variant}" '$1 == "tcg" { print "pagoda", r, $4 v, $5 }' \
            >>"$results" && return
    echo "bench-linux: pagoda run $run ${variant:+($variant) }failed" >&2
    return 1
}

# Warns when other work competes with QEMU for the CPUs: rdtsc counts the host's time, so a sample
# during which QEMU waited for a CPU comes out long (medians absorb that for short operations only).
check_load() {
    local load cpus
    load=$(cut -d' ' -f1 /proc/loadavg)
    cpus=$(nproc)
    if awk -v l="$load" -v c="$cpus" 'BEGIN { exit !(l >= c) }'; then
        echo "bench-linux: warning: host load average $load on $cpus CPUs; the long operations" \
            "(process creation, disk reads) will come out inflated"
    fi
}

need_tools
if [ ! -f build/kernel.elf ] || [ ! -f build/disk.img ]; then
    die "build/kernel.elf or build/disk.img missing: run make"
fi
deb=$(kernel_deb)
unpack_kernel "$deb"
build_initramfs
# Pagoda figures measured with other options ("NAME@VARIANT" in the pairs file) need boots of
# their own.
variants=$(awk -F'|' '!/^#/ && NF >= 3 {
    gsub(/ /, "", $2); if (split($2, a, "@") == 2) print a[2] }' \
    "$pairs" | sort -u)

results=$out/results.txt
: >"$results"
cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
echo "bench-linux: $(date -u '+%Y-%m-%d %H:%M UTC'); $(dpkg-deb -f "$deb" Package)" \
    "$(dpkg-deb -f "$deb" Version) and Pagoda, $runs run(s) in turn;" \
    "$(qemu-system-i386 --version | head -n1), TCG, -m 256; host: $cpu, $(nproc) CPUs"
check_load
failed=0
for run in $(seq 1 "$runs"); do
    linux_run "$run" || failed=1
    pagoda_run "$run" || failed=1
    while IFS= read -r variant; do
        if [ -n "$variant" ]; then pagoda_run "$run" "$variant" || failed=1; fi
    done <<<"$variants"
done
grep -a '^peer info' "$out/logs/linux-1.log" 2>/dev/null | sed 's/^peer info /linux: /' || true
echo
tools/bench-linux/table.sh "$pairs" "$results"
exit "$failed"
