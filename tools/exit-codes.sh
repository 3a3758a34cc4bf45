# tools/exit-codes.sh: sourced by tests/run, tools/run.sh and tools/bench.sh. Reads the kernel's
# exit codes (enum ke_exit_code in kernel/ke/ke.h, the one source) and sets the status QEMU exits
# with for each, (code << 1) | 1 (isa-debug-exit): EXIT_TESTS_PASSED, EXIT_TESTS_FAILED, EXIT_HALT,
# EXIT_BOOT_ERROR, EXIT_PANIC. Fails, naming what is missing, when the header lacks one.

exit_codes_read() {
    local header=$1 name value wanted
    while read -r name value; do
        printf -v "EXIT_$name" '%d' $(((value << 1) | 1))
    done < <(sed -n 's/^ *KE_EXIT_\([A-Z_]*\) *= *\(0x[0-9a-fA-F]*\|[0-9]*\),.*/\1 \2/p' "$header")
    for wanted in TESTS_PASSED TESTS_FAILED HALT BOOT_ERROR PANIC; do
        name=EXIT_$wanted
        if [ -z "${!name:-}" ]; then
            echo "tools/exit-codes.sh: no KE_EXIT_$wanted = <number> in $header" >&2
            return 1
        fi
    done
}

exit_codes_read "$(dirname "${BASH_SOURCE[0]}")/../kernel/ke/ke.h"
