#!/usr/bin/env bash
# tools/run.sh: boots the Pagoda ISO in QEMU with the serial console on this terminal (`make run`,
# `make run-gui`).
# Env: CMDLINE (extra kernel options: boots build/pagoda-custom.iso), GUI=1 (show VGA), MEM (MiB).
# shellcheck disable=SC2054  # commas inside QEMU option values are not array separators
set -euo pipefail

cd "$(dirname "$0")/.."

. tools/qemu-env.sh
. tools/exit-codes.sh

# No menu delay when there is no screen to show the menu on.
menu_timeout=0
[ "$gui" = 1 ] && menu_timeout=3
pagoda_prepare run "$menu_timeout"
# Serial console multiplexed with the QEMU monitor on stdio: typing goes to COM1, Ctrl-A X quits,
# Ctrl-A C switches to the monitor; Ctrl-C goes to the guest.
qemu+=(-serial mon:stdio)
if [ "$gui" != 1 ]; then
    qemu+=(-display none)
elif [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    # No local screen (e.g. over SSH): show VGA over VNC on localhost, from port 5900 up.
    qemu+=(-display vnc=localhost:0,to=99)
    echo "run: no DISPLAY: VGA is on VNC at localhost:5900 (or the next free port; see 'info vnc')" >&2
fi

echo "run: ${qemu[*]}" >&2
[ "$gui" = 1 ] || echo "run: serial console below; Ctrl-A X quits" >&2

status=0
"${qemu[@]}" || status=$?

# QEMU's status: (code << 1) | 1 for the code the kernel wrote to isa-debug-exit (port 0xf4).
case $status in
    "$EXIT_HALT") echo "run: kernel halted normally"; exit 0 ;;
    "$EXIT_TESTS_PASSED") echo "run: test suite finished, all tests passed"; exit 0 ;;
    "$EXIT_TESTS_FAILED") echo "run: test suite finished with failures" ;;
    "$EXIT_BOOT_ERROR") echo "run: fatal boot error (see the serial output above)" ;;
    "$EXIT_PANIC") echo "run: kernel panic" ;;
    0) echo "run: QEMU quit without the kernel powering off (closed by the user, or a triple fault)" ;;
    *) echo "run: QEMU exited with status $status" ;;
esac >&2
exit "$status"
