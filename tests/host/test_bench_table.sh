#!/usr/bin/env bash
# tests/host/test_bench_table.sh: tools/bench-linux/table.sh (the table of `make bench-linux`)
# takes medians across runs, quotients within a run and the targets as documented, refuses malformed
# input, and every Linux figure that tools/bench-linux/pairs names is one that peer.c prints.
# Prints one "ok host.NAME" or "FAIL host.NAME: why" line per case, like the other host tests.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
table=tools/bench-linux/table.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect NAME ROW-PREFIX EXPECTED-ROW: the table's row that starts with "| ROW-PREFIX" must be
# EXPECTED-ROW once its runs of spaces are squeezed.
expect() {
    local got
    got=$(grep -F "| $2" "$work/out" | tr -s ' ')
    if [ "$got" = "$3" ]; then
        echo "ok host.bench_table_$1"
    else
        echo "FAIL host.bench_table_$1: expected '$3', got '$got'"
    fi
}

cat >"$work/pairs" <<'EOF'
# comment
odd runs | a_cycles | a_cycles | <= 0.5
even runs, variant | b_cycles@sysenter=off+test=bench.x | b_cycles | <= 0.5
quotient | q_cycles/r_cycles | q_cycles/r_cycles | Pagoda <= 1.3
missing | - | c_cycles |
EOF
cat >"$work/results" <<'EOF'
pagoda 1 a_cycles 100
pagoda 2 a_cycles 300
pagoda 3 a_cycles 200
linux 1 a_cycles 1000
linux 2 a_cycles 900
linux 3 a_cycles 1100
pagoda 1 b_cycles@sysenter=off+test=bench.x 10
pagoda 2 b_cycles@sysenter=off+test=bench.x 30
linux 1 b_cycles 20
linux 2 b_cycles 21
pagoda 1 q_cycles 140
pagoda 1 r_cycles 100
pagoda 2 q_cycles 110
pagoda 2 r_cycles 100
pagoda 3 q_cycles 500
linux 3 c_cycles 7
EOF
if $table "$work/pairs" "$work/results" >"$work/out" 2>"$work/err"; then
    # a: medians 200 and 1000, 0.20 <= 0.5; b: the upper of two middles, 30 and 21, 1.43 > 0.5
    expect median "odd runs" "| odd runs | 200 | 1000 | 0.20 | <= 0.5 (met) |"
    expect variant "even runs" "| even runs, variant | 30 | 21 | 1.43 | <= 0.5 (missed) |"
    # quotients of runs 1 and 2 (1.40, 1.10; run 3 has no r_cycles): the upper middle, 1.40
    expect quotient "quotient" "| quotient | 1.40 | - | - | Pagoda <= 1.3 (missed) |"
    expect missing "missing" "| missing | - | 7 | - | |"
    grep -q '^Medians of 3 run(s)' "$work/out" && echo "ok host.bench_table_runs" ||
        echo "FAIL host.bench_table_runs: no 'Medians of 3 run(s)' line: $(head -n1 "$work/out")"
else
    echo "FAIL host.bench_table_sample: table.sh failed: $(head -c 200 "$work/err")"
fi

printf 'pagoda 1 a_cycles\n' >"$work/bad"
if ! $table "$work/pairs" "$work/bad" >/dev/null 2>"$work/err" && grep -q 'line 1' "$work/err"; then
    echo "ok host.bench_table_rejects_bad_results"
else
    echo "FAIL host.bench_table_rejects_bad_results: table.sh accepted 'pagoda 1 a_cycles'"
fi

# The real pairs file: every row parses, and each Linux figure is a name peer.c prints.
: >"$work/empty"
if $table tools/bench-linux/pairs "$work/empty" >/dev/null 2>"$work/err"; then
    echo "ok host.bench_table_pairs_parse"
else
    echo "FAIL host.bench_table_pairs_parse: $(head -c 200 "$work/err")"
fi
missing=$(awk -F'|' '!/^#/ && NF >= 3 { gsub(/ /, "", $3); n = split($3, f, "/")
                                          for (i = 1; i <= n; i++) if (f[i] != "-") print f[i] }' \
    tools/bench-linux/pairs | sort -u | while read -r name; do
    grep -q "\"$name\"" tools/bench-linux/peer.c || echo "$name"
done)
if [ -z "$missing" ]; then
    echo "ok host.bench_table_linux_names"
else
    echo "FAIL host.bench_table_linux_names: peer.c prints no $(echo "$missing" | tr '\n' ' ')"
fi
