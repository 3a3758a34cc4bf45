#!/usr/bin/env bash
# tools/debug.sh: starts Pagoda in QEMU halted at the first instruction, with the gdb stub on :1234,
# and attaches gdb (`make debug`). Env: CMDLINE (extra kernel options), GUI=1 (show VGA), MEM (MiB,
# default 128).
# shellcheck disable=SC2054  # commas inside QEMU option values are not array separators
set -euo pipefail

cd "$(dirname "$0")/.."

. tools/qemu-env.sh
serial_log=build/debug-serial.log

pagoda_prepare debug 0
qemu+=(-serial "file:$serial_log" -s -S)
[ "$gui" = 1 ] || qemu+=(-display none)
gdb_cmd=(gdb -q -x tools/pagoda.gdb)

# Without a terminal (CI, a pipe) there is nobody to type at gdb: print the commands instead.
if ! [ -t 0 ] || ! [ -t 1 ]; then
    echo "debug: no terminal; to debug, run these two commands from $(pwd):"
    echo "  ${qemu[*]} &"
    echo "  ${gdb_cmd[*]}"
    exit 0
fi

command -v gdb >/dev/null || { echo "debug: gdb not found: run tools/deps.sh" >&2; exit 1; }

# QEMU in its own session, so that Ctrl-C in gdb interrupts the guest and does not kill QEMU.
: >"$serial_log"
setsid "${qemu[@]}" </dev/null &
qemu_pid=$!
trap 'kill "$qemu_pid" 2>/dev/null || true; wait "$qemu_pid" 2>/dev/null || true' EXIT

echo "debug: QEMU is waiting for gdb on :1234; serial output goes to $serial_log"
echo "debug: (watch it with 'tail -f $serial_log' in another terminal); quit gdb to stop QEMU"
sleep 0.3
kill -0 "$qemu_pid" 2>/dev/null || { echo "debug: QEMU did not start (port 1234 busy?)" >&2; exit 1; }
"${gdb_cmd[@]}"
