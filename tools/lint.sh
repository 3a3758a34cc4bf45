#!/usr/bin/env bash
# tools/lint.sh: `make lint`, also run by `make test` (tests/run's lint entry). Checks every file of
# the tree: clang-format (.clang-format) on the C files, and tools/lint.pl's rules: 100 columns in
# the sources, each file's header naming its own path, the paths cited in comments and docs
# existing. Prints `ok lint.RULE` or `FAIL lint.RULE: ...` with the findings; non-zero on a failure.
set -euo pipefail

cd "$(dirname "$0")/.."

# The tree's files: git's list (tracked and new, not ignored) in a clone, else all but build/.
files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    while IFS= read -r f; do
        [ -f "$f" ] && files+=("$f")
    done < <(git ls-files --cached --others --exclude-standard | sort -u)
else
    while IFS= read -r f; do files+=("${f#./}"); done < <(find . -path ./build -prune -o -type f -print)
fi

c_files=() source_files=()
for f in "${files[@]}"; do
    case $f in
        *.c | *.h) c_files+=("$f") source_files+=("$f") ;;
        *.S | *.ld | *.asm | *.inc) source_files+=("$f") ;;
    esac
done

failed=0

# report RULE OUTPUT-FILE STATUS: the rule's result line, with at most 20 findings under it.
report() {
    local rule=$1 output=$2 status=$3
    if [ "$status" = 0 ]; then
        echo "ok lint.$rule"
        return
    fi
    failed=1
    echo "FAIL lint.$rule: $(grep -c . "$output") findings"
    head -n 20 "$output" | sed 's/^/    /'
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

status=0
clang-format --dry-run --Werror "${c_files[@]}" 2>"$out/format" || status=$?
# Only the "file:line:col: error: ..." lines: one finding each.
grep -a ': error: ' "$out/format" >"$out/format.lines" || true
report clang_format "$out/format.lines" "$status"

for rule in columns headers paths; do
    status=0
    case $rule in
        columns) perl tools/lint.pl columns "${source_files[@]}" >"$out/$rule" || status=$? ;;
        *) perl tools/lint.pl "$rule" "${files[@]}" >"$out/$rule" || status=$? ;;
    esac
    report "$rule" "$out/$rule" "$status"
done

exit "$failed"
