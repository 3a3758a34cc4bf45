#!/usr/bin/env bash
# tools/bench-linux/table.sh PAIRS RESULTS: prints `make bench-linux`'s table, a Markdown table
# with one row per line of PAIRS (tools/bench-linux/pairs says the format): the median across runs
# of each figure in RESULTS ("pagoda RUN NAME VALUE" and "linux RUN NAME VALUE" lines),
# Pagoda/Linux and the target.
set -euo pipefail

if [ $# -ne 2 ] || [ ! -f "$1" ] || [ ! -f "$2" ]; then
    echo "usage: $0 PAIRS RESULTS" >&2
    exit 2
fi

awk '
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }

# The median of the n values in v[1..n]: the upper of the middle two, as user/rt/time.c takes it.
function median(v, n,    i, j, t) {
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return v[int(n / 2) + 1]
}

# figure(SIDE, SPEC): the median across runs of SPEC (NAME, or A/B: the quotient within each run);
# "" when no run has it.
function figure(side, spec,    parts, r, n, v, a, b) {
    if (spec == "" || spec == "-")
        return ""
    n = 0
    split("", v)
    for (r = 1; r <= maxrun; r++) {
        if (split(spec, parts, "/") == 2) {
            a = val[side, parts[1], r]; b = val[side, parts[2], r]
            if ((side, parts[1], r) in val && (side, parts[2], r) in val && b > 0)
                v[++n] = a / b
        } else if ((side, spec, r) in val)
            v[++n] = val[side, spec, r]
    }
    return n ? median(v, n) : ""
}

function show(x, spec) {
    if (x == "")
        return "-"
    return index(spec, "/") ? sprintf("%.2f", x) : sprintf("%d", x + 0.5)
}

# The target and whether it is met: "<= X" is about Pagoda/Linux, "Pagoda <= X" about Pagoda.
function verdict(target, ratio, pagoda,    x, subject) {
    if (target == "")
        return ""
    subject = target ~ /^Pagoda/ ? pagoda : ratio
    x = target
    sub(/^[^0-9.]*/, "", x)
    if (subject == "")
        return target
    return target (subject + 0 <= x + 0 ? " (met)" : " (missed)")
}

FNR == NR {
    if ($0 ~ /^[ \t]*(#|$)/)
        next
    if (NF < 3) {
        printf "table: %s line %d: want operation | Pagoda | Linux [| target]\n", FILENAME, FNR \
            > "/dev/stderr"
        bad = 1
        next
    }
    rows++
    op[rows] = trim($1); pspec[rows] = trim($2); lspec[rows] = trim($3); target[rows] = trim($4)
    next
}
{
    split($0, f, " ")
    if ((f[1] != "pagoda" && f[1] != "linux") || f[2] !~ /^[0-9]+$/ || f[4] !~ /^[0-9.]+$/) {
        printf "table: %s line %d: want SIDE RUN NAME VALUE: %s\n", FILENAME, FNR, $0 \
            > "/dev/stderr"
        bad = 1
        next
    }
    val[f[1], f[3], f[2]] = f[4]
    if (f[2] > maxrun) maxrun = f[2]
}
END {
    if (bad)
        exit 1
    cell[0, 1] = "operation"; cell[0, 2] = "Pagoda"; cell[0, 3] = "Linux"
    cell[0, 4] = "Pagoda/Linux"; cell[0, 5] = "target"
    for (i = 1; i <= rows; i++) {
        p = figure("pagoda", pspec[i]); l = figure("linux", lspec[i])
        ratio = (p != "" && l != "" && l > 0) ? sprintf("%.2f", p / l) : ""
        cell[i, 1] = op[i]; cell[i, 2] = show(p, pspec[i]); cell[i, 3] = show(l, lspec[i])
        cell[i, 4] = ratio == "" ? "-" : ratio
        cell[i, 5] = verdict(target[i], ratio, p)
    }
    for (c = 1; c <= 5; c++)
        for (i = 0; i <= rows; i++)
            if (length(cell[i, c]) > w[c]) w[c] = length(cell[i, c])
    printf "Medians of %d run(s); cycles, or a ratio for a quotient of two figures.\n", maxrun
    for (i = 0; i <= rows; i++) {
        printf "| %-*s | %*s | %*s | %*s | %-*s |\n", w[1], cell[i, 1], w[2], cell[i, 2],
            w[3], cell[i, 3], w[4], cell[i, 4], w[5], cell[i, 5]
        if (i == 0) {
            line = "|"
            for (c = 1; c <= 5; c++) {
                dashes = sprintf("%*s", w[c] + 2, ""); gsub(/ /, "-", dashes)
                line = line (c >= 2 && c <= 4 ? substr(dashes, 2) ":" : dashes) "|"
            }
            print line
        }
    }
}
' FS='|' "$1" FS=' ' "$2"
