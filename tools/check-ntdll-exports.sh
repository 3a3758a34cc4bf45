#!/usr/bin/env bash
# tools/check-ntdll-exports.sh: proves that ntdll.dll's own exports (user/ntdll/exports.def) carry the
# names and stdcall decorations of mingw-w64's stock import library, so that a program linked with
# -lntdll binds to Pagoda's ntdll.dll unchanged. It compares the import library the ntdll link wrote
# (--out-implib) with the stock one: every function of ours must be there, decorated alike.
# Usage: check-ntdll-exports.sh OURS.a STOCK.a   (Pagoda* names are Pagoda's own: not compared)
set -euo pipefail

[ $# -eq 2 ] || {
    echo "usage: check-ntdll-exports.sh OURS.a STOCK.a" >&2
    exit 2
}
nm=${MINGW_NM:-i686-w64-mingw32-nm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The import thunks: "T _Name@N" (stdcall) or "T _Name" (cdecl).
"$nm" "$1" 2>/dev/null | awk '$2 == "T" && $3 !~ /^_Pagoda/ { print $3 }' | sort -u >"$work/ours"
"$nm" "$2" 2>/dev/null | awk '$2 == "T" { print $3 }' | sort -u >"$work/stock"
[ -s "$work/ours" ] || { echo "check-ntdll-exports: no functions in $1" >&2; exit 1; }

missing=$(comm -23 "$work/ours" "$work/stock")
if [ -n "$missing" ]; then
    echo "check-ntdll-exports: these exports of $1 are not in $2 under that name and decoration:" >&2
    while read -r symbol; do
        undecorated=${symbol%@*}
        stock=$(grep -E "^${undecorated}(@[0-9]+)?\$" "$work/stock" | tr '\n' ' ')
        echo "  $symbol${stock:+ (stock: $stock)}" >&2
    done <<<"$missing"
    exit 1
fi
