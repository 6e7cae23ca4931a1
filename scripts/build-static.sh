#!/bin/sh
# Builds the release binary statically linked, reproducibly (no build paths, no timestamps).
#
#   scripts/build-static.sh            # -> dist/docker-credential-ecr-login (x86_64 Linux)
#
# On these machines the only target is x86_64-unknown-linux-gnu, so the static build is glibc
# with +crt-static. Where other targets are installed it builds them too:
#   rustup target add x86_64-unknown-linux-musl   -> dist/docker-credential-ecr-login-x86_64-linux-musl
#   rustup target add aarch64-unknown-linux-musl  (needs an aarch64 linker: CC/CARGO_TARGET_…_LINKER)
#   rustup target add x86_64-pc-windows-gnu       -> dist/docker-credential-ecr-login-x86_64-windows.exe (needs mingw-w64)
# musl is the better choice where it is available: its resolver reads /etc/hosts and
# /etc/resolv.conf with no NSS modules, which suits scratch images best.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
out=${DIST:-$top/dist}
mkdir -p "$out"
# The commit goes into `-v`; set it the same way for every build of one source.
ECR_LOGIN_GIT_COMMIT=${ECR_LOGIN_GIT_COMMIT:-$(git rev-parse --short=7 HEAD 2>/dev/null || true)}
export ECR_LOGIN_GIT_COMMIT
cargo_home=${CARGO_HOME:-$HOME/.cargo}
# Paths that would otherwise end up in the binary (panic locations): the checkout, the
# registry sources and a vendor directory all map to fixed names.
remap="--remap-path-prefix=$top=/build --remap-path-prefix=$top/vendor=/deps"
for reg in "$cargo_home"/registry/src/*; do
    [ -d "$reg" ] && remap="$remap --remap-path-prefix=$reg=/deps"
done
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0}
export CARGO_INCREMENTAL=0

build() { # target, rustflags, output name
    RUSTFLAGS="$2 $remap" cargo build --release --locked ${OFFLINE:+--offline --frozen} \
        --target "$1" --bin docker-credential-ecr-login
    src="target/$1/release/docker-credential-ecr-login"
    [ -f "$src.exe" ] && src="$src.exe"
    cp "$src" "$out/$3"
    echo "built $out/$3 ($(wc -c < "$out/$3") bytes)"
}

build x86_64-unknown-linux-gnu "-C target-feature=+crt-static" docker-credential-ecr-login
installed=$(rustup target list --installed 2>/dev/null || true)
for t in $installed; do
    case "$t" in
        *-linux-musl) build "$t" "-C target-feature=+crt-static" "docker-credential-ecr-login-${t%%-*}-linux-musl" ;;
        *-windows-*) build "$t" "-C target-feature=+crt-static" "docker-credential-ecr-login-${t%%-*}-windows.exe" ;;
    esac
done
