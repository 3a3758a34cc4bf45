#!/usr/bin/env bash
# tools/checkdeps.sh: checks that #include lines point one way down the kernel's layers
# (docs/decisions.md, "Folders and dependencies"; DESIGN section 1). Usage: checkdeps.sh [ROOT]
# (default: this checkout).
#
#   rank  folders                         may include
#   0     kernel/ndk, kernel/rtl          each other
#   1     ldr                             rank 0 (pure: built for the host and for user mode too)
#   2     kernel/hal, kernel/ke, mm, boot each other, and below (boot/: asmdefs.c, for the assembly)
#   3     kernel/ob                       below
#   4     kernel/ps, kernel/ex, kernel/io each other without a cycle, and below
#   5     kernel/fs/*  |  kernel/drivers/*  below; a file system its own folder, a driver any driver
#   6     kernel/init.c                   anything
#   user/  ndk, rtl, ldr and user headers (user/..., pagoda/...)
#
# The files that implement system services (SERVICE_FILES below) may include anything: a service
# reaches down into whatever it needs. The list is checked both ways against kernel/ke/services.list:
# every listed file defines a service, and every file that defines one is listed. tests/ and tools/
# are not checked, and of boot/ only the C. A wrong-way include prints FILE:LINE and the rule, and
# the script fails; so do a file outside every folder above and a cycle between ps, ex and io
# (FILE:LINE of an include each way). Cycles inside the other tiers (ke <-> mm ...) are allowed and
# listed on one line.
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2

