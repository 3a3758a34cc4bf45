#!/usr/bin/env bash
# Boots the Pagoda ISO in QEMU with the serial console on this terminal (`make run`, `make run-gui`).
# Env: CMDLINE (extra kernel options: boots build/pagoda-custom.iso), GUI=1 (show VGA), MEM (MiB).
# shellcheck disable=SC2054  # commas inside QEMU option values are not array separators
set -euo pipefail

cd "$(dirname "$0")/.."

cmdline=${CMDLINE:-}
gui=${GUI:-0}
mem=${MEM:-128}
kernel=build/kernel.elf
iso=build/pagoda.iso

[ -f "$kernel" ] || { echo "run: $kernel not found: run 'make' first" >&2; exit 1; }

if [ -n "$cmdline" ]; then
    # Entry 0 (split=2G) plus the extra options; the kernel takes the last of repeated options.
    # No menu delay when there is no screen to show the menu on.
    menu_timeout=0
    [ "$gui" = 1 ] && menu_timeout=3
    iso=build/pagoda-custom.iso
    tools/mkiso.sh "$iso" "$kernel" 0 "$cmdline" "$menu_timeout"
fi
[ -f "$iso" ] || { echo "run: $iso not found: run 'make' first" >&2; exit 1; }

qemu=(
    qemu-system-i386 -accel tcg -m "$mem" -cdrom "$iso" -no-reboot
    -device isa-debug-exit,iobase=0xf4,iosize=4
    # Serial console multiplexed with the QEMU monitor on stdio: typing goes to COM1,
    # Ctrl-A X quits, Ctrl-A C switches to the monitor; Ctrl-C goes to the guest.
    -serial mon:stdio
)
if [ "$gui" != 1 ]; then
    qemu+=(-display none)
elif [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    # No local screen (e.g. over SSH): show VGA over VNC on localhost, from port 5900 up.
    qemu+=(-display vnc=localhost:0,to=99)
    echo "run: no DISPLAY: VGA is on VNC at localhost:5900 (or the next free port; see 'info vnc')" >&2
fi
[ -f build/disk.img ] && qemu+=(-drive file=build/disk.img,format=raw,if=ide,index=0)

echo "run: ${qemu[*]}" >&2
[ "$gui" = 1 ] || echo "run: serial console below; Ctrl-A X quits" >&2

status=0
"${qemu[@]}" || status=$?

# QEMU's status: (code << 1) | 1 for the code the kernel wrote to isa-debug-exit (port 0xf4).
case $status in
    37) echo "run: kernel halted normally"; exit 0 ;;
    33) echo "run: test suite finished, all tests passed"; exit 0 ;;
    35) echo "run: test suite finished with failures" ;;
    39) echo "run: fatal boot error (see the serial output above)" ;;
    63) echo "run: kernel panic" ;;
    0) echo "run: QEMU quit without the kernel powering off (closed by the user, or a triple fault)" ;;
    *) echo "run: QEMU exited with status $status" ;;
esac >&2
exit "$status"
