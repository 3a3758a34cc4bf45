#!/usr/bin/env bash
# tools/deps.sh: makes sure the Debian packages that build, boot and test Pagoda are installed
# (`make deps`). As root it installs what is missing with apt-get; otherwise it prints the exact
# command and fails.
set -euo pipefail

packages=(
    make gcc binutils gcc-multilib nasm         # build the kernel
    gcc-mingw-w64-i686                          # check user/include/pagoda/nt.h; later PE programs
    grub-pc-bin grub-common xorriso mtools      # build the ISO (grub-mkrescue)
    dosfstools                                  # FAT disk images
    qemu-system-x86 bochs bochsbios vgabios     # the emulators of the test matrix
    gdb                                         # make debug
    clang-format                                # make lint (also run by make test)
)

is_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

command -v dpkg-query >/dev/null || {
    echo "deps: dpkg-query not found: tools/deps.sh supports Debian 12 and its derivatives" >&2
    exit 1
}

missing=()
for pkg in "${packages[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#packages[@]} packages installed"
    exit 0
fi

echo "deps: missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: run this as root, or:" >&2
    echo "sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"

for pkg in "${missing[@]}"; do
    is_installed "$pkg" || {
        echo "deps: $pkg is still not installed after apt-get install" >&2
        exit 1
    }
done
echo "deps: installed ${missing[*]}"
