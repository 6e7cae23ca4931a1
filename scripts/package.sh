#!/bin/sh
# Writes dist/ for sites with no network: the static binary, LICENSE, README, a source archive
# with every dependency vendored (it builds with `cargo build --offline --frozen`), and
# SHA256SUMS. Two runs on the same commit give the same bytes.
#
#   scripts/package.sh
#   scripts/verify-package.sh     # rebuild from the archive, offline, and compare the binary
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
ECR_LOGIN_GIT_COMMIT=${ECR_LOGIN_GIT_COMMIT:-$(git rev-parse --short=7 HEAD)}
export ECR_LOGIN_GIT_COMMIT
rm -rf dist && mkdir -p dist
scripts/build-static.sh

name="docker-credential-ecr-login-$version-src"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
git archive --format=tar --prefix="$name/" HEAD | tar -x -C "$stage"
(cd "$stage/$name" && cargo vendor --locked --versioned-dirs --quiet vendor > /dev/null)
mkdir -p "$stage/$name/.cargo"
cat > "$stage/$name/.cargo/config.toml" <<CFG
# Build from vendor/ only: cargo build --offline --frozen
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "vendor"
CFG
echo "$ECR_LOGIN_GIT_COMMIT" > "$stage/$name/GIT_COMMIT"
# Fixed order, owners and times, and no gzip timestamp: the same archive every time.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$stage" -cf - "$name" \
    | gzip -n -9 > "dist/$name.tar.gz"
cp LICENSE README.md dist/
(cd dist && sha256sum docker-credential-ecr-login* LICENSE README.md > SHA256SUMS)
cat dist/SHA256SUMS
