#!/bin/sh
# Unpacks dist/'s source archive, builds the linux-amd64 (musl) binary with no registry access
# (an empty CARGO_HOME, --offline --frozen) and checks that it is the one in dist/, byte for
# byte. The offline side needs what the release build had: the same Rust toolchain with the
# x86_64-unknown-linux-musl standard library (or its rust-src), and musl-gcc.
set -eu
cd "$(dirname "$0")/.."
archive=$(ls dist/docker-credential-ecr-login-*-src.tar.gz)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$archive" -C "$work"
src=$(ls -d "$work"/docker-credential-ecr-login-*-src)
mkdir -p "$work/cargo-home" "$work/out"
(
    cd "$src"
    CARGO_HOME="$work/cargo-home" OFFLINE=1 DIST="$work/out" \
        ECR_LOGIN_GIT_COMMIT="$(cat GIT_COMMIT)" sh scripts/build-static.sh linux-amd64
)
want=$(sha256sum < dist/linux-amd64/docker-credential-ecr-login | cut -d' ' -f1)
got=$(sha256sum < "$work/out/linux-amd64/docker-credential-ecr-login" | cut -d' ' -f1)
echo "release build:          $want"
echo "offline vendored build: $got"
[ "$want" = "$got" ] || { echo "the vendored build differs from the release build" >&2; exit 1; }
echo "package verified: the source archive rebuilds the same linux-amd64 binary offline"