SERVICE_FILES=(
    kernel/ob/services.c
    kernel/ps/services.c
    kernel/ps/context.c
    kernel/ps/spawn.c
    kernel/ex/sync.c
    kernel/io/services.c
    kernel/io/directory.c
    mm/virtual.c
    mm/section.c
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dirs=()
for d in kernel mm ldr user boot; do
    [ -d "$d" ] && dirs+=("$d")
done
find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort >"$work/files"
: >"$work/includes"
: >"$work/definitions"
if [ -s "$work/files" ]; then
    # FILE:LINE:TEXT of every quoted include (#include <...> names compiler headers).
    xargs grep -nH -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' <"$work/files" >"$work/includes" || true
    # FILE:LINE:TEXT of every function definition (or prototype) at column 0 named Nt<Capital>...
    grep -E '\.c$' "$work/files" | xargs -r grep -nH -E '^[A-Za-z_][A-Za-z0-9_ *]*[ *]Nt[A-Z][A-Za-z0-9]*\(' \
        >"$work/definitions" || true
fi
services=kernel/ke/services.list
[ -f "$services" ] || services=/dev/null
printf '%s\n' "${SERVICE_FILES[@]}" >"$work/service_files"

LC_ALL=C awk -v files="$work/files" -v service_files="$work/service_files" -v services="$services" \
    -v definitions="$work/definitions" -F: '
    # The group (a folder) of path, or "" for a file outside the checked folders.
    function group_of(path, parts, n) {
        n = split(path, parts, "/")
        if (path == "kernel/init.c") return "init"
        if (parts[1] == "kernel" && (parts[2] == "fs" || parts[2] == "drivers") && n >= 4)
            return parts[2] "/" parts[3]
        if (parts[1] == "kernel" && n >= 3 && parts[2] in kernel_rank) return parts[2]
        if ((parts[1] == "mm" || parts[1] == "ldr" || parts[1] == "user" || parts[1] == "boot") &&
            n >= 2)
            return parts[1]
        return ""
    }
    function rank_of(g) {
        if (g in kernel_rank) return kernel_rank[g]
        if (g ~ /^(fs|drivers)\//) return 5
        return rank[g]
    }
    # Groups that may include each other: the same tier name.
    function tier_of(g) {
        if (g ~ /^fs\//) return g
        if (g ~ /^drivers\//) return "drivers"
        return tier[g]
    }
    function allowed(from, to) {
        if (from == to || from == "init") return 1
        if (from == "user") return to == "ndk" || to == "rtl" || to == "ldr" || to == "user"
        if (to == "user" || to == "init") return 0
        if (tier_of(from) == tier_of(to)) return 1
        return rank_of(to) < rank_of(from)
    }
    function rule(from) {
        if (from == "user") return "user/ may include only ndk, rtl, ldr and user headers"
        if (from == "ldr") return "ldr/ is pure: it may include only kernel/ndk and kernel/rtl"
        return from " (rank " rank_of(from) ") may include only lower ranks" \
            (tier_of(from) == from ? "" : " and its own tier")
    }
    # The file an include names: from the root, beside the includer, or (user/) under user/include.
    function resolve(includer, name, dir) {
        if (name in exists) return name
        dir = includer
        sub(/[^\/]*$/, "", dir)
        if ((dir name) in exists) return dir name
        if (group_of(includer) == "user" && name ~ /^pagoda\//) return "user/include/" name
        return ""
    }
    BEGIN {
        split("ndk rtl", a, " "); for (i in a) { kernel_rank[a[i]] = 0; tier[a[i]] = "base" }
        rank["ldr"] = 1; tier["ldr"] = "ldr"
        split("hal ke", a, " "); for (i in a) { kernel_rank[a[i]] = 2; tier[a[i]] = "core" }
        rank["mm"] = 2; tier["mm"] = "core"; rank["boot"] = 2; tier["boot"] = "core"
        kernel_rank["ob"] = 3; tier["ob"] = "ob"
        split("ps ex io", a, " "); for (i in a) { kernel_rank[a[i]] = 4; tier[a[i]] = "executive" }
        acyclic["executive"] = 1
        rank["init"] = 6; tier["init"] = "init"; rank["user"] = 7; tier["user"] = "user"
        while ((getline f < files) > 0) exists[f] = 1
        while ((getline f < service_files) > 0) listed[f] = 1
        while ((getline line < services) > 0)
            if (line !~ /^[ \t]*(#|$)/) { split(line, w, /[ \t]+/); service[w[1]] = 1 }
        while ((getline line < definitions) > 0) {
            split(line, d, ":")
            name = d[3]; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
            if (!(name in service) || d[3] ~ /;[ \t]*$/) continue
            defines[d[1]] = 1
            if (!(d[1] in listed)) {
                printf "%s:%s: defines the service %s but is not in tools/checkdeps.sh SERVICE_FILES\n",
                    d[1], d[2], name
                bad = 1
            }
        }
        for (f in listed)
            if (!(f in exists) || !(f in defines)) {
                printf "tools/checkdeps.sh: SERVICE_FILES names %s, which %s\n", f,
                    f in exists ? "defines no service of " services : "does not exist"
                bad = 1
            }
        for (f in exists) {
            nfiles++
            if (group_of(f) == "") {
                printf "%s: not in a folder that tools/checkdeps.sh knows (see its table)\n", f
                bad = 1
            }
        }
    }
    {
        file = $1; line = $2
        text = $0; sub(/^[^:]*:[^:]*:/, "", text)
        name = text; sub(/^[^"]*"/, "", name); sub(/".*$/, "", name)
        from = group_of(file)
        if (from == "") next
        includes++
        target = resolve(file, name)
        if (target == "") {
            if (from == "user" && name ~ /^pagoda\//) next # generated (build/user/include)
            printf "%s:%s: includes \"%s\", which is not in the tree\n", file, line, name
            bad = 1
            next
        }
        to = (target ~ /^user\//) ? "user" : group_of(target)
        if (to == "") {
            printf "%s:%s: includes \"%s\", outside the checked folders\n", file, line, name
            bad = 1
            next
        }
        if (file in listed) next
        if (!allowed(from, to)) {
            printf "%s:%s: includes %s (%s, rank %d): %s\n", file, line, target, to, rank_of(to),
                rule(from)
            bad = 1
            next
        }
        if (from != to && from != "init" && !((from, to) in edge)) edge[from, to] = file ":" line
    }
    END {
        # Cycles inside a tier: groups that reach each other (Floyd-Warshall on a dozen folders).
        for (e in edge) { split(e, p, SUBSEP); node[p[1]] = 1; node[p[2]] = 1; reach[p[1], p[2]] = 1 }
        for (k in node) for (i in node) if ((i, k) in reach) for (j in node) if ((k, j) in reach)
            reach[i, j] = 1
        n = 0
        for (i in node) sorted[++n] = i
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
            if (sorted[j] < sorted[i]) { t = sorted[i]; sorted[i] = sorted[j]; sorted[j] = t }
        cycles = ""
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
            x = sorted[i]; y = sorted[j]
            if (!((x, y) in reach && (y, x) in reach)) continue
            if (!(tier_of(x) in acyclic)) { cycles = cycles " " x "<->" y; continue }
            printf "%s and %s include each other, a cycle inside the %s tier: %s%s\n", x, y,
                tier_of(x), (x, y) in edge ? edge[x, y] " (" x " -> " y ")" : x " reaches " y,
                (y, x) in edge ? ", " edge[y, x] " (" y " -> " x ")" : ", and " y " reaches " x
            bad = 1
        }
        if (bad) exit 1
        printf "checkdeps: %d includes in %d files go one way%s\n", includes, nfiles,
            cycles == "" ? "" : "; cycles inside a tier (allowed):" cycles
    }
' "$work/includes"
