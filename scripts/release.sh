#!/bin/sh
# The release, in dist/ (Amazon's layout), from one command:
#
#   dist/linux-amd64/docker-credential-ecr-login        static, musl (the recommended Linux build)
#   dist/linux-arm64/docker-credential-ecr-login        static, musl
#   dist/windows-amd64/docker-credential-ecr-login.exe  needs no DLL beyond Windows' own
#   dist/linux-amd64-glibc/docker-credential-ecr-login  static, glibc (a fallback)
#   dist/docker-credential-ecr-login-oci.tar            OCI image index, linux/amd64 + linux/arm64
#   dist/docker-credential-ecr-login-VERSION-src.tar.gz source, every dependency vendored
#   dist/LICENSE, dist/README.md, dist/SHA256SUMS       SHA256SUMS covers all of the above
#
# Two runs on the same commit give the same bytes. scripts/verify-package.sh rebuilds the
# linux-amd64 binary from the source archive offline and compares.
set -eu
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
ECR_LOGIN_GIT_COMMIT=${ECR_LOGIN_GIT_COMMIT:-$(git rev-parse --short=7 HEAD)}
export ECR_LOGIN_GIT_COMMIT
rm -rf dist && mkdir -p dist
scripts/build-static.sh
python3 scripts/oci-image.py dist "$version" "$ECR_LOGIN_GIT_COMMIT"

name="docker-credential-ecr-login-$version-src"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
git archive --format=tar --prefix="$name/" HEAD | tar -x -C "$stage"
# The standard library's own dependencies go in too, for a build that compiles std from its
# sources (-Zbuild-std); its sources themselves are the toolchain's rust-src.
scripts/cross-setup.sh source
std_src="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
(cd "$stage/$name" && RUSTC_BOOTSTRAP=1 cargo vendor --locked --versioned-dirs --quiet -s "$std_src/Cargo.toml" vendor > /dev/null)
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
(cd dist && sha256sum */docker-credential-ecr-login* docker-credential-ecr-login-* LICENSE README.md > SHA256SUMS)
cat dist/SHA256SUMS
