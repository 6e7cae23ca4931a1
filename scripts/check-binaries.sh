#!/bin/sh
# The release binaries in dist/ as built: static, within their size budgets, their .sha256 files
# true, the ones this machine runs started, and the ones it cannot run read by our own reading
# of their formats (CPU, executable type, linked libraries or imported DLLs, minimum macOS, the
# arm64 signature: scripts/binaries.py).
#
#   scripts/check-binaries.sh        (after scripts/release.sh)
set -eu
cd "$(dirname "$0")/.."
for t in linux-amd64 linux-arm64 linux-amd64-glibc; do
    bin=dist/$t/docker-credential-ecr-login
    if readelf -l "$bin" | grep -q INTERP || readelf -d "$bin" | grep -q NEEDED; then
        echo "$bin is not statically linked" >&2
        exit 1
    fi
    echo "$bin: static"
done
python3 scripts/binaries.py check dist/windows-amd64/docker-credential-ecr-login.exe windows amd64
python3 scripts/binaries.py check dist/windows-arm64/docker-credential-ecr-login.exe windows arm64
python3 scripts/binaries.py check dist/darwin-amd64/docker-credential-ecr-login darwin amd64
python3 scripts/binaries.py check dist/darwin-arm64/docker-credential-ecr-login darwin arm64
python3 scripts/binaries.py check dist/darwin-universal/docker-credential-ecr-login darwin universal
(cd dist && for f in */docker-credential-ecr-login*.sha256; do (cd "${f%/*}" && sha256sum -c --quiet "${f##*/}"); done)
echo "every binary's .sha256 matches"
budget() { # file, bytes
    size=$(wc -c < "$1")
    echo "$1: $size bytes (budget $2)"
    [ "$size" -le "$2" ] || { echo "$1 is over its budget of $2 bytes" >&2; exit 1; }
}
for f in linux-amd64/docker-credential-ecr-login linux-arm64/docker-credential-ecr-login \
    windows-amd64/docker-credential-ecr-login.exe windows-arm64/docker-credential-ecr-login.exe \
    darwin-amd64/docker-credential-ecr-login darwin-arm64/docker-credential-ecr-login; do
    budget "dist/$f" $((5 * 512 * 1024))
done
# The glibc fallback carries glibc's static libc (NSS, iconv); it has a budget of its own.
budget dist/linux-amd64-glibc/docker-credential-ecr-login $((7 * 512 * 1024))
dist/linux-amd64/docker-credential-ecr-login -v
command -v qemu-aarch64-static > /dev/null || scripts/cross-setup.sh
qemu-aarch64-static dist/linux-arm64/docker-credential-ecr-login -v
