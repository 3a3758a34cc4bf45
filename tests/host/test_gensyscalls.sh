#!/usr/bin/env bash
# tests/host/test_gensyscalls.sh: tools/gensyscalls.sh numbers services as the list orders them and
# refuses malformed lists. Prints one "ok host.NAME" or "FAIL host.NAME: why" line per case, like the
# other host tests (make host-tests).
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
gen=tools/gensyscalls.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# check NAME MESSAGE CMD...: runs the rest of the line; a non-zero status is a failure with the given message
check() {
    local name=$1 message=$2
    shift 2
    if "$@" >"$work/out" 2>"$work/err"; then
        echo "ok host.gensyscalls_$name"
    else
        echo "FAIL host.gensyscalls_$name: $message ($(head -c 200 "$work/err" | tr '\n' ' '))"
    fi
}

# rejects LIST-TEXT EXPECTED-MESSAGE: the generator must fail, print nothing on stdout and name the line
rejects() {
    printf "%b" "$1" >"$work/list"
    ! $gen table "$work/list" >"$work/gen.out" 2>"$work/gen.err" &&
        [ ! -s "$work/gen.out" ] && grep -q -- "$2" "$work/gen.err"
}

numbered() {
    printf '# comment\nNtFirst 0\n\n  # indented comment\nNtSecond 3\nNtThird 16\n' >"$work/list"
    $gen header "$work/list" >"$work/h" &&
        grep -qx '#define PAGODA_SERVICE_NtFirst 0' "$work/h" &&
        grep -qx '#define PAGODA_SERVICE_NtSecond 1' "$work/h" &&
        grep -qx '#define PAGODA_SERVICE_NtThird 2' "$work/h" &&
        grep -qx '#define PAGODA_SERVICE_COUNT 3' "$work/h" &&
        grep -qx '    X(NtSecond, 3) \\' "$work/h" &&
        [ "$(grep -c '^    X(Nt' "$work/h")" = 3 ] &&
        $gen stubs-pe "$work/list" >"$work/pe" && grep -q '^_NtSecond@12:' "$work/pe" &&
        grep -q 'ret 64' "$work/pe" &&
        $gen table "$work/list" >"$work/table" &&
        grep -q '{(const void \*)NtThird, 16, "NtThird"}, /\* 2 \*/' "$work/table"
}

# The table takes the services' prototypes from the headers it is given, and declares none itself: a
# service that no header declares must not compile.
table_prototypes() {
    printf 'NtFirst 0\nNtSecond 1\n' >"$work/list"
    printf '#include "kernel/ndk/types.h"\nNTSTATUS NtFirst(void);\n' >"$work/first.h"
    printf '#include "kernel/ndk/types.h"\nNTSTATUS NtSecond(uint32_t a);\n' >"$work/second.h"
    $gen table "$work/list" "$work/first.h" "$work/second.h" >"$work/both.c" &&
        grep -qx "#include \"$work/first.h\"" "$work/both.c" &&
        ! grep -q 'extern' "$work/both.c" &&
        gcc -m32 -std=c11 -Wall -Werror -I. -c "$work/both.c" -o "$work/both.o" &&
        $gen table "$work/list" "$work/first.h" >"$work/one.c" &&
        ! gcc -m32 -std=c11 -Wall -Werror -I. -c "$work/one.c" -o "$work/one.o" 2>/dev/null
}

stubs_assemble() {
    $gen stubs-pe kernel/ke/services.list >"$work/p.asm" && nasm -f win32 -w+all "$work/p.asm" -o "$work/p.o"
}

check numbering "services are numbered in list order, comments and blank lines skipped" numbered
check table_prototypes "the table does not compile against the given prototypes, or compiles without one" table_prototypes
check stubs_assemble "the stubs for kernel/ke/services.list do not assemble" stubs_assemble
check rejects_too_many_args "argc 17 accepted" rejects 'NtA 17\n' 'most a service can take is 16'
check rejects_duplicates "a duplicate name accepted" rejects 'NtA 1\nNtB 2\nNtA 3\n' ':3: duplicate service NtA (first at line 1)'
check rejects_bad_names "a bad name accepted" rejects 'ntA 1\n' 'bad service name'
check rejects_bad_counts "a bad count accepted" rejects 'NtA -1\n' 'bad argument count'
check rejects_extra_fields "a line with three fields accepted" rejects 'NtA 1 2\n' 'expected "NAME ARGC"'
check rejects_missing_count "a line without a count accepted" rejects 'NtA\n' 'expected "NAME ARGC"'
check rejects_crlf "CRLF accepted" rejects 'NtA 1\r\n' 'carriage return'
check rejects_empty "an empty list accepted" rejects '# nothing\n' 'no services'
