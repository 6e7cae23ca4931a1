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
# Reproducible bytes: the dependencies are compiled from a copy of the vendored sources in a
# private folder of this build (so that two builds, or two users, never share it), and that
# folder is remapped to /deps in everything the compiler writes. The crate itself is compiled
# from relative paths.
work=$(mktemp -d "${TMPDIR:-/tmp}/ecr-login-build.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
deps=$work/deps
if [ -n "${OFFLINE:-}" ]; then
    vendor=vendor                      # the source archive carries it
else
    vendor=$work/vendor
    cargo vendor --locked --versioned-dirs --quiet "$vendor" > /dev/null
fi
cp -R "$vendor" "$deps"
remap="--remap-path-prefix=$deps=/deps"
build() { # target, rustflags, output name
    RUSTFLAGS="$2 $remap" cargo build --release --locked ${OFFLINE:+--offline --frozen} \
        --config 'source.crates-io.replace-with="fixed-path"' \
        --config "source.fixed-path.directory=\"$deps\"" \
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
