#!/usr/bin/env bash
# tests/host/test_pedump.sh: tools/pedump (built with the sanitizers) over the good images and the
# malformed corpus: exit status 0 with the expected lines for good images, 1 with the corpus file's
# expected reason for a malformed one, 2 for a file it cannot read. One "ok"/"FAIL" line a case.
# Environment: PEDUMP (the binary), PE_BUILD (the images, build/pe). Run from the top of the tree.
set -uo pipefail

pedump=${PEDUMP:-build/host/pedump}
images=${PE_BUILD:-build/pe}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

result() { # NAME REASON...: ok without a reason, FAIL with one
    local name=$1
    shift
    if [ $# -eq 0 ]; then echo "ok host.pedump.$name"; else echo "FAIL host.pedump.$name: $*"; fi
}

# expect_dump NAME FILE LINE...: exits 0, prints each LINE (a fixed string), writes nothing to stderr
expect_dump() {
    local name=$1 file=$2 status=0 line
    shift 2
    "$pedump" "$file" >"$out/stdout" 2>"$out/stderr" || status=$?
    [ "$status" = 0 ] || { result "$name" "exit status $status: $(head -c 300 "$out/stderr")"; return; }
    [ -s "$out/stderr" ] && { result "$name" "stderr: $(head -c 300 "$out/stderr")"; return; }
    for line in "$@"; do
        grep -qF -- "$line" "$out/stdout" || { result "$name" "no line '$line'"; return; }
    done
    result "$name"
}

expect_dump good_dll "$images/good_dll.dll" \
    "characteristics 0x2106 EXECUTABLE_IMAGE 32BIT_MACHINE DLL" \
    "image base 0x10000000" \
    "exports: good_dll.dll  base 1  functions 7  names 4" \
    "-> kernel32 . GetTickCount" "-> other . #12" "name table_value" \
    "rw-s- 0x04  .shared" "rw--c 0x08  .data" "r-x-- 0x20  .text" "r---- 0x02  (headers)" \
    "relocations: " "tls: template "
expect_dump good_exe "$images/good_exe.exe" "imports:" "  good_dll.dll  (lookup" "ordinal 7" \
    "     add" "KERNEL32.dll"
expect_dump good_low "$images/good_low.dll" "(low alignment)" "rwx-c 0x80  (whole file)"
expect_dump base "$images/base.bin" "delay imports:" "  delayed.dll  (lookup" \
    "relocations: 2 blocks, 8 HIGHLOW, 2 ABSOLUTE" "page 0x00001000  4 entries: 2 HIGHLOW, 2 ABSOLUTE" \
    "3     -> kernel32 . GetTickCount" "1 callbacks"

# The corpus: the expected reason for the walkers' stages, success for the rest (pedump does not bind).
# A "; pedump: REASON" line overrides the reason: pedump reads TLS at the preferred base, while
# the test relocates first.
failures=() count=0
for source in tests/pe/*.asm; do
    name=$(basename "$source" .asm)
    expect=$(sed -n 's/^; expect: //p' "$source")
    stage=${expect%% *}
    why=$(sed -n 's/^; expect: .*"\(.*\)"$/\1/p' "$source")
    override=$(sed -n 's/^; pedump: //p' "$source")
    [ -z "$override" ] || why=$override
    status=0
    "$pedump" "$images/$name.bin" >/dev/null 2>"$out/stderr" || status=$?
    count=$((count + 1))
    case $stage in
    ok | bind) [ "$status" = 0 ] || failures+=("$name: exit status $status") ;;
    *)
        if [ "$status" != 1 ]; then
            failures+=("$name: exit status $status, expected 1")
        elif ! grep -qF -- "$why" "$out/stderr"; then
            failures+=("$name: stderr lacks '$why': $(head -c 200 "$out/stderr")")
        elif grep -q 'runtime error\|AddressSanitizer' "$out/stderr"; then
            failures+=("$name: sanitizer report")
        fi
        ;;
    esac
done
if [ ${#failures[@]} -eq 0 ]; then result corpus; else result corpus "${failures[*]}"; fi
[ "$count" -gt 50 ] || result corpus_size "only $count corpus files"

status=0
"$pedump" >/dev/null 2>&1 || status=$?
missing=0
"$pedump" "$images/no-such-file" >/dev/null 2>&1 || missing=$?
if [ "$status" = 2 ] && [ "$missing" = 2 ]; then result usage; else result usage "usage $status, missing file $missing (expected 2, 2)"; fi
