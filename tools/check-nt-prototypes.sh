#!/usr/bin/env bash
# tools/check-nt-prototypes.sh: proves that user/include/pagoda/nt.h declares every service of
# kernel/ke/services.list with the list's number of 32-bit arguments, and nothing else. It compiles a file
# that takes the address of each service with mingw-w64, whose stdcall decoration _NtX@N gives the
# bytes of arguments the prototype pops, and compares N with 4 * ARGC.
# Usage: check-nt-prototypes.sh SERVICES.LIST NT.H   (run from the top of the tree; MINGW_CC overrides
# the compiler). Prints the differences and fails if there are any.
set -euo pipefail

[ $# -eq 2 ] || {
    echo "usage: check-nt-prototypes.sh SERVICES.LIST NT.H" >&2
    exit 2
}
list=$1
header=$2
cc=${MINGW_CC:-i686-w64-mingw32-gcc}
nm=${MINGW_NM:-${cc%gcc}nm}
here=$(dirname "$0")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$here/gensyscalls.sh" list "$list" >"$work/services"

{
    echo "#include \"$header\""
    echo "void *const pagoda_prototype_check[] = {"
    while read -r name _; do echo "    (void *)$name,"; done <"$work/services"
    echo "};"
} >"$work/check.c"

"$cc" -std=c11 -ffreestanding -Wall -Wextra -Werror -I. -c "$work/check.c" -o "$work/check.o"

# What the list says, and what the compiler made of the prototypes: "_NtX@N" each.
while read -r name argc; do echo "_${name}@$((argc * 4))"; done <"$work/services" | sort >"$work/want"
"$nm" -u "$work/check.o" | awk '$1 == "U" && $2 ~ /^_Nt/ { print $2 }' | sort >"$work/got"

status=0
if ! cmp -s "$work/want" "$work/got"; then
    echo "check-nt-prototypes: $header does not match $list (- list, + header):" >&2
    diff "$work/want" "$work/got" | grep '^[<>]' | sed 's/^</  -/; s/^>/  +/' >&2 || true
    status=1
fi

# A prototype for a service the list does not have would not show up above; look for it by name.
grep -o 'NTAPI Nt[A-Za-z0-9]*' "$header" | sed 's/^NTAPI //' | sort >"$work/declared"
cut -d' ' -f1 "$work/services" | sort >"$work/listed"
extra=$(comm -23 "$work/declared" "$work/listed")
if [ -n "$extra" ]; then
    echo "check-nt-prototypes: $header declares services that $list does not have: $(tr '\n' ' ' <<<"$extra")" >&2
    status=1
fi
exit $status
