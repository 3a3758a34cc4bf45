# tools/qemu-env.sh: what `make run` (tools/run.sh) and `make debug` (tools/debug.sh) share: the settings
# from the environment, the ISO to boot (a custom one when CMDLINE is set) and QEMU's base command line.
# Sourced, not run. Env: CMDLINE (extra kernel options), GUI=1 (show VGA), MEM (MiB, default 128).
# shellcheck shell=bash disable=SC2034,SC2054  # variables used by the sourcing scripts; commas in QEMU values

cmdline=${CMDLINE:-}
gui=${GUI:-0}
mem=${MEM:-128}
kernel=build/kernel.elf
iso=build/pagoda.iso

# pagoda_prepare NAME MENU_TIMEOUT: checks the kernel exists, builds build/pagoda-custom.iso (entry 0
# plus CMDLINE; the kernel takes the last of repeated options) when CMDLINE is set, and fills the
# array `qemu` with the command line both scripts start from.
pagoda_prepare() {
    local name=$1 menu_timeout=$2
    [ -f "$kernel" ] || { echo "$name: $kernel not found: run 'make' first" >&2; exit 1; }
    if [ -n "$cmdline" ]; then
        iso=build/pagoda-custom.iso
        tools/mkiso.sh "$iso" "$kernel" 0 "$cmdline" "$menu_timeout"
    fi
    [ -f "$iso" ] || { echo "$name: $iso not found: run 'make' first" >&2; exit 1; }
    qemu=(qemu-system-i386 -accel tcg -m "$mem" -cdrom "$iso" -boot d -no-reboot
          -device isa-debug-exit,iobase=0xf4,iosize=4)
    if [ -f build/disk.img ]; then
        qemu+=(-drive file=build/disk.img,format=raw,if=ide,index=0)
    fi
}
