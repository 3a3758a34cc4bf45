#!/usr/bin/env bash
# tools/bench.sh: `make bench`. Boots the kernel with test=bench under QEMU TCG (the reference: default
# qemu32 CPU, -m 256, one vCPU, as ../shared/bench/README.md asks) and, when a probe boot works, KVM;
# prints every "bench NAME CYCLES" figure the benchmark programs report ("bench NAME_mib_s N" for the
# disk reads), with build/disk.img attached (snapshot=on). BENCH_RUNS=N boots N times;
# BENCH_CMDLINE adds kernel options (e.g. sysenter=off); BENCH_KVM=0 skips the KVM attempt; BENCH_OUT
# is the log directory. tools/bench-linux.sh (`make bench-linux`) runs it one boot at a time.
set -euo pipefail

cd "$(dirname "$0")/.."
. tools/exit-codes.sh
kernel=build/kernel.elf
runs=${BENCH_RUNS:-3}
out=${BENCH_OUT:-build/bench}
extra=${BENCH_CMDLINE:-}
mkdir -p "$out"
[ -f "$kernel" ] && [ -f build/disk.img ] ||
    { echo "bench: $kernel or build/disk.img not found: run 'make' first" >&2; exit 1; }

# The benchmark programs are on C: (\Tests\bench_*.exe).
disk=(-drive file=build/disk.img,format=raw,if=ide,index=0,snapshot=on)

# boot ACCEL LOG: one benchmark boot; returns QEMU's status.
boot() {
    timeout 300 qemu-system-i386 -accel "$1" -m 256 -kernel "$kernel" \
        -append "test=bench${extra:+ $extra}" -display none -serial "file:$2" -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=4 \
        "${disk[@]}" </dev/null >/dev/null 2>&1 || return $?
}

kvm_works() {
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
    local status=0
    timeout 10 qemu-system-i386 -accel kvm -m 64 -kernel "$kernel" -append "test=none" -display none \
        -serial "file:$out/kvm-probe.log" -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
        </dev/null >/dev/null 2>&1 || status=$?
    [ "$status" = "$EXIT_TESTS_PASSED" ] && grep -q '^Pagoda' "$out/kvm-probe.log"
}

accels=(tcg)
if [ "${BENCH_KVM:-1}" = 0 ]; then
    :
elif kvm_works; then
    accels+=(kvm)
else
    echo "bench: KVM skipped (no /dev/kvm, or a probe boot with paging failed)"
fi

failed=0
for accel in "${accels[@]}"; do
    for run in $(seq 1 "$runs"); do
        log=$out/$accel-$run.log
        status=0
        boot "$accel" "$log" || status=$?
        if [ "$status" != "$EXIT_TESTS_PASSED" ]; then
            echo "bench: $accel run $run failed (QEMU status $status); log: $log" >&2
            grep -a '^FAIL\|PANIC' "$log" >&2 || tail -5 "$log" >&2
            failed=1
            continue
        fi
        tr -d '\r' <"$log" | awk -v a="$accel" -v r="$run" '/^bench / { printf "%-4s run %d  %-32s %12s %s\n", a, r, $2, $3, ($2 ~ /_mib_s$/ ? "MiB/s" : $2 ~ /_pages$/ ? "pages" : "cycles") }'
    done
done
exit "$failed"
